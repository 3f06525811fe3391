/* shipped.c — the shipped profiles and groups for the unit tests. */
#include "shipped.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Sorted *.yaml names in `dir` (names without .yaml) into names[]. */
static size_t list_yaml(const char *dir, char **names)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	cr_assert_not_null(d, "cannot open %s (run the tests from the repository root)",
			   dir);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) {
			cr_assert_lt(n, SHIPPED_MAX);
			names[n++] = strndup(de->d_name, len - 5);
		}
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	return n;
}

/* Parse DIR/NAME.yaml; NULL with `e` set if it does not parse. */
static struct profile *load(const char *dir, const char *name, bool is_group,
			    struct err *e)
{
	char path[512];
	size_t len;
	char *buf;
	struct profile *p;

	snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
	buf = read_text(path, &len);
	if (buf == NULL) {
		snprintf(e->msg, sizeof(e->msg), "%s: cannot read", path);
		return NULL;
	}
	p = profile_parse(buf, len, path, name, is_group, e);
	free(buf);
	return p;
}

static void load_groups(struct shipped *sh, const char *dir)
{
	char *names[SHIPPED_MAX];
	size_t n = list_yaml(dir, names);
	struct err e;

	for (size_t i = 0; i < n; i++) {
		struct profile *g = load(dir, names[i], true, &e);

		cr_expect_not_null(g, "%s", e.msg);
		if (g) {
			cr_assert_lt(sh->n_groups, SHIPPED_MAX);
			sh->groups[sh->n_groups++] = g;
		}
		free(names[i]);
	}
}

void shipped_load(struct shipped *sh)
{
	char *names[SHIPPED_MAX];
	size_t n;
	struct err e;

	memset(sh, 0, sizeof(*sh));
	load_groups(sh, "profiles/groups/required");
	sh->n_required = sh->n_groups;
	load_groups(sh, "profiles/groups");
	n = list_yaml("profiles", names);
	for (size_t i = 0; i < n; i++) {
		struct profile *p = load("profiles", names[i], false, &e);

		cr_expect_not_null(p, "%s", e.msg);
		if (p)
			sh->profiles[sh->n_profiles++] = p;
		free(names[i]);
	}
}

void shipped_free(struct shipped *sh)
{
	for (size_t i = 0; i < sh->n_groups; i++)
		profile_free(sh->groups[i]);
	for (size_t i = 0; i < sh->n_profiles; i++)
		profile_free(sh->profiles[i]);
}

struct profile *shipped_profile(const struct shipped *sh, const char *name)
{
	for (size_t i = 0; i < sh->n_profiles; i++)
		if (strcmp(sh->profiles[i]->name, name) == 0)
			return sh->profiles[i];
	return NULL;
}

const struct profile *shipped_group(const struct shipped *sh, const char *name)
{
	for (size_t i = 0; i < sh->n_groups; i++)
		if (strcmp(sh->groups[i]->name, name) == 0)
			return sh->groups[i];
	return NULL;
}

/* Base-first chain of shipped profile `p` through `extends` (depth-first,
 * parents before the child, each once). */
static void chain_of(const struct shipped *sh, struct profile *p,
		     struct profile **chain, size_t *n, int depth)
{
	cr_assert_lt(depth, 10, "extends chain of %s too deep", p->name);
	for (size_t i = 0; i < p->extends.n; i++) {
		struct profile *parent = shipped_profile(sh, p->extends.v[i]);

		cr_assert_not_null(parent, "%s extends unknown profile '%s'",
				   p->file, p->extends.v[i]);
		chain_of(sh, parent, chain, n, depth + 1);
	}
	for (size_t i = 0; i < *n; i++)
		if (chain[i] == p)
			return;
	chain[(*n)++] = p;
}

int shipped_build(const struct shipped *sh, struct profile *leaf,
		  struct capset *cs, const struct vars *vs,
		  const struct cli_grants *cli, resolve_fn resolve, void *ctx,
		  struct err *e)
{
	struct profile *chain[16];
	size_t n = 0;

	chain_of(sh, leaf, chain, &n, 0);
	return capset_build(cs, chain, n, (struct profile *const *)sh->groups,
			    sh->n_groups, cli, vs, resolve, ctx, e);
}
