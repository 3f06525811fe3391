/* snapshot.c — taking a snapshot of a workspace into the store. */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
	struct snap_result *r;
	const struct snap_opts *o;
	uint64_t max_file;
	uint64_t files, bytes; /* seen so far */
	uint64_t kept, kept_bytes; /* in the snapshot so far */
};

/* A file: its digest from the last snapshot when unchanged, else stored. */
static int snap_file(void *ctx, int dirfd, const char *name,
		     const struct stat *st, struct entry *en, struct err *e)
{
	struct snap_ctx *c = ctx;
	const struct entry *p = c->prev ? manifest_find(c->prev, en->path) : NULL;
	struct stat now;
	int fd, rc;

	c->bytes += (uint64_t)st->st_size;
	if (c->o->progress && ++c->files % 64 == 0)
		c->o->progress(c->o->progress_ctx, c->files, c->bytes);

	bool same = p && p->type == 'f' && p->size == st->st_size &&
		    p->mtime_ns == tree_ns(st->st_mtim) &&
		    p->ctime_ns == tree_ns(st->st_ctim) && p->ino == (uint64_t)st->st_ino;

	if ((uint64_t)st->st_size > c->max_file ||
	    (c->o->max_files && c->kept >= c->o->max_files) ||
	    (c->o->max_bytes && c->kept_bytes + (uint64_t)st->st_size > c->o->max_bytes))
		return 1; /* left out, and named */
	c->kept++;
	c->kept_bytes += (uint64_t)st->st_size;
	if (same) {
		memcpy(en->digest, p->digest, SHA256_HEX);
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 1; /* unreadable: left out, and said so */
	/* the file walked, not one swapped in since (a fifo, a device …),
	 * and no more of it than it had: a file that grows is left out */
	if (fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) ||
	    now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		close(fd);
		return 1;
	}
	rc = objstore_put(c->s, fd, (uint64_t)st->st_size, en->digest, &en->size, e);
	close(fd);
	c->r->read++;
	return rc;
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

int snapshot_take(struct objstore *s, const struct snap_opts *o,
		  struct snap_result *r, struct err *e)
{
	struct manifest prev = { 0 }, m = { 0 };
	struct snap_ctx c = { .s = s, .r = r, .o = o,
			      .max_file = o->max_file ? o->max_file : SNAPSHOT_MAX_FILE };
	struct tree_walk w = { .file = snap_file, .ctx = &c,
			       .exclude = o->exclude, .include = o->include,
			       .record_left_out = true };
	struct timespec t0, t1;
	char prev_id[64], *path;
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
	/* the last snapshot is only a cache of digests: unreadable, none */
	c.prev = snapshot_latest(s, o->workdir, &prev, prev_id, e) == 0 ? &prev : NULL;
	s->added = s->added_bytes = 0;
	rc = tree_walk(&w, root, &m, e);
	close(root);
	if (rc == 0 && s->added) /* nothing new: nothing to make durable */
		rc = objstore_sync(s, e);
	if (rc == 0) {
		new_id(r->id);
		m.workdir = xstrdup(o->workdir);
		m.time = iso_now();
		m.trigger = xstrdup(o->trigger);
		m.session = o->session ? xstrdup(o->session) : NULL;
		m.skipped = w.skipped;
		for (size_t i = 0; o->exclude && i < o->exclude->n; i++)
			strv_push(&m.exclude, o->exclude->v[i]);
		for (size_t i = 0; o->include && i < o->include->n; i++)
			strv_push(&m.include, o->include->v[i]);
		path = objstore_snapshot(s, r->id);
		rc = manifest_write(&m, path, e);
		free(path);
	}
	objstore_unlock(s);
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
	manifest_free(&prev);
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
