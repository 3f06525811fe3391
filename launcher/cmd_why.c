/* cmd_why.c — `latch why`: may this path be read, written or executed? */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/xalloc.h"
#include "../policy/access.h"
#include "cmd.h"
#include "opts.h"
#include "plan.h"
#include "expand.h"
#include "resolve.h"

/* Creating a missing path needs create rights in its nearest existing
 * ancestor; expand.h takes them away where protected paths are missing.
 * Answer as the kernel will. */
static void check_creation(const struct plan *pl, const char *path,
			   struct why *w, char **where)
{
	struct ll_list rules;
	char *dir = xstrdup(path);
	struct stat st;

	do {
		char *slash = strrchr(dir, '/');

		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	} while (strcmp(dir, "/") != 0 && stat(dir, &st) != 0);
	expand_grants(&pl->cs, &rules);
	if (expand_refuses_create(&rules, dir)) {
		w->allowed = false;
		w->reason = "no new entries in";
		w->by = "protected paths there do not exist yet, so nothing may be created directly in it; see --dry-run";
		w->rule_path = dir;
		*where = dir;
		dir = NULL;
	}
	free(dir);
	ll_list_free(&rules);
}

static int answer(const struct plan *pl, const char *asked, unsigned op,
		  const char *op_name, bool json)
{
	struct err e;
	enum path_state st;
	char *exp = vars_expand(&pl->vs, asked, &e), *abs, *path;
	struct why w;
	char *where = NULL;

	if (exp == NULL) {
		die_msg(e.msg);
		return EXIT_LATCH;
	}
	abs = exp[0] == '/' ? xstrdup(exp) : xasprintf("%s/%s", pl->cwd, exp);
	free(exp);
	path = resolve_real(abs, &st, NULL);
	free(abs);
	if (path == NULL) {
		fprintf(stderr, "latch why: cannot resolve '%s'\n", asked);
		return EXIT_LATCH;
	}
	capset_why(&pl->cs, path, op, &w);
	if (w.allowed && (op & LATCH_ACC_WRITE) && st == PATH_MISSING)
		check_creation(pl, path, &w, &where);
	if (json) {
		cJSON *o = cJSON_CreateObject();
		char *text;

		cJSON_AddStringToObject(o, "path", asked);
		cJSON_AddStringToObject(o, "resolved", path);
		cJSON_AddStringToObject(o, "op", op_name);
		cJSON_AddBoolToObject(o, "allowed", w.allowed);
		cJSON_AddStringToObject(o, "reason", w.reason);
		if (w.by)
			cJSON_AddStringToObject(o, "by", w.by);
		if (w.rule_path)
			cJSON_AddStringToObject(o, "rule_path", w.rule_path);
		text = cJSON_PrintUnformatted(o);
		printf("%s\n", text ? text : "{}");
		free(text);
		cJSON_Delete(o);
	} else if (w.allowed) {
		printf("allowed: %s of %s (granted at %s by %s)\n", op_name, path,
		       w.rule_path, w.by);
	} else if (w.by) {
		printf("denied: %s %s (%s)\n", w.reason, w.rule_path, w.by);
	} else {
		printf("denied: not granted (no grant covers %s for %s)\n", path,
		       op_name);
	}
	free(path);
	free(where);
	return w.allowed ? 0 : 1;
}

int cmd_why(int argc, char **argv)
{
	struct opts o;
	struct plan pl;
	struct err e;
	unsigned op;
	int rc = EXIT_LATCH;

	if (opts_parse(&o, argc, argv, OPT_GRANTS | OPT_WHY | OPT_JSON) < 0) {
		opts_free(&o);
		return EXIT_LATCH;
	}
	if (o.help) {
		usage(stdout, "why");
		opts_free(&o);
		return 0;
	}
	if (o.path == NULL || o.op == NULL || o.n_rest > 0) {
		fprintf(stderr, "latch why: needs --path PATH and --op read|write|exec\n");
		opts_free(&o);
		return EXIT_LATCH;
	}
	op = access_from_op(o.op);
	if (op == 0) {
		fprintf(stderr, "latch why: --op must be read, write or exec, not '%s'\n",
			o.op);
		opts_free(&o);
		return EXIT_LATCH;
	}
	if (plan_build(&pl, o.profile, o.workdir, &o.cli, &e) < 0)
		die_msg(e.msg);
	else
		rc = answer(&pl, o.path, op, o.op, o.json);
	plan_free(&pl);
	opts_free(&o);
	return rc;
}
