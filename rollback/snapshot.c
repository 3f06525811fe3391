/* snapshot.c — taking a snapshot of a workspace into the store. */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "tree.h"

struct snap_ctx {
	struct objstore *s;
	const struct manifest *prev;
	size_t at;             /* in prev: both are sorted by path */
	struct snap_result *r;
	const struct snap_opts *o;
	uint64_t max_file;
	uint64_t files, bytes; /* seen so far */
	uint64_t kept, kept_bytes; /* in the snapshot so far */
	int64_t racy_ns;       /* files changed since then: see racy() */
};

/* A file changed within RACY_NS of the snapshot's start may change again
 * within the same tick of the filesystem's clock after it was read, and
 * then look unchanged (size, times, inode) to the next snapshot, which
 * would take over the old digest. Such an entry is written with inode 0,
 * which no file has: the next snapshot reads it again (git's "racily
 * clean" entries). */
#define RACY_NS 2000000000LL

static void racy(const struct snap_ctx *c, struct entry *en)
{
	if (en->mtime_ns >= c->racy_ns || en->ctime_ns >= c->racy_ns)
		en->ino = 0;
}

/* The last snapshot's entry for `path`, or NULL; asked in path order. */
static const struct entry *prev_entry(struct snap_ctx *c, const char *path)
{
	int cmp = 1;

	while (c->prev && c->at < c->prev->n &&
	       (cmp = strcmp(c->prev->v[c->at].path, path)) < 0)
		c->at++;
	return cmp == 0 ? &c->prev->v[c->at] : NULL;
}

/* A file: its digest from the last snapshot when unchanged, else read
 * and stored. 1: left out (over a limit, unreadable, replaced since the
 * walk). */
static int snap_file(struct snap_ctx *c, int root, struct entry *en,
		     struct err *e)
{
	const struct entry *p = prev_entry(c, en->path);
	struct stat now;
	int fd, rc;

	c->bytes += (uint64_t)en->size;
	if (c->o->progress && ++c->files % 64 == 0)
		c->o->progress(c->o->progress_ctx, c->files, c->bytes);
	if ((uint64_t)en->size > c->max_file ||
	    (c->o->max_files && c->kept >= c->o->max_files) ||
	    (c->o->max_bytes && c->kept_bytes + (uint64_t)en->size > c->o->max_bytes))
		return 1;
	if (p && p->type == 'f' && p->size == en->size && p->mtime_ns == en->mtime_ns &&
	    p->ctime_ns == en->ctime_ns && p->ino == en->ino) {
		memcpy(en->digest, p->digest, SHA256_HEX);
	} else {
		fd = tree_open_file(root, en->path);
		if (fd < 0)
			return 1;
		/* the file walked, not one swapped in since, and no more of
		 * it than it had: a file that grows is left out */
		if (fstat(fd, &now) < 0 || now.st_ino != en->ino) {
			close(fd);
			return 1;
		}
		rc = objstore_put(c->s, fd, (uint64_t)en->size, en->digest, &en->size, e);
		close(fd);
		c->r->read++;
		if (rc != 0)
			return rc;
	}
	c->kept++;
	c->kept_bytes += (uint64_t)en->size;
	racy(c, en);
	return 0;
}

/* Every file of the walked tree `m` given its digest (or left out). */
static int snap_files(struct snap_ctx *c, struct tree_walk *w, int root,
		      struct manifest *m, struct err *e)
{
	for (size_t i = 0; i < m->n; i++) {
		int rc = m->v[i].type == 'f' ? snap_file(c, root, &m->v[i], e) : 0;

		if (rc < 0)
			return -1;
		if (rc == 1)
			tree_leave_out(w, &m->v[i]);
	}
	return 0;
}

/* Now, UTC, by strftime `fmt`, then ".mmm" (milliseconds). */
static void now_utc(const char *fmt, char *out, size_t size)
{
	struct timespec now;
	struct tm tm;
	char t[32];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(t, sizeof(t), fmt, &tm);
	snprintf(out, size, "%s.%03ld", t, now.tv_nsec / 1000000);
}

/* "20261128T222444.123Z-1234-0": sorts by time. */
static void new_id(char id[64])
{
	static unsigned seq;
	char t[48];

	now_utc("%Y%m%dT%H%M%S", t, sizeof(t));
	snprintf(id, 64, "%sZ-%d-%u", t, (int)getpid(), seq++);
}

static char *iso_now(void)
{
	char t[48];

	now_utc("%Y-%m-%dT%H:%M:%S", t, sizeof(t));
	return xasprintf("%sZ", t);
}

int snapshot_latest(const struct objstore *s, const char *workdir,
		    struct manifest *m, char *id, struct err *e)
{
	struct strv ids = { 0 };
	int rc = 1;

	objstore_snapshot_ids(s, &ids, NULL);
	/* newest first: the first of this workspace is the one */
	for (size_t i = ids.n; rc == 1 && i-- > 0;) {
		char *path = objstore_snapshot(s, ids.v[i]);
		struct manifest h;
		struct err ignored;

		if (manifest_read(path, &h, 1, &ignored) == 0 &&
		    strcmp(h.workdir, workdir) == 0) {
			rc = manifest_read(path, m, 0, e) == 0 ? 0 : -1;
			snprintf(id, 64, "%s", ids.v[i]);
		}
		manifest_free(&h);
		free(path);
	}
	strv_free(&ids);
	return rc;
}

/* The workspace's latest snapshot, read while the tree is walked: it is
 * only a cache of digests (none, or unreadable: every file is read). */
struct prev_load {
	const struct objstore *s;
	const char *workdir;
	struct manifest m;
	char id[64];
	bool ok;
	pthread_t tid;
};

static void *load_prev(void *arg)
{
	struct prev_load *p = arg;
	struct err ignored;

	p->ok = snapshot_latest(p->s, p->workdir, &p->m, p->id, &ignored) == 0;
	return NULL;
}

/* Whether the walked entry `b` is the last snapshot's `a` again; a racily
 * clean `a` (inode 0) stays as it is when the file read again is the
 * same: the next snapshot reads it once more, and no manifest is
 * rewritten for it. */
static bool same_entry(const struct entry *a, const struct entry *b)
{
	return a->type == b->type && a->mode == b->mode && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns &&
	       (a->ino == b->ino || a->ino == 0) && strcmp(a->path, b->path) == 0 &&
	       (a->type != 'f' || memcmp(a->digest, b->digest, SHA256_HEX) == 0) &&
	       (a->type != 'l' || strcmp(a->target, b->target) == 0);
}

static bool same_strv(const struct strv *a, const struct strv *b)
{
	size_t n = b ? b->n : 0;

	if (a->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

/* Whether the walked tree `m` is the snapshot `prev` again, taken with
 * the same patterns: then no manifest is written. */
static bool unchanged(const struct manifest *prev, const struct manifest *m,
		      const struct snap_opts *o, uint64_t skipped)
{
	if (prev->n != m->n || prev->skipped != skipped ||
	    !same_strv(&prev->exclude, o->exclude) ||
	    !same_strv(&prev->include, o->include))
		return false;
	for (size_t i = 0; i < m->n; i++)
		if (!same_entry(&prev->v[i], &m->v[i]))
			return false;
	return true;
}

/* The walked tree `m` as a new snapshot of the store (its id in r->id). */
static int write_manifest(struct objstore *s, const struct snap_opts *o,
			  struct manifest *m, uint64_t skipped,
			  struct snap_result *r, struct err *e)
{
	char *path;
	int rc;

	new_id(r->id);
	m->workdir = xstrdup(o->workdir);
	m->time = iso_now();
	m->trigger = xstrdup(o->trigger);
	m->session = o->session ? xstrdup(o->session) : NULL;
	m->skipped = skipped;
	for (size_t i = 0; o->exclude && i < o->exclude->n; i++)
		strv_push(&m->exclude, o->exclude->v[i]);
	for (size_t i = 0; o->include && i < o->include->n; i++)
		strv_push(&m->include, o->include->v[i]);
	path = objstore_snapshot(s, r->id);
	rc = manifest_write(m, path, e);
	free(path);
	return rc;
}

/* Walk, store the files, and write the manifest (unless the tree is the
 * latest snapshot again), under the store's shared lock. */
static int take_locked(struct objstore *s, const struct snap_opts *o, int root,
		       struct tree_walk *w, struct manifest *m,
		       struct snap_result *r, struct err *e)
{
	struct prev_load p = { .s = s, .workdir = o->workdir };
	struct snap_ctx c = { .s = s, .r = r, .o = o,
			      .max_file = o->max_file ? o->max_file : SNAPSHOT_MAX_FILE };
	bool loading = pthread_create(&p.tid, NULL, load_prev, &p) == 0;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	c.racy_ns = tree_ns(now) - RACY_NS;
	int rc;

	if (!loading)
		load_prev(&p);
	objstore_begin(s);
	rc = tree_walk(w, root, m, e);
	if (loading)
		pthread_join(p.tid, NULL);
	c.prev = p.ok ? &p.m : NULL;
	if (rc == 0)
		rc = snap_files(&c, w, root, m, e);
	if (rc == 0)
		rc = objstore_sync(s, e);
	if (rc == 0 && c.prev && unchanged(c.prev, m, o, w->skipped)) {
		snprintf(r->id, sizeof(r->id), "%s", p.id);
		r->unchanged = true;
	} else if (rc == 0) {
		rc = write_manifest(s, o, m, w->skipped, r, e);
	}
	manifest_free(&p.m);
	return rc;
}

int snapshot_take(struct objstore *s, const struct snap_opts *o,
		  struct snap_result *r, struct err *e)
{
	struct manifest m = { 0 };
	struct tree_walk w = { .exclude = o->exclude, .include = o->include,
			       .record_left_out = true };
	struct timespec t0, t1;
	int root, rc;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	root = tree_open_root(o->workdir);
	if (root < 0)
		return err_sys(e, "cannot open the workspace %s (a symlink on its path now? it is not followed)", o->workdir);
	if (objstore_lock(s, false, e) < 0) {
		close(root);
		return -1;
	}
	rc = take_locked(s, o, root, &w, &m, r, e);
	objstore_unlock(s);
	close(root);
	if (rc == 0) {
		manifest_totals(&m, &r->files, &r->bytes);
		r->added = s->added;
		r->added_bytes = s->added_bytes;
		r->skipped = w.skipped;
		r->skipped_names = w.skipped_names;
		memset(&w.skipped_names, 0, sizeof(w.skipped_names));
	}
	tree_walk_free(&w);
	manifest_free(&m);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return rc;
}

void snap_result_free(struct snap_result *r)
{
	strv_free(&r->skipped_names);
}

void snapshot_warn_skipped(const struct snap_result *r)
{
	if (r->skipped == 0)
		return;
	fprintf(stderr, "latch: warning: %" PRIu64 " files left out of snapshot %s (over a limit, unreadable, special, or on another filesystem):",
		r->skipped, r->id);
	for (size_t i = 0; i < r->skipped_names.n; i++) {
		fputc(' ', stderr);
		fput_word(stderr, r->skipped_names.v[i]);
	}
	fprintf(stderr, "%s\n", r->skipped > r->skipped_names.n ? " …" : "");
}
