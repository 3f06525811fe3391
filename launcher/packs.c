/* packs.c — loading the rule packs a profile names. */
#include "packs.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/dirnames.h"
#include "../common/xalloc.h"
#include "../policy/suggest.h"
#include "datadir.h"

static char *shipped_dir(struct err *e)
{
	if (datadir() == NULL) {
		err_set(e, "cannot find latch's data directory (set LATCH_DATA_DIR to the directory holding profiles/ and rules/)");
		return NULL;
	}
	return xjoin(datadir(), "/rules/packs");
}

int packs_load_shipped(struct rules *r, struct err *e)
{
	char *dir = shipped_dir(e);
	size_t n = 0;
	int rc;

	if (dir == NULL)
		return -1;
	rc = rules_load_dir(r, dir, &n, e);
	if (rc == 0 && n == 0)
		rc = err_set(e, "no rule packs in %s (is latch installed completely?)", dir);
	free(dir);
	return rc;
}

/* Why `name` is no shipped pack: "(did you mean 'x'? shipped: a, b; …)". */
static int no_such_pack(const char *dir, const char *origin, const char *name,
			struct err *e)
{
	struct strv names = { 0 };
	char *list = xstrdup("");
	const char *guess;
	int rc;

	(void)dir_names(dir, ".yaml", true, &names);
	for (size_t i = 0; i < names.n; i++) {
		char *more = xasprintf("%s%s%s", list, i ? ", " : "", names.v[i]);

		free(list);
		list = more;
	}
	guess = suggest(name, (const char *const *)names.v, names.n);
	rc = err_set(e, "%s: rules: no shipped rule pack '%s' (%s%s%sshipped: %s; a file of your own goes under 'add:')",
		     origin, name, guess ? "did you mean '" : "",
		     guess ? guess : "", guess ? "'? " : "", list);
	free(list);
	strv_free(&names);
	return rc;
}

/* Only the shipped packs `cs` names, in its order. */
static struct rules *named_packs(const struct capset *cs, bool examples,
				 struct err *e)
{
	struct rules *r = rules_new();
	char *dir = shipped_dir(e);

	if (!examples)
		rules_skip_examples(r);
	for (size_t i = 0; dir && i < cs->rule_packs.n; i++) {
		const char *name = cs->rule_packs.v[i];
		char *path = xasprintf("%s/%s.yaml", dir, name);
		int rc = 0;

		if (strchr(name, '/') || access(path, R_OK) != 0)
			rc = no_such_pack(dir, cs->rule_packs_origin.v[i], name, e);
		else
			rc = rules_load_file(r, path, e);
		free(path);
		if (rc < 0) {
			free(dir);
			rules_free(r);
			return NULL;
		}
	}
	if (dir == NULL) {
		rules_free(r);
		return NULL;
	}
	free(dir);
	return r;
}

static int disable(struct rules *r, const char *id, const char *origin,
		   struct err *e)
{
	struct strv ids = { 0 };
	const char *guess;

	if (rules_disable(r, id, &ids) == 0) {
		strv_free(&ids);
		return 0;
	}
	guess = suggest(id, (const char *const *)ids.v, ids.n);
	err_set(e, "%s: rules: disable: no loaded rule has id '%s'%s%s%s",
		origin, id, guess ? " (did you mean '" : "",
		guess ? guess : "", guess ? "'?)" : "");
	strv_free(&ids);
	return -1;
}

int packs_apply(struct rules **r, const struct capset *cs, bool examples,
		struct err *e)
{
	if (cs->rule_packs_set) {
		struct rules *n = named_packs(cs, examples, e);

		if (n == NULL)
			return -1;
		rules_free(*r);
		*r = n;
	}
	for (size_t i = 0; i < cs->rule_add.n; i++) {
		struct err sub;

		if (rules_load_file(*r, cs->rule_add.v[i], &sub) < 0)
			return err_set(e, "%s: rules: add: %s",
				       cs->rule_add_origin.v[i], sub.msg);
	}
	for (size_t i = 0; i < cs->rule_disable.n; i++)
		if (disable(*r, cs->rule_disable.v[i],
			    cs->rule_disable_origin.v[i], e) < 0)
			return -1;
	return 0;
}
