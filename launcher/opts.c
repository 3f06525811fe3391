#include "opts.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../proxy/allow.h"

enum {
	O_ALLOW = 256, O_READ, O_WRITE, O_EXEC, O_DENY, O_ENV, O_BEST,
	O_JSON, O_WHY_PATH, O_OP, O_MONITOR, O_NET, O_ALLOW_DOMAIN, O_FORMAT,
	O_PROFILE_FD, O_STATUS_FD, O_ENV_FD, O_DENY_WRITE,
};

static const struct {
	struct option opt;
	unsigned group;
} table[] = {
	{ { "profile", required_argument, NULL, 'p' }, 0 },
	{ { "workdir", required_argument, NULL, 'w' }, 0 },
	{ { "help", no_argument, NULL, 'h' }, 0 },
	{ { "allow", required_argument, NULL, O_ALLOW }, OPT_GRANTS },
	{ { "read", required_argument, NULL, O_READ }, OPT_GRANTS },
	{ { "write", required_argument, NULL, O_WRITE }, OPT_GRANTS },
	{ { "exec", required_argument, NULL, O_EXEC }, OPT_GRANTS },
	{ { "deny", required_argument, NULL, O_DENY }, OPT_GRANTS },
	{ { "deny-write", required_argument, NULL, O_DENY_WRITE }, OPT_GRANTS },
	{ { "env", required_argument, NULL, O_ENV }, OPT_GRANTS },
	{ { "net", required_argument, NULL, O_NET }, OPT_GRANTS },
	{ { "allow-domain", required_argument, NULL, O_ALLOW_DOMAIN }, OPT_GRANTS },
	{ { "best-effort", no_argument, NULL, O_BEST }, OPT_RUN },
	{ { "dry-run", no_argument, NULL, 'n' }, OPT_RUN },
	{ { "monitor", no_argument, NULL, O_MONITOR }, OPT_RUN },
	{ { "profile-fd", required_argument, NULL, O_PROFILE_FD }, OPT_RUN },
	{ { "status-fd", required_argument, NULL, O_STATUS_FD }, OPT_RUN },
	{ { "env-fd", required_argument, NULL, O_ENV_FD }, OPT_RUN },
	{ { "json", no_argument, NULL, O_JSON }, OPT_JSON },
	{ { "format", required_argument, NULL, O_FORMAT }, OPT_FORMAT },
	{ { "path", required_argument, NULL, O_WHY_PATH }, OPT_WHY },
	{ { "op", required_argument, NULL, O_OP }, OPT_WHY },
};

#define N_OPTS (sizeof(table) / sizeof(table[0]))

/* --net MODE: -1 (said) when it is none of the three. */
static int net_mode(struct opts *o, const char *cmd, const char *mode)
{
	static const char *const names[] = { [NET_OPEN] = "open",
		[NET_BLOCK] = "block", [NET_ALLOWLIST] = "allowlist" };

	for (int m = NET_OPEN; m <= NET_ALLOWLIST; m++)
		if (strcmp(mode, names[m]) == 0) {
			o->cli.net_mode = (enum net_mode)m;
			return 0;
		}
	fprintf(stderr, "latch %s: --net must be open, allowlist or block, not '%s'\n",
		cmd, mode);
	return -1;
}

/* --allow-domain HOST: checked as a profile's entry is. */
static int allow_domain(struct opts *o, const char *cmd, const char *entry)
{
	struct allowlist a = { 0 };
	struct err e;
	int rc = allow_add(&a, entry, &e);

	allowlist_free(&a);
	if (rc < 0) {
		fprintf(stderr, "latch %s: --allow-domain: %s\n", cmd, e.msg);
		return -1;
	}
	strv_push(&o->cli.allow_domains, entry);
	return 0;
}

/* --profile-fd, --status-fd, --env-fd N: an open descriptor, 3 or above
 * (0-2 are the command's), given once, made close-on-exec at once (no
 * program latch starts inherits it). */
static int fd_number(const struct opts *o, const char *cmd, const char *opt,
		     const char *v, int *fd)
{
	char *end;
	long n = strtol(v, &end, 10);
	int flags;

	if (*v == '\0' || *end != '\0' || n < 3 || n > INT_MAX) {
		fprintf(stderr, "latch %s: --%s needs a descriptor number of 3 or more, not '%s'\n",
			cmd, opt, v);
		return -1;
	}
	if (n == o->profile_fd || n == o->status_fd || n == o->env_fd) {
		fprintf(stderr, "latch %s: --%s %ld: that descriptor is given for another option already\n",
			cmd, opt, n);
		return -1;
	}
	flags = fcntl((int)n, F_GETFD);
	if (flags < 0 || fcntl((int)n, F_SETFD, flags | FD_CLOEXEC) < 0) {
		fprintf(stderr, "latch %s: --%s %ld: %s\n", cmd, opt, n, strerror(errno));
		return -1;
	}
	*fd = (int)n;
	return 0;
}

int opts_parse(struct opts *o, int argc, char **argv, unsigned accept)
{
	struct option longs[N_OPTS + 1];
	const char *shorts = (accept & OPT_RUN) ? "+:p:w:hn" : "+:p:w:h";

	if (accept & OPT_ANYWHERE)
		shorts++; /* drop '+': permute operands behind the options */
	size_t n = 0;
	int c;

	memset(o, 0, sizeof(*o));
	o->profile = "default";
	o->profile_fd = o->status_fd = o->env_fd = -1;
	for (size_t i = 0; i < N_OPTS; i++)
		if (table[i].group == 0 || (table[i].group & accept))
			longs[n++] = table[i].opt;
	memset(&longs[n], 0, sizeof(longs[n]));
	optind = 0; /* glibc: 0 re-initialises getopt completely */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case 'p': o->profile = optarg; o->profile_set = true; break;
		case 'w': o->workdir = optarg; break;
		case 'h': o->help = true; break;
		case 'n': o->dry_run = true; break;
		case O_ALLOW: strv_push(&o->cli.allow, optarg); break;
		case O_READ: strv_push(&o->cli.read, optarg); break;
		case O_WRITE: strv_push(&o->cli.write, optarg); break;
		case O_EXEC: strv_push(&o->cli.exec, optarg); break;
		case O_DENY: strv_push(&o->cli.deny, optarg); break;
		case O_DENY_WRITE: strv_push(&o->cli.deny_write, optarg); break;
		case O_ENV: strv_push(&o->cli.env_allow, optarg); break;
		case O_NET:
			if (net_mode(o, argv[0], optarg) < 0)
				return -1;
			break;
		case O_ALLOW_DOMAIN:
			if (allow_domain(o, argv[0], optarg) < 0)
				return -1;
			break;
		case O_BEST: o->best_effort = true; break;
		case O_MONITOR: o->monitor = true; break;
		case O_PROFILE_FD:
			if (fd_number(o, argv[0], "profile-fd", optarg, &o->profile_fd) < 0)
				return -1;
			break;
		case O_STATUS_FD:
			if (fd_number(o, argv[0], "status-fd", optarg, &o->status_fd) < 0)
				return -1;
			break;
		case O_ENV_FD:
			if (fd_number(o, argv[0], "env-fd", optarg, &o->env_fd) < 0)
				return -1;
			break;
		case O_JSON: o->json = true; break;
		case O_FORMAT: o->format = optarg; break;
		case O_WHY_PATH: o->path = optarg; break;
		case O_OP: o->op = optarg; break;
		case ':':
			fprintf(stderr, "latch %s: option '%s' needs a value\n",
				argv[0], argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "latch %s: unknown option '%s' (see 'latch %s --help')\n",
				argv[0], argv[optind - 1], argv[0]);
			return -1;
		}
	}
	o->rest = argv + optind;
	o->n_rest = argc - optind;
	return 0;
}

void opts_free(struct opts *o)
{
	strv_free(&o->cli.allow);
	strv_free(&o->cli.read);
	strv_free(&o->cli.write);
	strv_free(&o->cli.exec);
	strv_free(&o->cli.deny);
	strv_free(&o->cli.deny_write);
	strv_free(&o->cli.env_allow);
	strv_free(&o->cli.allow_domains);
}
