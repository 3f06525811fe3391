/* diff.h — what changed in the workspace since a snapshot, as a unified
 * diff of its text files.
 *
 * The changed paths are those `rollback show` lists (restore.h); for each
 * file among them the snapshot's content is written to a private
 * temporary file (0600, in the store's directory) and compared with the
 * workspace's by diff(1) -u (diffutils, Essential on Debian), labelled
 * a/PATH and b/PATH; a deleted file is compared with /dev/null, an added
 * one from it. A file with a NUL byte in its first 8 KiB on either side is
 * "Binary files a/PATH and b/PATH differ".
 */
#ifndef LATCH_DIFF_H
#define LATCH_DIFF_H

#include <stdio.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "manifest.h"
#include "store.h"

/* Only paths at or below one of `paths` (relative; NULL or empty: all).
 * The diff goes to `out`. 0 when nothing differs, 1 when something does. */
int diff_run(struct objstore *s, const struct manifest *m,
	     const struct strv *paths, FILE *out, struct err *e);

#endif
