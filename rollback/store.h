/* store.h — the content-addressed object store of the snapshots.
 *
 * In latch's state dir, hidden from every sandbox: rollback/objects/AB/CDEF…
 * (AB: the first two hex digits of the content's SHA-256), one file per
 * distinct content, shared by every snapshot and session;
 * rollback/snapshots/ID (manifest.h). Files 0600, directories 0700. An
 * object is written to a temporary file and renamed to its name: an object
 * present is complete (objstore_sync makes them durable before a manifest
 * names them; a snapshot that adds none skips it). A file that fits in one
 * chunk (256 KiB) is hashed first and not written at all when its content
 * is known.
 */
#ifndef LATCH_STORE_ROLLBACK_H
#define LATCH_STORE_ROLLBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "../common/sha256.h"

#define STORE_FRESH_MAX 32 /* new objects synced one by one; more: syncfs */

struct objstore {
	char *dir;          /* …/latch/rollback */
	int objects;        /* O_DIRECTORY of objects/ */
	int lock;           /* rollback/lock: flock'ed shared by a snapshot,
			       exclusive by a prune */
	struct sha256 *sha;
	uint64_t added, added_bytes; /* new objects written since
					objstore_begin */
	/* objects to make durable: the new ones, and known ones written
	 * lately (perhaps by a snapshot killed before its sync) */
	uint64_t unsynced;
	char fresh[STORE_FRESH_MAX][SHA256_HEX + 2]; /* the first ones' names */
	char *buf;          /* one chunk of a file being stored */
	uint8_t dirs[32];   /* bit per objects/AB/ known to exist */
};

/* Open (creating) the store under latch's state dir `state`. */
int objstore_open(struct objstore *s, const char *state, struct err *e);
void objstore_close(struct objstore *s);

/* Read `fd` to its end into the store: its digest and size. 1 (nothing
 * stored) when it holds more than `limit` bytes (it grew meanwhile). */
int objstore_put(struct objstore *s, int fd, uint64_t limit,
		 char digest[SHA256_HEX], int64_t *size, struct err *e);
/* An object for reading, or -1 (errno ENOENT when absent). */
int objstore_get(const struct objstore *s, const char *digest);
/* The digest of what `fd` holds from where it is, reading no more than
 * `limit` + 1 bytes (limit < 0: to its end): the bytes read, -1 on a read
 * error. */
int64_t objstore_hash(struct objstore *s, int fd, int64_t limit,
		      char hex[SHA256_HEX]);
/* Whether the object is present and its content has its digest. */
int objstore_check(struct objstore *s, const char *digest, struct err *e);
/* Wait for the store's lock: shared (snapshots, which add objects
 * before a manifest names them) or exclusive (prune, which deletes what
 * no manifest names). */
int objstore_lock(struct objstore *s, bool exclusive, struct err *e);
void objstore_unlock(struct objstore *s);

/* Count what a snapshot adds from here (added, added_bytes, unsynced). */
void objstore_begin(struct objstore *s);
/* Make the objects added durable, and the known ones a snapshot uses
 * that were written in the last minutes: each with fsync (and its
 * directory) when they are few, else the whole filesystem with syncfs.
 * Nothing to do: nothing done. */
int objstore_sync(struct objstore *s, struct err *e);

/* The manifest path of snapshot `id` (fresh string). */
char *objstore_snapshot(const struct objstore *s, const char *id);
/* The snapshots directory (fresh string). */
char *objstore_snapshots_dir(const struct objstore *s);
/* The snapshot ids, oldest first (ids sort by time); into `temps` (may
 * be NULL) the manifests half written by a snapshot that was killed. */
void objstore_snapshot_ids(const struct objstore *s, struct strv *ids,
			   struct strv *temps);

#endif
