#!/usr/bin/env bash
# latch's main job in one minute, on a scratch tree: an "agent" with full
# access to a fake home directory still cannot read its SSH key, while its
# work in the workspace and home goes through; destructive commands are
# refused, and a delete inside the workspace is snapshotted and undone.
set -euo pipefail
exec 2>&1
here=$(cd "$(dirname "$0")/.." && pwd)
latch="$here/latch"
scratch=$(mktemp -d "${HOME:-/root}/.latch-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

mkdir -p "$scratch/home/.ssh" "$scratch/project"
echo "-----BEGIN OPENSSH PRIVATE KEY----- (demo)" > "$scratch/home/.ssh/id_ed25519"
echo "notes the agent may read" > "$scratch/home/notes.txt"
cd "$scratch/project"
export HOME="$scratch/home"
unset XDG_CONFIG_HOME XDG_STATE_HOME XDG_DATA_HOME XDG_CACHE_HOME

# Show each command as it would be typed, then run it.
run() {
	local a line='$'
	for a in "$@"; do
		case $a in *[[:space:]]*) line+=" '$a'" ;; *) line+=" $a" ;; esac
	done
	printf '\n%s\n' "$line"
	"$@" || echo "(exit $?)"
}

run "$latch" run --allow "$HOME" -- sh -c '
  echo "workspace write:"; echo ok > result.txt && cat result.txt
  echo "home read:";       cat ~/notes.txt
  echo "ssh key read:";    cat ~/.ssh/id_ed25519 || echo "  -> refused"
  echo "system write:";    touch /etc/latch-demo 2>&1 || echo "  -> refused"'
run "$latch" why --allow "$HOME" --path "$HOME/.ssh/id_ed25519" --op read
run "$latch" run -- sh -c 'cat ~/notes.txt'
# The precious tree is granted (Landlock would let it go) but lies outside
# the workspace. A `sh -c` string is judged whole before any of it runs:
mkdir -p "$HOME/precious" && echo "keep me" > "$HOME/precious/data.txt"
run "$latch" run --allow "$HOME" -- sh -c 'echo cleaning; rm -rf ~/precious'
# A script run from a file is judged exec by exec, whatever runs is called:
printf '%s\n' 'cp /bin/rm ./zap && ./zap -rf ~/precious' 'cat ~/precious/data.txt' > cleanup.sh
run "$latch" run --allow "$HOME" -- sh cleanup.sh
run "$latch" audit show last
# Inside the workspace, deleting is the agent's business — but with the
# agent profiles (snapshots: true) it is snapshotted first, and undone:
mkdir -p src && echo "int main(void) { return 0; }" > src/main.c
printf 'extends: default\nsnapshots: true\n' > "$scratch/agent.yaml"
run "$latch" run --profile "$scratch/agent.yaml" -- sh -c 'rm -rf src && echo "src deleted"'
# the snapshot the delete waited for: the session's first when nothing had
# changed since it (a workspace is not snapshotted twice)
id=$("$latch" rollback list | awk '$3 == "exec" || $3 == "start" { id = $1 } END { print id }')
run "$latch" rollback show "$id"
run "$latch" rollback restore "$id"
run cat src/main.c
# Every session is in the audit trail, chained: what was refused, and
# whether anything was changed since
run "$latch" audit list
run "$latch" audit verify
