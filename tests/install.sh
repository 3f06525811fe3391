#!/usr/bin/env bash
# `make install` into a scratch DESTDIR yields a latch that finds all of its
# data: the required groups (a missing one must never weaken the sandbox) and
# the completion scripts. usage: tests/install.sh (from the repo root)
set -u
dest=$(mktemp -d "${LATCH_TEST_ROOT:-$PWD}/install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

make -s install DESTDIR="$dest" PREFIX=/usr/local >/dev/null || ko "make install"
bin="$dest/usr/local/bin/latch"
export LATCH_DATA_DIR="$dest/usr/local/share/latch"
[ -x "$bin" ] && ok "binary installed" || ko "binary installed"
shim="$dest/usr/local/libexec/latch/latch-shim"
out=$("$shim" 2>&1); rc=$?
[ "$rc" = 126 ] && grep -q "is not a latch shim directory" <<<"$out" && ok "shim installed (and refuses to run outside a session)" \
	|| ko "shim installed and refusing outside a session, got $rc: $out"
groups=$(HOME="$dest" "$bin" profile show default 2>&1)
grep -q deny_credentials <<<"$groups" && ok "required groups installed" || ko "required groups installed: $groups"
"$bin" completion bash | grep -q complete && ok "bash completion installed" || ko "bash completion installed"
[ -f "$dest/usr/local/share/man/man1/latch.1" ] && ok "man page installed" || ko "man page installed"
HOME="$dest" "$bin" rules test >/dev/null 2>&1 && ok "rule packs installed and their examples pass" \
	|| ko "rule packs installed and their examples pass"
mv "$LATCH_DATA_DIR/profiles/groups/required" "$dest/moved"
out=$(HOME="$dest" "$bin" run -- true 2>&1); rc=$?
[ "$rc" = 125 ] && grep -q "no required groups" <<<"$out" && ok "missing required groups: refuses (125)" \
	|| ko "missing required groups must refuse, got $rc: $out"
mv "$dest/moved" "$LATCH_DATA_DIR/profiles/groups/required"

# liblatch: a program built with pkg-config against the installed library
# finds latch's data from the library's own place (built with the CC and
# CFLAGS the library was: under `make asan`, the sanitizers' runtime)
lib="$dest/usr/local/lib"
cat >"$dest/embed.c" <<'C'
#include <latch.h>
#include <stdio.h>
int main(void)
{
	const char *rm[] = { "rm", "-rf", "/home" };
	latch_policy p;
	latch_decision d;
	latch_error e;

	if (latch_policy_load("default", "/var", &p, &e) || latch_check(p, rm, 3, NULL, &d, &e))
		return printf("%s\n", e.message), 1;
	printf("%s %s\n", latch_version(), d.rule);
	latch_decision_clear(&d);
	return latch_policy_free(p, &e);
}
C
flags=$(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --define-prefix --cflags --libs latch) &&
	${CC:-cc} ${CFLAGS:-} -o "$dest/embed" "$dest/embed.c" $flags -Wl,-rpath,"$lib" &&
	ok "liblatch: header, pkg-config file and library installed" ||
	ko "liblatch: a program built with pkg-config --cflags --libs latch"
out=$(env -u LATCH_DATA_DIR HOME="$dest" "$dest/embed" 2>&1)
[ "$out" = "0.1.0 rm-outside-roots" ] && ok "liblatch: finds its profiles and rule packs from its own place" ||
	ko "liblatch: the installed library's decision, got: $out"
[ -z "$(nm -D --defined-only "$lib/liblatch.so.0" | awk '$2 != "A" && $3 !~ /^latch_/')" ] &&
	ok "liblatch: exports only latch_* symbols" || ko "liblatch: exports only latch_* symbols"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
