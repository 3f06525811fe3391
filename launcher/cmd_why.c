/* cmd_why.c — `latch why`: may this path be read, written or executed? */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/access.h"
#include "cmd.h"
#include "opts.h"
#include "plan.h"
#include "why.h"

static int answer(const struct plan *pl, const char *asked, unsigned op,
		  const char *op_name, bool json)
{
	struct err e;
	struct why_answer a;
	const struct why *w = &a.w;
	int rc;

	if (why_answer(pl, asked, op, &a, &e) < 0) {
		die_msg(e.msg);
		return EXIT_LATCH;
	}
	if (json) {
		cJSON *o = why_json(asked, op_name, &a);
		char *text = cJSON_PrintUnformatted(o);

		printf("%s\n", text ? text : "{}");
		free(text);
		cJSON_Delete(o);
	} else if (w->allowed) {
		printf("allowed: %s of %s (granted at %s by %s)\n", op_name,
		       a.resolved, w->rule_path, w->by);
	} else if (w->by) {
		printf("denied: %s %s (%s)\n", w->reason, w->rule_path, w->by);
	} else {
		printf("denied: not granted (no grant covers %s for %s)\n",
		       a.resolved, op_name);
	}
	rc = w->allowed ? 0 : 1;
	why_answer_free(&a);
	return rc;
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
