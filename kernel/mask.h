/* mask.h — hide or freeze paths that lie inside a Landlock grant.
 *
 * Landlock can only allow, so a deny inside an allowed tree is enforced in a
 * private mount namespace: a denied directory or file is covered by an empty,
 * read-only, mode-000 tmpfs object; a deny_write path is bind-mounted onto
 * itself read-only; a bind mask shows another directory there, read-only.
 * Done in the child before Landlock, which then forbids the sandbox from
 * changing mounts, inside the private mount namespace it entered first
 * (ns.h).
 */
#ifndef LATCH_MASK_H
#define LATCH_MASK_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"

struct mask {
	const char *path;
	bool readonly; /* true: freeze; false: hide */
	bool is_dir;
	const char *source; /* non-NULL: bind this directory, read-only, onto
			       `path` instead (latch's shims, which live in
			       its state directory); taken before any mask is
			       applied, so a mask over `source` does not
			       matter. At most MASK_MAX_BINDS. */
};
#define MASK_MAX_BINDS 4

/* Apply masks in order (callers sort outermost first). The caller must
 * have entered a private mount namespace (ns_enter): the mounts land in
 * whatever namespace it is in. n == 0 is a no-op. */
int mask_apply(const struct mask *m, size_t n, struct err *e);

#endif
