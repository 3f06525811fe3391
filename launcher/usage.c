#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const char overview[] =
	"usage: latch COMMAND [OPTIONS] [-- CMD [ARGS...]]\n"
	"\n"
	"Run an AI coding agent (or any command) in a sandbox built from a profile.\n"
	"\n"
	"commands:\n"
	"  run        run a command in the sandbox\n"
	"  shell      an interactive $SHELL in the sandbox\n"
	"  why        explain whether a path may be read, written or executed\n"
	"  check      the rule decision for one command (deny, ask, allow …)\n"
	"  rules      test or lint rule packs\n"
	"  audit      list, show, follow, verify or export the sessions' audit logs\n"
	"  snapshot   snapshot the workspace (rollback)\n"
	"  rollback   list, show, diff, restore, verify or prune workspace snapshots\n"
	"  profile    list, show or validate profiles\n"
	"  setup      check what this kernel can enforce (--check)\n"
	"  completion print a shell completion script (bash, zsh)\n"
	"  help       help for a command\n"
	"\n"
	"  latch --version    latch --help    latch help COMMAND\n"
	"\n"
	"exit status: the command's own; 128+N if signal N ended it; 125 for\n"
	"latch's errors; 126 if the command cannot run; 127 if it is not found.\n";

static const char grants_help[] =
	"  -p, --profile NAME|FILE  profile to use (default: default)\n"
	"  -w, --workdir DIR        the workspace (default: the current directory)\n"
	"      --allow PATH         grant read+write (repeatable)\n"
	"      --read PATH          grant read\n"
	"      --write PATH         grant write\n"
	"      --exec PATH          grant execute\n"
	"      --deny PATH          deny all access, even inside a grant\n"
	"      --deny-write PATH    keep PATH read-only, even inside a grant\n"
	"      --env NAME           keep environment variable NAME despite the\n"
	"                           profile's secret patterns\n"
	"      --net MODE           open, allowlist (latch's proxy) or block\n"
	"      --allow-domain HOST  with allowlist, let HOST through too\n"
	"                           (HOST[:PORT][/PATH], *.example.com)\n";

static const struct {
	const char *name, *synopsis, *body;
	int with_grants;
} commands[] = {
	{ "run", "latch run [OPTIONS] [--] CMD [ARGS...]",
	  "Run CMD with the capability set of the profile plus the grants given\n"
	  "here. latch stays outside as the supervisor and exits with CMD's status.\n\n",
	  1 },
	{ "shell", "latch shell [OPTIONS]",
	  "Start $SHELL (or /bin/sh) interactively inside the sandbox.\n\n", 1 },
	{ "why", "latch why [OPTIONS] --path PATH --op read|write|exec [--json]",
	  "Say whether PATH may be opened for OP under the profile, and which grant\n"
	  "or deny decides. Exit 0 allowed, 1 denied, 125 error.\n\n",
	  1 },
	{ "check", "latch check [--profile P] [--workdir DIR] [--cwd DIR] [--json] [--pack FILE]... -- CMD [ARGS...]",
	  "Print the decision of the rule packs (the shipped ones, in\n"
	  "DATADIR/rules/packs, or those the profile's 'rules:' chooses, adds and\n"
	  "disables; plus each --pack FILE) for one exec of CMD, the rule that\n"
	  "decides it, and the packs in load order. The most restrictive decision\n"
	  "wins; among equal ones the rule loaded first is named. Nothing is run.\n\n"
	  "  -p, --profile P    the packs of profile P (default: every shipped pack)\n"
	  "  -w, --workdir DIR  the workspace (default: the current directory)\n"
	  "      --cwd DIR      the command's working directory (default: the workdir)\n"
	  "      --json         the decision as JSON\n"
	  "      --pack FILE    load this rule pack too (repeatable)\n\n"
	  "HOME comes from the environment. Exit 0 allow (also log, snapshot),\n"
	  "1 deny, 3 ask, 2 error.\n", 0 },
	{ "rules", "latch rules test [-v] [FILE...]\n"
		   "       latch rules lint [FILE...]",
	  "test  run every example of the packs (default: the shipped ones); the\n"
	  "      last line is \"N passed, M failed\"; exit 1 on any mismatch\n"
	  "lint  load the packs and warn about rules without examples, rules that\n"
	  "      decide none of their examples, allow rules, shadowed rules;\n"
	  "      exit 1 on warnings\n"
	  "Exit 2 when a pack cannot be loaded (FILE:LINE: message).\n", 0 },
	{ "audit", "latch audit list [--since DATE] [--json]\n"
		   "       latch audit show ID [--only blocked|exec|net] [--json]\n"
		   "       latch audit tail [ID] [--json]\n"
		   "       latch audit verify [ID|--all] [--key PUB.pem]\n"
		   "       latch audit export ID --format jsonl|csv",
	  "Every session's events are logged as they happen, one JSON line each,\n"
	  "in $XDG_STATE_HOME/latch/sessions/ID/events.jsonl (hidden from every\n"
	  "sandbox): its start, every exec and network decision, snapshots,\n"
	  "restores, asks and their answers, its end. Each record carries a\n"
	  "SHA-256 chain over the ones before it; the ledger\n"
	  "($XDG_STATE_HOME/latch/ledger.jsonl, chained too) has a line when a\n"
	  "session begins and one with its final chain head when it is closed,\n"
	  "signed with Ed25519 when LATCH_AUDIT_KEY names a private key (PEM).\n"
	  "Secrets are redacted before anything is written.\n\n"
	  "list    sessions, oldest first: id, start (UTC), duration, exit,\n"
	  "        blocked count, command; --since 2026-11-29, 2026-11-29T14:30\n"
	  "        (UTC), 30m, 12h, 7d\n"
	  "show    a session's timeline: time, pid, decision, rule, command;\n"
	  "        refusals stand out (colour on a terminal unless NO_COLOR)\n"
	  "tail    show a session (default: the newest) and follow it until it ends\n"
	  "verify  check the chains of every session (or one) and of the ledger:\n"
	  "        exit 0 when intact (a session whose latch was killed verifies up\n"
	  "        to its last whole record, and is named), 1 with the first bad\n"
	  "        seq and why; --key: every closed session must be signed by it\n"
	  "export  the records as JSON lines or CSV\n"
	  "ID is a session id, a unique prefix of one, or 'last'.\n", 0 },
	{ "snapshot", "latch snapshot [--workdir DIR]",
	  "Snapshot the workspace (default: the current directory) into latch's\n"
	  "snapshot store ($XDG_STATE_HOME/latch/rollback, hidden from every\n"
	  "sandbox): every file by the SHA-256 of its content, stored once;\n"
	  "files unchanged since the workspace's last snapshot are not read\n"
	  "again. Dependency and cache directories (node_modules, .venv,\n"
	  "__pycache__ …), top-level build outputs (target, build, dist) and what\n"
	  "the workspace's .gitignore files ignore are left out; .git is kept.\n", 0 },
	{ "rollback", "latch rollback list [--json]\n"
		      "       latch rollback show ID [--json]\n"
		      "       latch rollback diff ID [PATH]\n"
		      "       latch rollback restore ID [--path P]... [--dry-run]\n"
		      "       latch rollback verify [ID]\n"
		      "       latch rollback prune [--keep N] [--max-size SIZE] [--older-than DAYS]",
	  "list     the snapshots, oldest first: id, time, trigger, files, size,\n"
	  "         workspace\n"
	  "show     how the workspace differs from snapshot ID: added, deleted,\n"
	  "         modified and mode-changed paths\n"
	  "diff     a unified diff of the workspace's text files against snapshot\n"
	  "         ID (only at or below PATH when given); exit 1 when they differ\n"
	  "restore  put the workspace back as snapshot ID holds it: files\n"
	  "         rewritten, recreated or deleted, modes, symlinks and empty\n"
	  "         directories too (only below each --path P with --path; only\n"
	  "         said, not done, with --dry-run). The workspace is snapshotted\n"
	  "         first, so a restore can be undone. Exit 1 if a file could not\n"
	  "         be restored (the others are).\n"
	  "verify   every object of snapshot ID (default: of all) is present and\n"
	  "         has its digest; exit 1 on any problem\n"
	  "prune    delete snapshots beyond the newest N of each workspace, older\n"
	  "         than DAYS, or the oldest until the store fits in SIZE (500M,\n"
	  "         2G); never a workspace's newest; then every object no snapshot\n"
	  "         names\n", 0 },
	{ "profile", "latch profile list [--json]\n"
		     "       latch profile show NAME [--json | --format text|json|sbpl] [--workdir DIR]\n"
		     "       latch profile validate FILE...",
	  "list      available profiles (yours in ~/.config/latch/profiles first)\n"
	  "show      the resolved capability set of a profile; --format sbpl: the\n"
	  "          macOS Seatbelt profile latch applies there (any OS)\n"
	  "validate  parse and check profile files; exit 0 if all are valid\n", 0 },
	{ "setup", "latch setup --check [--json]",
	  "Report the kernel's Landlock ABI, seccomp user notification and user\n"
	  "namespace support, and what latch will enforce on this machine.\n", 0 },
	{ "completion", "latch completion bash|zsh",
	  "Print a completion script: eval \"$(latch completion bash)\".\n", 0 },
};

int usage(FILE *out, const char *command)
{
	if (command == NULL) {
		fputs(overview, out);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, command) != 0)
			continue;
		fprintf(out, "usage: %s\n\n%s", commands[i].synopsis,
			commands[i].body);
		if (commands[i].with_grants)
			fputs(grants_help, out);
		if (strcmp(command, "run") == 0 || strcmp(command, "shell") == 0)
			fputs("      --best-effort        run even if the kernel cannot enforce everything\n"
			      "      --monitor            judge and log every exec, refuse none (for\n"
			      "                           tuning rules on a real workload)\n"
			      "  -n, --dry-run            print the resolved capability set; run nothing\n"
			      "      --json               with --dry-run: as JSON\n"
			      "      --profile-fd N       read the profile's YAML from descriptor N\n"
			      "                           (--profile then only names it)\n"
			      "      --status-fd N        write the session's id and audit log path\n"
			      "                           to descriptor N as one JSON line\n"
			      "      --env-fd N           the command's environment from descriptor N\n"
			      "                           (NAME=VALUE entries, each ended by a NUL)\n",
			      out);
		return 0;
	}
	return -1;
}

void die_msg(const char *msg)
{
	fprintf(stderr, "latch: %s\n", msg);
}
