#include "why.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/xalloc.h"
#include "../policy/access.h"
#include "expand.h"
#include "resolve.h"

/* Creating a missing path needs create rights in its nearest existing
 * ancestor; expand.h takes them away where protected paths are missing. */
static void check_creation(const struct plan *pl, struct why_answer *a)
{
	struct ll_list rules;
	char *dir = xstrdup(a->resolved);
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
		a->w.allowed = false;
		a->w.reason = "no new entries in";
		a->w.by = "protected paths there do not exist yet, so nothing may be created directly in it; see --dry-run";
		a->w.rule_path = dir;
		a->where = dir;
		dir = NULL;
	}
	free(dir);
	ll_list_free(&rules);
}

int why_answer(const struct plan *pl, const char *asked, unsigned op,
	       struct why_answer *a, struct err *e)
{
	enum path_state st;
	char *exp = vars_expand(&pl->vs, asked, e), *abs;

	memset(a, 0, sizeof(*a));
	if (exp == NULL)
		return -1;
	abs = exp[0] == '/' ? xstrdup(exp) : xasprintf("%s/%s", pl->cwd, exp);
	free(exp);
	a->resolved = resolve_real(abs, &st, NULL);
	free(abs);
	if (a->resolved == NULL)
		return err_sys(e, "cannot resolve '%s'", asked);
	capset_why(&pl->cs, a->resolved, op, &a->w);
	if (a->w.allowed && (op & LATCH_ACC_WRITE) && st == PATH_MISSING)
		check_creation(pl, a);
	return 0;
}

void why_answer_free(struct why_answer *a)
{
	free(a->resolved);
	free(a->where);
	memset(a, 0, sizeof(*a));
}

cJSON *why_json(const char *asked, const char *op_name,
		const struct why_answer *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "path", asked);
	cJSON_AddStringToObject(o, "resolved", a->resolved);
	cJSON_AddStringToObject(o, "op", op_name);
	cJSON_AddBoolToObject(o, "allowed", a->w.allowed);
	cJSON_AddStringToObject(o, "reason", a->w.reason);
	if (a->w.by)
		cJSON_AddStringToObject(o, "by", a->w.by);
	if (a->w.rule_path)
		cJSON_AddStringToObject(o, "rule_path", a->w.rule_path);
	return o;
}
