#include "decide.h"

#include <stdlib.h>

#include "../common/xalloc.h"
#include "packs.h"
#include "../audit/record.h"

struct rules *decide_rules(const struct capset *cs, struct err *e)
{
	struct rules *r = rules_new();

	rules_skip_examples(r);
	if (packs_load_shipped(r, e) < 0 ||
	    (cs && packs_apply(&r, cs, false, e) < 0)) {
		rules_free(r);
		return NULL;
	}
	return r;
}

cJSON *decision_json(const struct decision *d, const struct decide_in *in)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();
	cJSON *packs = cJSON_CreateArray(), *off = cJSON_CreateArray();
	char *src = d->rule ? xasprintf("%s:%d", d->file, d->line) : NULL;

	cJSON_AddStringToObject(o, "action", action_name(d->action));
	record_str(o, "rule", d->rule);
	record_str(o, "reason", d->reason);
	record_str(o, "source", src);
	free(src);
	for (size_t i = 0; i < in->argc; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(in->argv[i]));
	cJSON_AddItemToObject(o, "argv", a);
	cJSON_AddStringToObject(o, "cwd", in->cwd);
	cJSON_AddStringToObject(o, "workdir", in->workdir);
	record_str(o, "home", in->home);
	for (size_t i = 0; i < rules_packs(in->rules); i++)
		cJSON_AddItemToArray(packs, cJSON_CreateString(rules_pack_file(in->rules, i)));
	for (size_t i = 0; in->cs && i < in->cs->rule_disable.n; i++)
		cJSON_AddItemToArray(off, cJSON_CreateString(in->cs->rule_disable.v[i]));
	cJSON_AddItemToObject(o, "packs", packs);
	cJSON_AddItemToObject(o, "disabled", off);
	return o;
}
