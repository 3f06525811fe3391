/* why.h — may the sandbox of a plan read, write or execute a path? The
 * answer `latch why` prints and liblatch's latch_policy_why() returns. */
#ifndef LATCH_WHY_H
#define LATCH_WHY_H

#include <cjson/cJSON.h>

#include "plan.h"

struct why_answer {
	struct why w;   /* its strings point into the plan or `where` */
	char *resolved; /* the path as the kernel reaches it */
	char *where;    /* storage behind w.rule_path, or NULL */
};

/* `asked` (~ and variables expanded, relative to the plan's cwd) resolved
 * through the filesystem, then judged for `op` (one LATCH_ACC_*) as the
 * kernel will answer: a missing path also needs create rights where it
 * would be made. -1 with `e` set when it cannot be expanded or resolved. */
int why_answer(const struct plan *pl, const char *asked, unsigned op,
	       struct why_answer *a, struct err *e);
void why_answer_free(struct why_answer *a);

/* The answer as `latch why --json` prints it. */
cJSON *why_json(const char *asked, const char *op_name,
		const struct why_answer *a);

#endif
