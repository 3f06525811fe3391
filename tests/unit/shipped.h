/* shipped.h — the shipped profiles and groups (profiles/ in the source
 * tree: the unit tests run from the repository root), parsed once, and a
 * capability set built from one of them. */
#ifndef LATCH_TEST_SHIPPED_H
#define LATCH_TEST_SHIPPED_H

#include <stddef.h>

#include "../../policy/capset.h"

#define SHIPPED_MAX 64

struct shipped {
	struct profile *groups[SHIPPED_MAX]; /* groups/required/ first */
	size_t n_groups, n_required;
	struct profile *profiles[SHIPPED_MAX];
	size_t n_profiles;
};

/* Parse them all (a file that does not parse fails the test). */
void shipped_load(struct shipped *sh);
void shipped_free(struct shipped *sh);
struct profile *shipped_profile(const struct shipped *sh, const char *name);
const struct profile *shipped_group(const struct shipped *sh, const char *name);
/* The capability set of `leaf` through its `extends` chain, with every
 * shipped group, the given variables and resolver. */
int shipped_build(const struct shipped *sh, struct profile *leaf,
		  struct capset *cs, const struct vars *vs,
		  const struct cli_grants *cli, resolve_fn resolve, void *ctx,
		  struct err *e);

#endif
