# bash completion for latch(1)                              -*- shell-script -*-
#
# Installed as share/bash-completion/completions/latch, or loaded with
#   eval "$(latch completion bash)"
# Self-contained: uses bash-completion's helpers only when they are loaded.

# COMPREPLY = the words `compgen ARGS...` prints (one a line, unglobbed).
_latch_reply()
{
    mapfile -t COMPREPLY < <(compgen "$@")
}

_latch_reply_add()
{
    local -a more
    mapfile -t more < <(compgen "$@")
    COMPREPLY+=("${more[@]}")
}

# Profile names (first column of `latch profile list`) and *.yaml files.
_latch_profiles()
{
    local latch=$1 cur=$2 name
    local -a names
    [[ $latch == \~/* ]] && latch=$HOME/${latch#\~/}
    if command -v -- "$latch" >/dev/null 2>&1; then
        while read -r name _; do
            [[ -n $name ]] && names+=("$name")
        done < <(command "$latch" profile list 2>/dev/null)
    fi
    compopt -o filenames 2>/dev/null
    _latch_reply -W "${names[*]}" -- "$cur"
    # .yaml files, and directories to reach them
    _latch_reply_add -f -X '!*.yaml' -- "$cur"
    _latch_reply_add -d -- "$cur"
}

# Files and directories.
_latch_files()
{
    compopt -o filenames 2>/dev/null
    _latch_reply -f -- "$1"
}

# Directories only.
_latch_dirs()
{
    compopt -o filenames 2>/dev/null
    _latch_reply -d -- "$1"
}

# The command after `latch run [OPTIONS] [--]`, and its arguments; word
# index $1 holds the command's name.
_latch_command()
{
    local i=$1 cur=$2
    if ((COMP_CWORD == i)); then
        _latch_reply -c -- "$cur"
    elif declare -F _command_offset >/dev/null 2>&1; then
        _command_offset "$i"
    else
        _latch_files "$cur"
    fi
}

_latch()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    local cword=$COMP_CWORD
    local latch=${COMP_WORDS[0]}
    local commands='run shell why check rules audit snapshot rollback profile setup completion help'
    local grants='--allow --read --write --exec --deny --deny-write --env --net --allow-domain'
    local common='-p --profile -w --workdir -h --help'
    COMPREPLY=()

    ((cword > 0)) && prev=${COMP_WORDS[cword - 1]}
    # `--opt=value`: bash splits it at '=' (COMP_WORDBREAKS).
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((cword > 1)); then
        prev=${COMP_WORDS[cword - 2]}
    fi

    if ((cword == 1)); then
        if [[ $cur == -* ]]; then
            _latch_reply -W '--help -h --version -V' -- "$cur"
        else
            _latch_reply -W "$commands" -- "$cur"
        fi
        return 0
    fi

    local cmd=${COMP_WORDS[1]} opts='' sub=''
    case $cmd in
    run | shell) opts="$common $grants --best-effort --monitor -n --dry-run --json" ;;
    why) opts="$common $grants --path --op --json" ;;
    check) opts='-p --profile -w --workdir --cwd --json --pack -h --help' ;;
    rules)
        if ((cword == 2)); then
            if [[ $cur == -* ]]; then
                _latch_reply -W '--help -h' -- "$cur"
            else
                _latch_reply -W 'test lint' -- "$cur"
            fi
            return 0
        fi
        sub=${COMP_WORDS[2]}
        case $sub in
        test) opts='-v --verbose -h --help' ;;
        lint) opts='-h --help' ;;
        *) return 0 ;;
        esac
        ;;
    audit)
        if ((cword == 2)); then
            if [[ $cur == -* ]]; then
                _latch_reply -W '--help -h' -- "$cur"
            else
                _latch_reply -W 'list show tail verify export' -- "$cur"
            fi
            return 0
        fi
        sub=${COMP_WORDS[2]}
        case $prev in
        --only) _latch_reply -W 'blocked exec net' -- "$cur"; return 0 ;;
        --format) _latch_reply -W 'jsonl csv' -- "$cur"; return 0 ;;
        --key) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
        --since) return 0 ;;
        esac
        case $sub in
        list) opts='--since --json -h --help' ;;
        show) opts='--only --json -h --help' ;;
        tail) opts='--json -h --help' ;;
        verify) opts='--all --key -h --help' ;;
        export) opts='--format -h --help' ;;
        *) return 0 ;;
        esac
        ;;
    snapshot) opts='-w --workdir -h --help' ;;
    rollback)
        if ((cword == 2)); then
            if [[ $cur == -* ]]; then
                _latch_reply -W '--help -h' -- "$cur"
            else
                _latch_reply -W 'list show diff restore verify prune' -- "$cur"
            fi
            return 0
        fi
        sub=${COMP_WORDS[2]}
        case $sub in
        list | show) opts='--json -h --help' ;;
        restore) opts='--path --dry-run -h --help' ;;
        verify | diff) opts='-h --help' ;;
        prune) opts='--keep --max-size --older-than -h --help' ;;
        *) return 0 ;;
        esac
        ;;
    profile)
        if ((cword == 2)); then
            if [[ $cur == -* ]]; then
                _latch_reply -W '--help -h' -- "$cur"
            else
                _latch_reply -W 'list show validate' -- "$cur"
            fi
            return 0
        fi
        sub=${COMP_WORDS[2]}
        if [[ $prev == --format ]]; then
            _latch_reply -W 'text json sbpl' -- "$cur"
            return 0
        fi
        case $sub in
        list) opts='--json -h --help' ;;
        show) opts='--json --format -w --workdir -h --help' ;;
        validate) opts='-h --help' ;;
        *) return 0 ;;
        esac
        ;;
    setup)
        _latch_reply -W '--check --json -h --help' -- "$cur"
        return 0
        ;;
    completion)
        ((cword == 2)) && _latch_reply -W 'bash zsh' -- "$cur"
        return 0
        ;;
    help)
        ((cword == 2)) &&
            _latch_reply -W 'run shell why check rules audit snapshot rollback profile setup completion' -- "$cur"
        return 0
        ;;
    *) return 0 ;;
    esac

    # Option values.
    case $prev in
    -p | --profile)
        [[ $cmd == profile ]] || { _latch_profiles "$latch" "$cur"; return 0; }
        ;;
    -w | --workdir | --cwd)
        _latch_dirs "$cur"
        return 0
        ;;
    --allow | --read | --write | --exec | --deny | --deny-write | --path | --pack)
        _latch_files "$cur"
        return 0
        ;;
    --env)
        _latch_reply -e -- "$cur"
        return 0
        ;;
    --op)
        _latch_reply -W 'read write exec' -- "$cur"
        return 0
        ;;
    --net)
        _latch_reply -W 'open allowlist block' -- "$cur"
        return 0
        ;;
    --allow-domain)
        return 0
        ;;
    esac

    # Options stop at the first operand or at `--` (as latch parses them).
    local i=2 w first=
    [[ $cmd == profile || $cmd == rules || $cmd == audit || $cmd == rollback ]] && i=3
    for (( ; i < cword; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -- ]]; then
            first=$((i + 1))
            break
        fi
        case $w in
        -p | --profile | -w | --workdir | --allow | --read | --write | \
            --exec | --deny | --deny-write | --env | --net | --allow-domain | --path | --op | --cwd | --pack)
            ((i++))
            [[ ${COMP_WORDS[i]} == = ]] && ((i++))
            ;;
        =) ;;
        -*) ;;
        *)
            first=$i
            break
            ;;
        esac
    done

    if [[ -z $first && $cur == -* ]]; then
        _latch_reply -W "$opts" -- "$cur"
        return 0
    fi
    case $cmd/$sub in
    run/ | check/) _latch_command "${first:-$cword}" "$cur" ;;
    rules/test | rules/lint)
        compopt -o filenames 2>/dev/null
        _latch_reply -f -X '!*.yaml' -- "$cur"
        _latch_reply_add -d -- "$cur"
        ;;
    profile/show) [[ -z $first ]] && _latch_profiles "$latch" "$cur" ;;
    profile/validate) _latch_profiles "$latch" "$cur" ;;
    *)  # no operands: offer the options
        [[ -z $first ]] && _latch_reply -W "$opts" -- "$cur" ;;
    esac
    return 0
}

complete -F _latch latch
