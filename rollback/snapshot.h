/* snapshot.h — taking a snapshot of a workspace into the store.
 *
 * The tree is walked (tree.h); a file whose size, mtime, ctime and inode
 * equal its entry in the workspace's latest snapshot is not read again
 * (its digest is taken over; a file changed in the two seconds before a
 * snapshot is recorded so that the next one reads it again, as it may
 * change again within the same clock tick); any other is read once,
 * hashed and stored
 * (store.h; a known content is not written twice). Then every new object
 * is made durable, and the manifest is written and renamed into place: a
 * snapshot cut short (a kill, a full disk) leaves no manifest, and the
 * objects it wrote are only unreferenced. A tree that is exactly the
 * workspace's latest snapshot (every entry, the same patterns) is not
 * written again: that snapshot is the answer (no growth from a loop of
 * snapshot-triggering commands).
 */
#ifndef LATCH_SNAPSHOT_H
#define LATCH_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "manifest.h"
#include "store.h"

#define SNAPSHOT_MAX_FILE (256ULL << 20) /* larger files are left out */

struct snap_opts {
	const char *workdir;  /* absolute, canonical */
	const char *trigger;  /* start, exec, manual, restore, end */
	const char *session;  /* may be NULL */
	uint64_t max_file;    /* 0: SNAPSHOT_MAX_FILE */
	uint64_t max_files, max_bytes; /* 0: no limit; past them, files are
					  left out (and named) */
	const struct strv *exclude, *include; /* the profile's (tree.h) */
	/* told the files and bytes seen so far, every few files; may be NULL */
	void (*progress)(void *ctx, uint64_t files, uint64_t bytes);
	void *progress_ctx;
};

struct snap_result {
	char id[64];
	bool unchanged;             /* the tree is the workspace's latest
				       snapshot again: its id, no new one */
	uint64_t files, bytes;      /* in the snapshot */
	uint64_t read, added, added_bytes; /* files read; new objects */
	uint64_t skipped;
	struct strv skipped_names;  /* the first few */
	double ms;
};

int snapshot_take(struct objstore *s, const struct snap_opts *o,
		  struct snap_result *r, struct err *e);
/* "latch: warning: N files left out of snapshot ID (…): a b …" on
 * stderr, when some were. */
void snapshot_warn_skipped(const struct snap_result *r);
void snap_result_free(struct snap_result *r);

/* The latest snapshot of `workdir` into `m` (its id into `id`, 64 bytes);
 * 1 when there is none, -1 on error. */
int snapshot_latest(const struct objstore *s, const char *workdir,
		    struct manifest *m, char *id, struct err *e);

#endif
