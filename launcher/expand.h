/* expand.h — keep protected paths that do not exist yet from being created.
 *
 * A mask can only cover a path that exists. When a denied path (~/.aws,
 * ~/.bash_profile …) is missing and lies inside a writable grant, that grant
 * is expanded before it reaches Landlock: the grant's directory, and each
 * directory on the way down to the missing path, keep their rights except
 * creating, deleting and renaming entries directly in them; every other
 * existing entry keeps the grant's full rights. So nothing can appear at a
 * protected name, and everything that already exists stays usable. A
 * symlink leading to a protected path (dotfiles managed with stow) is
 * treated the same way, so that it cannot be removed and replaced.
 */
#ifndef LATCH_EXPAND_H
#define LATCH_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/strv.h"
#include "../kernel/landlock.h"
#include "../policy/capset.h"

struct ll_list {
	struct ll_path *v;
	size_t n, cap;
	struct strv owned;      /* path strings created by the expansion */
	struct strv restricted; /* directories where creation is refused */
	struct strv missing;    /* the protected paths that caused it */
};

/* The Landlock rules for a capability set, expanded as above. */
void expand_grants(const struct capset *cs, struct ll_list *out);
void ll_list_free(struct ll_list *l);

/* True when new entries cannot be created directly in `dir` (canonical). */
bool expand_refuses_create(const struct ll_list *l, const char *dir);

#endif
