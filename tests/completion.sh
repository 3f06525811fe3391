#!/usr/bin/env bash
# tests/completion.sh — check the shell completion scripts.
#
#   tests/completion.sh [PATH-TO-LATCH]     (default: ./latch)
#
# Run from the repository root. bash checks always run; zsh checks run when
# zsh is installed. Prints "N passed, M failed" and exits 1 on any failure.
set -u

latch=${1:-./latch}  # a path, as in tests/tty.sh: `latch` means ./latch
[[ -e $latch ]] && latch=$(realpath -- "$latch")
cd "$(dirname "$0")/.." || exit 1
# latch finds its data (profiles/, completions/) beside its binary; a binary
# built elsewhere (make asan) is pointed at this tree.
export LATCH_DATA_DIR=${LATCH_DATA_DIR:-$PWD}

bash_file=completions/latch.bash
zsh_file=completions/_latch
passed=0 failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
    failed=$((failed + 1))
    printf 'FAIL  %s\n' "$1"
    [[ -n ${2-} ]] && printf '      %s\n' "$2"
}

# Simulate bash completion of a command line: complete WORD... (the last
# word is the one being completed; pass "" for an empty one). Prints the
# candidates, one a line.
complete_line() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _latch latch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}"
}

# offers DESCRIPTION EXPECTED... -- WORD...: the completion of WORD... must
# include every EXPECTED candidate.
offers() {
    local what=$1 got w missing=
    local -a want=()
    shift
    while [[ $1 != -- ]]; do want+=("$1"); shift; done
    shift
    got=$(complete_line "$@" 2>/dev/null)
    for w in "${want[@]}"; do
        grep -qxF -- "$w" <<<"$got" || missing+=" $w"
    done
    if [[ -z $missing ]]; then
        pass "$what"
    else
        fail "$what" "missing:$missing; got: $(tr '\n' ' ' <<<"$got")"
    fi
}

# ---- bash ----

if out=$(bash -n "$bash_file" 2>&1); then
    pass "bash -n $bash_file"
else
    fail "bash -n $bash_file" "$out"
fi

# shellcheck source=completions/latch.bash
if ! source "$bash_file"; then
    fail "source $bash_file" "sourcing failed"
elif [[ $(complete -p latch 2>/dev/null) == "complete -F "*" latch" ]]; then
    pass "sourcing $bash_file registers: $(complete -p latch)"
else
    fail "sourcing $bash_file registers 'complete -F ... latch'" \
        "complete -p latch: $(complete -p latch 2>&1)"
fi

if declare -F _latch >/dev/null; then
    offers "'latch r' offers run" run -- latch r
    offers "'latch run --prof' offers --profile" --profile -- latch run --prof
    offers "'latch why --op ' offers read, write, exec" read write exec \
        -- latch why --op ""
    offers "'latch profile show default --format ' offers text, json, sbpl" \
        text json sbpl -- latch profile show default --format ""
    offers "'latch run --profile ' offers the profiles of 'latch profile list'" \
        default claude-code codex openclaw -- "$latch" run --profile ""
else
    fail "bash completion function _latch is defined"
fi

if ! [[ -x $latch ]]; then
    fail "'latch completion bash' prints $bash_file" "$latch is not executable (build it with make)"
elif "$latch" completion bash >"$tmp/bash.out" 2>"$tmp/bash.err" &&
    cmp -s "$tmp/bash.out" "$bash_file"; then
    pass "'latch completion bash' prints $bash_file"
else
    fail "'latch completion bash' prints $bash_file" \
        "$(cat "$tmp/bash.err")$(diff "$tmp/bash.out" "$bash_file" | head -5)"
fi

# ---- zsh ----

if command -v zsh >/dev/null 2>&1; then
    if out=$(zsh -n "$zsh_file" 2>&1); then
        pass "zsh -n $zsh_file"
    else
        fail "zsh -n $zsh_file" "$out"
    fi

    # -f: no startup files; HOME: compinit's dump goes to the scratch dir
    out=$(HOME=$tmp zsh -f -c '
        autoload -U compinit; compinit -u -d "$HOME/zcompdump"
        source "$1" || exit 1
        print -r -- "registered: $_comps[latch]"' zsh "$zsh_file" 2>&1)
    if [[ $out == "registered: _latch" ]]; then
        pass "zsh loads $zsh_file after compinit and registers _latch"
    else
        fail "zsh loads $zsh_file after compinit and registers _latch" "$out"
    fi

    if ! [[ -x $latch ]]; then
        fail "'latch completion zsh' prints $zsh_file" "$latch is not executable (build it with make)"
    elif "$latch" completion zsh >"$tmp/zsh.out" 2>"$tmp/zsh.err" &&
        cmp -s "$tmp/zsh.out" "$zsh_file"; then
        pass "'latch completion zsh' prints $zsh_file"
    else
        fail "'latch completion zsh' prints $zsh_file" \
            "$(cat "$tmp/zsh.err")$(diff "$tmp/zsh.out" "$zsh_file" | head -5)"
    fi
else
    echo "skip  zsh checks: zsh is not installed"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]] || {
    echo "tests/completion.sh: $failed check(s) failed" >&2
    exit 1
}
