#!/usr/bin/env bash
# The embedders of liblatch, against a built library: the TypeScript
# binding's `npm test` (bindings/ts, its packages from npm's registry by its
# lock file) and the Python ctypes example of docs/embedding.md, whose
# output must be the one the page shows.
# usage: tests/embedding.sh LIBLATCH_SO (from the repo root)
set -u
lib=$(realpath "${1:?usage: tests/embedding.sh LIBLATCH_SO}") || exit 2
repo=$PWD
# scratch trees outside what the default profile grants (not under /tmp or
# /var/tmp: deleting there is allowed, and the tests would prove nothing)
if [ "$(id -u)" = 0 ]; then base=/var/lib; else base=$HOME; fi
root=$(mktemp -d "$base/latch-embed.XXXXXX") || exit 2
trap 'rm -rf "$root"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# -- the TypeScript binding
if (cd bindings/ts && npm ci --silent --no-audit --no-fund >"$root/npm.log" 2>&1); then
	if (cd bindings/ts && LATCH_LIBRARY=$lib LATCH_TEST_ROOT=$root npm test >"$root/ts.log" 2>&1); then
		ok "bindings/ts: npm test ($(grep -c '^ok ' "$root/ts.log") tests)"
	else
		ko "bindings/ts: npm test"; cat "$root/ts.log"
	fi
else
	ko "bindings/ts: npm ci"; cat "$root/npm.log"
fi

# -- docs/embedding.md's Python example: the first ```python block, run in
# a workspace holding README; its output is the ```text block after it
block() { # LANG: the first fenced block of that language
	awk -v lang="$1" '$0 == "```" lang { on = 1; next } on && $0 == "```" { exit } on' \
		"$repo/docs/embedding.md"
}
block python >"$root/example.py"
block text >"$root/expected"
mkdir -p "$root/home" "$root/work" && touch "$root/work/README"
if [ ! -s "$root/example.py" ] || [ ! -s "$root/expected" ]; then
	ko "docs/embedding.md has a python block and a text block"
else
	got=$(cd "$root/work" && env -u XDG_STATE_HOME -u XDG_CONFIG_HOME -u XDG_RUNTIME_DIR \
		HOME="$root/home" LATCH_LIBRARY="$lib" python3 ../example.py 2>&1)
	# the page shows ~ for the home directory
	if [ "${got//$root\/home/\~}" = "$(cat "$root/expected")" ]; then
		ok "docs/embedding.md: the Python example prints what the page shows"
	else
		ko "docs/embedding.md: the Python example printed:"; echo "$got"
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
