/* opts.h — the options shared by `run`, `shell`, `why` and `profile show`. */
#ifndef LATCH_OPTS_H
#define LATCH_OPTS_H

#include <stdbool.h>

#include "../policy/capset.h"

struct opts {
	const char *profile;    /* default "default" */
	bool profile_set;       /* given by --profile */
	int profile_fd;         /* --profile-fd N: the profile's YAML; else -1 */
	int status_fd;          /* --status-fd N: the session's id; else -1 */
	int env_fd;             /* --env-fd N: the command's environment; else -1 */
	const char *workdir;    /* NULL: the cwd */
	struct cli_grants cli;
	bool best_effort, dry_run, json, help, monitor;
	const char *path, *op;  /* why */
	const char *format;     /* profile show: text | json | sbpl (NULL: text,
				   or json with --json) */
	char **rest;            /* operands after the options */
	int n_rest;
};

/* Which options a command accepts. */
enum {
	OPT_GRANTS = 1 << 0,  /* --allow --read --write --exec --deny
				 --deny-write --env */
	OPT_RUN = 1 << 1,     /* --best-effort --dry-run --monitor
				 --profile-fd --status-fd --env-fd */
	OPT_WHY = 1 << 2,     /* --path --op */
	OPT_JSON = 1 << 3,
	OPT_ANYWHERE = 1 << 4, /* options may follow operands (profile show NAME --json) */
	OPT_FORMAT = 1 << 5,  /* --format */
};

/* Parse argv (argv[0] is the command name). Stops at the first operand or
 * "--". Prints "latch CMD: …" and returns -1 on a bad option. */
int opts_parse(struct opts *o, int argc, char **argv, unsigned accept);
void opts_free(struct opts *o);

#endif
