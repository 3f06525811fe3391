/* resolve.h — canonical paths from the real filesystem (realpath(3)).
 *
 * Each component is resolved after the ones before it, through symlinks
 * and `..`, as the kernel would; a missing remainder is kept lexically. Matches capset.h's resolve_fn. */
#ifndef LATCH_RESOLVE_H
#define LATCH_RESOLVE_H

#include "../policy/capset.h"

char *resolve_real(const char *path, enum path_state *state, void *ctx);

/* Results are cached per process (a run resolves each directory once);
 * drop the cache, e.g. after the filesystem changed or before exit. */
void resolve_forget(void);

#endif
