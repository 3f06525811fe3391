/* tree.h — walking a workspace for a snapshot or a restore.
 *
 * Every directory, regular file and symlink below the root, without
 * following symlinks and without crossing into other filesystems (a mount
 * inside the workspace is left out, named as skipped); other file types
 * (sockets, fifos, devices) are skipped too. Left out by name, and never
 * restored or deleted: dependency and cache directories anywhere
 * (node_modules, .venv, venv, __pycache__, .pytest_cache, .mypy_cache,
 * .ruff_cache, .tox, .gradle, .next, .nuxt, .parcel-cache, .turbo),
 * build outputs at the top (target, build, dist), and what the
 * workspace's .gitignore files and .git/info/exclude ignore (ignore.h),
 * and the profile's `exclude` patterns; its `include` patterns keep what
 * any of these would leave out. `.git` itself is always included.
 */
#ifndef LATCH_TREE_H
#define LATCH_TREE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../common/err.h"
#include "../common/strv.h"
#include "ignore.h"
#include "manifest.h"

#define TREE_MAX_DEPTH 128

struct tree_walk {
	uint64_t skipped;
	struct strv skipped_names; /* the first few, for the warning */
	/* the profile's patterns (gitignore syntax, from the top): exclude
	 * leaves out; include keeps what the default names or a .gitignore
	 * would leave out. May be NULL. */
	const struct strv *exclude, *include;
	struct ignores inc;
	bool record_left_out;  /* an 'x' entry per path left out (snapshots) */
	/* the text of the ignore file at `path` (".gitignore", "d/.gitignore",
	 * ".git/info/exclude"), malloc'ed, or NULL: a restore reads the
	 * snapshot's own, not the workspace's of now. NULL: read from disk. */
	char *(*ignore_text)(void *ctx, const char *path);
	void *ignore_ctx;
};

/* A timestamp in nanoseconds, saturated (no overflow past 2262 or before
 * 1678). */
int64_t tree_ns(struct timespec t);

/* Whether `name` at `depth` (0: directly in the root) is left out. */
bool tree_excluded(const char *name, int depth);

/* Walk the tree under the open directory `root` into `m` (sorted), its
 * files with no digest. The directories are read by a few threads (one
 * per CPU, up to four): listing a tree is mostly the lstat of each entry,
 * which is the kernel's work. */
int tree_walk(struct tree_walk *w, int root, struct manifest *m,
	      struct err *e);
void tree_walk_free(struct tree_walk *w);

/* The entry `en` of a walk's manifest left out after all (a file over a
 * limit or unreadable): made an 'x' entry, counted and named. */
void tree_leave_out(struct tree_walk *w, struct entry *en);

/* The workspace `path` (absolute, canonical: as snapshots record it),
 * opened with no symlink anywhere on the path: a directory on it replaced
 * by a symlink since cannot redirect a snapshot or a restore. -1 (errno;
 * ELOOP for a symlink) when it cannot be. */
int tree_open_root(const char *path);

/* The regular file `path` under `root`, reached with no symlink on the
 * way and without leaving root's filesystem, opened without blocking
 * (O_NONBLOCK: no fifo may hang the reader); -1 when it cannot be, or is
 * no regular file. */
int tree_open_file(int root, const char *path);

/* The directory holding `path` (relative to the open directory `root`),
 * reached one component at a time without following symlinks, and in
 * *name its last component; -1 (errno) when it cannot be. */
int tree_open_parent(int root, const char *path, const char **name);

#endif
