#!/usr/bin/env bash
# Interactive terminal behaviour of `latch shell` under a real pty (tmux):
# Ctrl-C reaches the foreground job, SIGWINCH updates the size, Ctrl-Z stops
# a job and job control works, the shell's exit status passes through.
# usage: tests/tty.sh [path/to/latch]
set -u
latch=$(realpath "${1:-./latch}")
command -v tmux >/dev/null || { echo "tty: tmux is not installed (apt-get install tmux)"; exit 1; }

scratch=$(mktemp -d "${LATCH_TEST_ROOT:-$PWD}/tty.XXXXXX")
sock="$scratch/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/work"
pass=0 fail=0
t() { tmux -S "$sock" "$@"; }
screen() { t capture-pane -t tty -p; }
check() { # description, pattern expected on the screen, seconds to wait
	local i
	for ((i = 0; i < ${3:-30}; i++)); do
		if screen | grep -q -- "$2"; then pass=$((pass + 1)); echo "ok   $1"; return; fi
		sleep 0.1
	done
	fail=$((fail + 1)); echo "FAIL $1 (no '$2' on screen)"; screen | sed 's/^/     | /'
}

t new-session -d -s tty -x 100 -y 30 \
	"cd '$scratch/work' && env -i HOME='$scratch/home' PATH=/usr/bin:/bin TERM=xterm SHELL=/bin/bash '$latch' shell; echo LATCH_EXIT=\$?; sleep 60"
check "shell prompt appears" 'work[#$] *$' 50
t send-keys -t tty 'stty size' Enter
check "the pty size is seen" '^30 100'
t send-keys -t tty 'sleep 30; echo slept' Enter; sleep 0.3
t send-keys -t tty C-c
t send-keys -t tty 'echo after-int' Enter
check "Ctrl-C interrupts the foreground job, the shell survives" '^after-int'
t resize-window -t tty -x 80 -y 20; sleep 0.2
t send-keys -t tty 'stty size' Enter
check "SIGWINCH: the new size is seen" '^20 80'
t send-keys -t tty 'sleep 30' Enter; sleep 0.3
t send-keys -t tty C-z
check "Ctrl-Z stops the job" 'Stopped'
t send-keys -t tty 'kill -9 %1; sleep 0.5; jobs; exit 7' Enter
check "the shell's exit status passes through latch" 'LATCH_EXIT=7'

# `ask` rules: the question appears on the terminal; y runs, n and silence
# refuse; the answer is in the audit log.
mkdir -p "$scratch/prof"
printf 'extends: default\nrules:\n  add: [ask-pack.yaml]\n' >"$scratch/prof/ask.yaml"
printf 'pack: ask\ndescription: t\nrules:\n  - id: ask-touch\n    commands: [touch]\n    action: ask\n    reason: touching needs a yes\n' \
	>"$scratch/prof/ask-pack.yaml"
t new-session -d -s ask -x 100 -y 30 \
	"cd '$scratch/work' && env -i HOME='$scratch/home' PATH=/usr/bin:/bin TERM=xterm SHELL=/bin/bash LATCH_ASK_TIMEOUT=2 '$latch' shell -p '$scratch/prof/ask.yaml'; sleep 60"
askscreen() { t capture-pane -t ask -p; }
askcheck() { # description, pattern, tenths of a second
	local i
	for ((i = 0; i < ${3:-30}; i++)); do
		if askscreen | grep -q -- "$2"; then pass=$((pass + 1)); echo "ok   $1"; return; fi
		sleep 0.1
	done
	fail=$((fail + 1)); echo "FAIL $1 (no '$2' on screen)"; askscreen | sed 's/^/     | /'
}
askcheck "ask: shell prompt appears" 'work[#$] *$' 50
t send-keys -t ask 'touch yes-file; echo rc=$?' Enter
askcheck "ask: the question appears" 'Run it? \[y/N\]'
t send-keys -t ask 'y' Enter
askcheck "ask: y runs the command" '^rc=0'
t send-keys -t ask 'clear; touch no-file; echo rc=$?' Enter
askcheck "ask: asked again for another command" 'touch no-file$'
t send-keys -t ask 'n' Enter
askcheck "ask: n refuses it" 'not confirmed: the answer was no'
t send-keys -t ask 'clear; touch late-file; echo rc=$?' Enter
askcheck "ask: no answer in time refuses it" 'not confirmed: no answer in time' 60
t send-keys -t ask 'echo still-here' Enter
askcheck "ask: the shell goes on" '^still-here'
if [[ -e $scratch/work/yes-file && ! -e $scratch/work/no-file && ! -e $scratch/work/late-file ]]; then
	pass=$((pass + 1)); echo "ok   ask: only the confirmed file exists"
else
	fail=$((fail + 1)); echo "FAIL ask: files: $(ls "$scratch/work")"
fi
t send-keys -t ask 'exit' Enter; sleep 0.5 # ends the session: its log is complete
if HOME="$scratch/home" timeout 10 "$latch" audit tail --json 2>/dev/null |
	grep -q '"rule":"ask-touch","answer":"yes"'; then
	pass=$((pass + 1)); echo "ok   ask: the answer is in the audit log"
else
	fail=$((fail + 1)); echo "FAIL ask: no answer in the audit log"
fi

# `latch audit show` on a terminal: refusals in red, unless NO_COLOR.
colour() { # session name, extra environment
	t new-session -d -s "$1" -x 200 -y 30 \
		"env -i HOME='$scratch/home' PATH=/usr/bin:/bin TERM=xterm $2 '$latch' audit show last --only blocked; sleep 60"
	sleep 0.5
	t capture-pane -e -t "$1" -p
}
if colour red "" | grep -q $'\e\\[[0-9;]*31m.*ask-touch'; then
	pass=$((pass + 1)); echo "ok   audit show: a refusal is red on a terminal"
else
	fail=$((fail + 1)); echo "FAIL audit show: no red refusal"; colour red2 "" | cat -v | sed 's/^/     | /'
fi
if colour plain "NO_COLOR=1" | grep -q 'ask-touch' && ! colour plain2 "NO_COLOR=1" | grep -q $'\e\\['; then
	pass=$((pass + 1)); echo "ok   audit show: NO_COLOR turns colour off"
else
	fail=$((fail + 1)); echo "FAIL audit show: colour with NO_COLOR"
fi

# Real agents' terminal interfaces (installed by tests/agents/install):
# each draws under latch and takes a keystroke, Ctrl-C ends it (OpenClaw:
# clears its prompt, so that /exit typed then ends it), and
# latch's exit status is the one the agent gives the same way outside it.
agents=${LATCH_TEST_AGENTS:-/opt/latch-agents}
# session name, HOME, command line, on screen when ready, keys to send, on
# screen after them (up to 10 s, twice), then how many Ctrl-C end it, or
# are sent before QUIT (optional: a command typed, then Enter, that ends
# it); prints "took" when the keys showed, and AGENT_EXIT=N
agent_tui() {
	local name=$1 home=$2 cmd=$3 ready=$4 keys=$5 shows=$6 stops=$7 quit=${8:-} i
	t new-session -d -s "$name" -x 100 -y 30 \
		"cd '$scratch/work' && env -i HOME='$home' PATH=/usr/bin:/bin TERM=xterm $cmd; echo AGENT_EXIT=\$?; trap '' INT; sleep 60"
	# a first start under a loaded machine (and latch built with ASan)
	# can take a while: up to 30 s
	for ((i = 0; i < 300; i++)); do
		t capture-pane -t "$name" -p | grep -q -- "$ready" && { echo ready; break; }
		sleep 0.1
	done
	# sent again once if they did not show in 10 s (a key that arrives
	# while the interface is still busy starting can be lost)
	for ((i = 0; i < 200; i++)); do
		((i % 100)) || t send-keys -t "$name" "$keys"
		t capture-pane -t "$name" -p | grep -q -- "$shows" && { echo took; break; }
		sleep 0.1
	done
	# what it showed instead, for the failure's message
	((i < 200)) || t capture-pane -t "$name" -p | sed "s/^/screen: /"
	for ((i = 0; i < stops; i++)); do
		t send-keys -t "$name" C-c
		sleep 0.3
	done
	if [[ -n $quit ]]; then
		sleep 0.7
		t send-keys -t "$name" "$quit"
		sleep 0.5 # its completion menu takes an Enter sent at once
		t send-keys -t "$name" Enter
	fi
	# up to 15 s to end
	for ((i = 0; i < 150; i++)); do
		t capture-pane -t "$name" -p | grep -q 'AGENT_EXIT=' && break
		sleep 0.1
	done
	((i < 150)) || t capture-pane -t "$name" -p | sed "s/^/end screen: /"
	t capture-pane -t "$name" -p | grep -o 'AGENT_EXIT=[0-9]*'
}
# agent name, then agent_tui's arguments from HOME on, without the latch
# prefix (which is added for the second run)
agent_check() {
	local agent=$1 home=$2 cmd=$3 bare boxed status
	shift 3
	# each run from the same fresh HOME: the first must not change the second
	cp -a "$home" "$home.boxed"
	bare=$(agent_tui "$agent-bare" "$home" "$cmd" "$@")
	boxed=$(agent_tui "$agent-boxed" "$home.boxed" "'$latch' run -p $agent --read '$agents' --exec '$agents' -- $cmd" "$@")
	if ! grep -qx ready <<<"$boxed"; then
		fail=$((fail + 1)); echo "FAIL $agent under latch: its interface did not appear in 30 s"; t capture-pane -t "$agent-boxed" -p | sed 's/^/     | /'
	elif grep -qx took <<<"$boxed"; then
		pass=$((pass + 1)); echo "ok   $agent under latch: its interface draws and takes keys"
	else
		fail=$((fail + 1)); echo "FAIL $agent under latch: no interface or no keys; the screen 10 s after them, sent twice:"; grep '^screen: ' <<<"$boxed" | sed 's/^screen: /     | /'
	fi
	status=$(grep -o 'AGENT_EXIT=.*' <<<"$boxed")
	if [[ -n $status && $status == "$(grep -o 'AGENT_EXIT=.*' <<<"$bare")" ]]; then
		pass=$((pass + 1)); echo "ok   $agent under latch: it ends, latch's status is the agent's ($status)"
	else
		fail=$((fail + 1)); echo "FAIL $agent under latch: status '$status', outside latch '$(grep -o 'AGENT_EXIT=.*' <<<"$bare")'"
		grep -h '^end screen: ' <<<"$boxed"$'\n'"$bare" | sed 's/^end screen: /     | /'
	fi
}
if [[ -x $agents/node_modules/.bin/claude ]]; then
	mkdir -p "$scratch/claude-home/.claude"
	printf '{"hasCompletedOnboarding": true, "theme": "dark", "projects": {"%s": {"hasTrustDialogAccepted": true}}}\n' \
		"$scratch/work" >"$scratch/claude-home/.claude.json"
	# typed text shows on its prompt; Ctrl-C clears it, two more end it
	agent_check claude-code "$scratch/claude-home" "'$agents/node_modules/.bin/claude'" \
		'for shortcuts' 'hello latch' 'hello latch' 3
else
	echo "skip claude's interface: needs $agents/node_modules/.bin/claude (tests/agents/install DIR)"
fi
if [[ -x $agents/node_modules/.bin/codex ]]; then
	mkdir -p "$scratch/codex-home/.codex"
	# its sign-in menu, once drawn to its last line (a key sent while it is
	# still drawing is lost): Down moves the choice; Ctrl-C ends it. Without
	# --no-daemon it would talk to its app server over a unix socket,
	# which the codex profile does not allow (docs/agents.md)
	agent_check codex "$scratch/codex-home" "'$agents/node_modules/.bin/codex' --no-daemon" \
		'Press enter to continue' Down '> 2. Sign in with Device Code' 1
else
	echo "skip codex's interface: needs $agents/node_modules/.bin/codex (tests/agents/install DIR)"
fi
if [[ -x $agents/node/bin/node && -f $agents/node_modules/openclaw/openclaw.mjs ]]; then
	mkdir -p "$scratch/openclaw-home"
	# `openclaw chat`, its local terminal interface (no gateway; the model
	# is asked nothing until a message is sent): typed text shows on its
	# prompt; Ctrl-C clears it, and /exit ends it (its double Ctrl-C to
	# exit sometimes takes one press less, and a press too many then
	# reaches the shell that reports the status)
	agent_check openclaw "$scratch/openclaw-home" \
		"'$agents/node/bin/node' '$agents/node_modules/openclaw/openclaw.mjs' chat" \
		'local ready' 'hello latch' 'hello latch' 1 /exit
else
	echo "skip openclaw's interface: needs $agents/node/bin/node and openclaw (tests/agents/install DIR)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
