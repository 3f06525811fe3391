/* resolve.h — canonical paths from the real filesystem.
 *
 * Each component is resolved after the ones before it, through symlinks
 * and `..`, as the kernel would; a missing remainder is kept lexically.
 * A symlink is followed whether its target exists or not: a dangling
 * ~/.aws -> dotfiles/aws resolves to .../dotfiles/aws, PATH_MISSING (the
 * path that opening or creating through the link would reach), so a deny
 * on it protects the target. At most 40 symlinks are followed; a loop is a
 * hard error (NULL, errno ELOOP). Matches capset.h's resolve_fn. */
#ifndef LATCH_RESOLVE_H
#define LATCH_RESOLVE_H

#include "../policy/capset.h"

char *resolve_real(const char *path, enum path_state *state, void *ctx);

/* Results are cached per process (a run resolves each directory once);
 * drop the cache, e.g. after the filesystem changed or before exit. */
void resolve_forget(void);

/* For the rules' operand test `exists` (rules_roots.exists): whether
 * `path` is there as anything but a directory (lstat: a symlink counts).
 * `ctx` is unused. */
bool resolve_is_file(const char *path, void *ctx);

#endif
