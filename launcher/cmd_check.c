/* cmd_check.c — `latch check`: the rule decision for one exec, as the
 * supervisor will take it (shipped packs plus --pack files). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "../rules/rule.h"
#include "cmd.h"
#include "decide.h"
#include "resolve.h"
#include "plan.h"

#define CHECK_ERR 2

/* `p` made absolute against the current directory. */
static char *absolute(const char *p)
{
	char *cwd, *out;

	if (p[0] == '/')
		return xstrdup(p);
	cwd = getcwd(NULL, 0);
	if (cwd == NULL || strcmp(p, ".") == 0)
		return cwd;
	out = xjoin(cwd, "/", p);
	free(cwd);
	return out;
}

/* argv as one line; words that a shell would split or expand are quoted. */
static char *show_argv(char *const *argv, int argc)
{
	char *s = xstrdup("");

	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *sep = i ? " " : "";
		char *next;

		if (*w && strcspn(w, " \t\n'\"\\$`*?[]{}();&|<>~#") == strlen(w))
			next = xjoin(s, sep, w);
		else if (!strchr(w, '\''))
			next = xjoin(s, sep, "'", w, "'");
		else
			next = xjoin(s, sep, "\"", w, "\"");
		free(s);
		s = next;
	}
	return s;
}

/* The packs in load order, and the rule ids a profile disabled. */
static void print_packs(const struct rules *r, const struct capset *cs)
{
	printf("packs:");
	for (size_t i = 0; i < rules_packs(r); i++)
		printf("%s %s", i ? "," : "", rules_pack_file(r, i));
	if (rules_packs(r) == 0)
		printf(" none");
	putchar('\n');
	for (size_t i = 0; cs && i < cs->rule_disable.n; i++)
		printf("disabled: %s (%s)\n", cs->rule_disable.v[i],
		       cs->rule_disable_origin.v[i]);
}

static int exit_of(enum action a)
{
	switch (a) {
	case ACTION_DENY: return 1;
	case ACTION_ASK: return 3;
	default: return 0;
	}
}

enum { C_CWD = 256, C_JSON, C_PACK };

int cmd_check(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "workdir", required_argument, NULL, 'w' },
		{ "profile", required_argument, NULL, 'p' },
		{ "cwd", required_argument, NULL, C_CWD },
		{ "json", no_argument, NULL, C_JSON },
		{ "pack", required_argument, NULL, C_PACK },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *workdir_arg = ".", *cwd_arg = NULL, *home = getenv("HOME");
	const char *profile = NULL;
	struct plan pl = { 0 };
	bool planned = false;
	struct strv packs = { 0 };
	char *workdir = NULL, *cwd = NULL;
	struct rules *r = NULL;
	struct err e;
	bool json = false;
	int c, rc = CHECK_ERR;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:w:p:h", longs, NULL)) != -1) {
		switch (c) {
		case 'w': workdir_arg = optarg; break;
		case 'p': profile = optarg; break;
		case C_CWD: cwd_arg = optarg; break;
		case C_JSON: json = true; break;
		case C_PACK: strv_push(&packs, optarg); break;
		case 'h':
			usage(stdout, "check");
			strv_free(&packs);
			return 0;
		case ':':
			fprintf(stderr, "latch check: option '%s' needs a value\n",
				argv[optind - 1]);
			goto out;
		default:
			fprintf(stderr, "latch check: unknown option '%s' (see 'latch check --help')\n",
				argv[optind - 1]);
			goto out;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "latch check: needs the command to judge: latch check [OPTIONS] -- CMD [ARGS...]\n");
		goto out;
	}
	if (home && home[0] != '/')
		home = NULL;
	workdir = absolute(workdir_arg);
	if (workdir == NULL) {
		perror("latch check: cannot get the current directory");
		goto out;
	}
	if (cwd_arg == NULL)
		cwd = xstrdup(workdir);
	else if (cwd_arg[0] == '/')
		cwd = xstrdup(cwd_arg);
	else
		cwd = absolute(cwd_arg);
	if (cwd == NULL) {
		perror("latch check: cannot get the current directory");
		goto out;
	}
	/* the packs a profile chooses, adds and disables */
	if (profile) {
		planned = true;
		if (plan_build(&pl, profile, workdir, NULL, &e) < 0) {
			die_msg(e.msg);
			goto out;
		}
	}
	r = decide_rules(planned ? &pl.cs : NULL, &e);
	if (r == NULL) {
		die_msg(e.msg);
		goto out;
	}
	for (size_t i = 0; i < packs.n; i++)
		if (rules_load_file(r, packs.v[i], &e) < 0) {
			die_msg(e.msg);
			goto out;
		}
	{
		const struct rules_roots roots = { .workdir = workdir, .home = home,
						   .exists = resolve_is_file };
		char **cmd = argv + optind;
		int n = argc - optind;
		struct decision d = rules_decide(r, (const char *const *)cmd,
						 (size_t)n, cwd, &roots);

		if (json) {
			const struct decide_in in = {
				.argv = (const char *const *)cmd, .argc = (size_t)n,
				.cwd = cwd, .workdir = workdir, .home = home,
				.rules = r, .cs = planned ? &pl.cs : NULL };
			cJSON *o = decision_json(&d, &in);
			char *text = cJSON_PrintUnformatted(o);

			printf("%s\n", text ? text : "{}");
			free(text);
			cJSON_Delete(o);
		} else {
			char *line = show_argv(cmd, n);

			if (d.rule)
				printf("%s: %s (rule %s: %s)\n", action_name(d.action),
				       line, d.rule, d.reason);
			else
				printf("allow: %s (no rule)\n", line);
			print_packs(r, planned ? &pl.cs : NULL);
			free(line);
		}
		rc = exit_of(d.action);
	}
out:
	if (planned)
		plan_free(&pl);
	rules_free(r);
	free(workdir);
	free(cwd);
	strv_free(&packs);
	return rc;
}
