/* restore.h — putting a workspace back as a snapshot holds it.
 *
 * The current tree is walked as a snapshot would be (tree.h; left-out
 * names are neither restored nor deleted) and compared with the snapshot:
 * what the snapshot lacks is deleted (deepest first), what differs or is
 * missing is recreated — a file through a temporary file in its directory,
 * checked against its digest and renamed into place; a directory made; a
 * symlink made aside and renamed — and modes and mtimes are set. Every
 * path is reached from the workspace's root one component at a time
 * without following symlinks: nothing is written outside it, and a
 * symlinked parent is refused. A file whose object is missing or corrupt
 * is named and left as it is; the rest is restored.
 */
#ifndef LATCH_RESTORE_H
#define LATCH_RESTORE_H

#include <stdbool.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "manifest.h"
#include "store.h"

struct restore_opts {
	const struct strv *paths; /* only these (relative to the root) and
				     what is below them; NULL: everything */
	bool dry_run;             /* say what would change, change nothing */
	bool show;                /* say how the tree differs from the
				     snapshot (added, deleted, modified,
				     mode), change nothing */
	/* told each change: verb (delete, restore, create, mode; with show:
	 * added, deleted, modified, mode) and path; may be NULL */
	void (*each)(void *ctx, const char *verb, const char *path);
	void *ctx;
};

struct restore_result {
	unsigned long written, deleted, made, modes, failed;
};

int restore_run(struct objstore *s, const struct manifest *m,
		const struct restore_opts *o, struct restore_result *r,
		struct err *e);

#endif
