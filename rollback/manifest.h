/* manifest.h — what one snapshot holds: every entry of the tree, by path.
 *
 * On disk, text: a header ("latch-snapshot 1", then "key value" lines:
 * workdir, time, trigger, session, skipped, and one exclude or include
 * line per pattern; then "entries"), then one line
 * per entry, sorted by path:
 *   TYPE MODE SIZE MTIME_NS CTIME_NS INODE DIGEST PATH TARGET
 * TYPE f (file), d (directory), l (symlink), x (left out: too large,
 * unreadable, special, on another filesystem; a restore leaves it be);
 * MODE octal permission bits;
 * DIGEST the SHA-256 of a file's content ("-" otherwise); TARGET a link's
 * target ("-" otherwise). Strings are percent-encoded (bytes up to space,
 * from DEL, and '%'; "-" itself as %2D). Written to a temporary file,
 * fsync'ed and renamed into place: a manifest is complete or absent.
 */
#ifndef LATCH_MANIFEST_H
#define LATCH_MANIFEST_H

#include <stdint.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "../common/sha256.h"

struct entry {
	char *path;      /* relative to the snapshot's root */
	char type;       /* 'f', 'd', 'l', 'x' (left out) */
	mode_t mode;     /* permission bits */
	int64_t size;
	int64_t mtime_ns, ctime_ns;
	uint64_t ino;
	char digest[SHA256_HEX]; /* files */
	char *target;    /* links */
};

struct manifest {
	char *workdir;   /* the root, absolute */
	char *time;      /* UTC, ISO 8601 */
	char *trigger;   /* start, exec, manual, restore, end */
	char *session;   /* the session's id, or NULL */
	uint64_t skipped; /* files left out (too large, unreadable, special) */
	struct strv exclude, include; /* the profile's patterns it was taken
					 with (tree.h): a restore walks the
					 tree with them too */
	struct entry *v;
	size_t n, cap;
};

/* Append (taking the strings); sort before lookups and writing. */
void manifest_add(struct manifest *m, const struct entry *e);
void manifest_sort(struct manifest *m);
const struct entry *manifest_find(const struct manifest *m, const char *path);

int manifest_write(const struct manifest *m, const char *path, struct err *e);
/* Read `path`; with `header_only` the entries are not read. */
int manifest_read(const char *path, struct manifest *m, int header_only,
		  struct err *e);
void manifest_free(struct manifest *m);

/* Totals of the file entries. */
void manifest_totals(const struct manifest *m, uint64_t *files,
		     uint64_t *bytes);

#endif
