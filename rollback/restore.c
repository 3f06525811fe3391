/* restore.c — putting a workspace back as a snapshot holds it. */
#include "restore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "tree.h"

#define CHUNK (256 * 1024)

struct rctx {
	struct objstore *s;
	const struct manifest *m; /* the snapshot */
	int root;
	const struct restore_opts *o;
	struct restore_result *r;
};

static bool below(const char *path, const char *top)
{
	size_t n = strlen(top);

	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Whether `path` is to be restored; `ancestors`: also when it is a
 * directory above a selected path (it must exist for them). */
static bool selected(const struct restore_opts *o, const char *path,
		     bool ancestors)
{
	if (o->paths == NULL || o->paths->n == 0)
		return true;
	for (size_t i = 0; i < o->paths->n; i++)
		if (below(path, o->paths->v[i]) ||
		    (ancestors && below(o->paths->v[i], path)))
			return true;
	return false;
}

enum change { CH_DELETE, CH_WRITE, CH_CREATE, CH_MODE };

/* One line per change: what a restore does, or (show) how the tree
 * differs from the snapshot. */
static void say(const struct rctx *c, enum change ch, bool exists,
		const char *path)
{
	static const char *const restore[] = { "delete", "restore", "create", "mode" };
	const char *verb = restore[ch];

	if (c->o->show)
		verb = ch == CH_DELETE ? "added" : ch == CH_MODE ? "mode"
		     : exists ? "modified" : "deleted";
	if (c->o->each)
		c->o->each(c->o->ctx, verb, path);
}

static bool changes_nothing(const struct rctx *c)
{
	return c->o->dry_run || c->o->show;
}

static void failed(struct rctx *c, const char *path, const char *why)
{
	c->r->failed++;
	fputs("latch: rollback: ", stderr);
	fput_word(stderr, path);
	fprintf(stderr, ": %s\n", why);
}

/* ---- what differs ---- */

/* The digest of the current file `path`; false if unreadable. */
static bool current_digest(struct rctx *c, const char *path, int64_t size,
			   char hex[SHA256_HEX])
{
	/* read no further than it should be long (a growing file swapped
	 * in would never end) */
	int fd = tree_open_file(c->root, path);
	int64_t got;

	if (fd < 0)
		return false;
	got = objstore_hash(c->s, fd, size, hex);
	close(fd);
	return got == size;
}

/* Whether the current entry `cur` has the content of snapshot entry `e`. */
static bool same_content(struct rctx *c, const struct entry *cur,
			 const struct entry *e)
{
	char hex[SHA256_HEX];

	if (cur->type != e->type)
		return false;
	if (e->type == 'l')
		return strcmp(cur->target, e->target) == 0;
	if (e->type == 'd')
		return true;
	if (cur->size != e->size)
		return false;
	if (cur->mtime_ns == e->mtime_ns && cur->ctime_ns == e->ctime_ns &&
	    cur->ino == e->ino)
		return true;
	return current_digest(c, cur->path, e->size, hex) &&
	       strcmp(hex, e->digest) == 0;
}

/* ---- changes ---- */

static void remove_entry(struct rctx *c, const struct entry *cur)
{
	const char *name;
	int dir;

	say(c, CH_DELETE, true, cur->path);
	if (changes_nothing(c))
		return;
	dir = tree_open_parent(c->root, cur->path, &name);
	if (dir < 0 || unlinkat(dir, name, cur->type == 'd' ? AT_REMOVEDIR : 0) < 0)
		failed(c, cur->path, errno == ENOTEMPTY
			? "directory not deleted: it holds files snapshots leave out"
			: strerror(errno));
	else
		c->r->deleted++;
	if (dir >= 0)
		close(dir);
}

static int copy_checked(struct rctx *c, int from, int to, const char *digest)
{
	char *buf = xmalloc(CHUNK), hex[SHA256_HEX];
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = read(from, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(to, buf, (size_t)n) != n)
			rc = -1;
		else
			sha256_update(c->s->sha, buf, (size_t)n);
	}
	free(buf);
	sha256_hex(c->s->sha, hex);
	return rc == 0 && strcmp(hex, digest) == 0 ? 0 : -1;
}

/* The mode to restore: never setuid or setgid on a file (the restoring
 * user, maybe root, would own it; the snapshot does not record owners). */
static mode_t safe_mode(const struct entry *e)
{
	return e->type == 'f' ? e->mode & ~(mode_t)(S_ISUID | S_ISGID) : e->mode;
}

static void set_times(int fd, const struct entry *e)
{
	struct timespec t[2] = {
		{ .tv_nsec = UTIME_OMIT },
		{ e->mtime_ns / 1000000000, e->mtime_ns % 1000000000 },
	};

	(void)futimens(fd, t);
}

/* A file's content from its object, through a temporary file. */
static void write_file(struct rctx *c, int dir, const char *name,
		       const struct entry *e)
{
	static unsigned long seq;
	char tmp[64];
	int from = objstore_get(c->s, e->digest), to;

	if (from < 0) {
		failed(c, e->path, "its content is missing from the snapshot store (latch rollback verify)");
		return;
	}
	snprintf(tmp, sizeof(tmp), ".latch-restore-%d-%lu", (int)getpid(), seq++);
	to = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (to < 0) {
		close(from);
		failed(c, e->path, strerror(errno));
		return;
	}
	if (copy_checked(c, from, to, e->digest) < 0) {
		failed(c, e->path, "its content in the snapshot store is damaged (latch rollback verify)");
		unlinkat(dir, tmp, 0);
	} else {
		set_times(to, e);
		if (fchmod(to, safe_mode(e)) < 0 || renameat(dir, tmp, dir, name) < 0) {
			failed(c, e->path, strerror(errno));
			unlinkat(dir, tmp, 0);
		} else {
			c->r->written++;
		}
	}
	close(from);
	close(to);
}

static void make_link(struct rctx *c, int dir, const char *name,
		      const struct entry *e)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), ".latch-restore-%d-link", (int)getpid());
	unlinkat(dir, tmp, 0);
	if (symlinkat(e->target, dir, tmp) < 0 || renameat(dir, tmp, dir, name) < 0) {
		failed(c, e->path, strerror(errno));
		unlinkat(dir, tmp, 0);
		return;
	}
	c->r->made++;
}

static void set_mode(struct rctx *c, int dir, const char *name,
		     const struct entry *e)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || fchmod(fd, safe_mode(e)) < 0)
		failed(c, e->path, strerror(errno));
	else
		c->r->modes++;
	if (fd >= 0)
		close(fd);
}

/* Bring one snapshot entry back; `cur` is what is there now (or NULL). */
static void put_back(struct rctx *c, const struct entry *e,
		     const struct entry *cur)
{
	bool content = cur && same_content(c, cur, e);
	const char *name;
	int dir;

	if (content && (cur->mode == e->mode || e->type == 'l'))
		return;
	say(c, content ? CH_MODE : e->type == 'f' ? CH_WRITE : CH_CREATE,
	    cur != NULL, e->path);
	if (changes_nothing(c))
		return;
	dir = tree_open_parent(c->root, e->path, &name);
	if (dir < 0) {
		failed(c, e->path, errno == ELOOP || errno == ENOTDIR
			? "a parent directory is a symlink or a file now: not followed"
			: strerror(errno));
		return;
	}
	if (content)
		set_mode(c, dir, name, e);
	else if (e->type == 'f')
		write_file(c, dir, name, e);
	else if (e->type == 'l')
		make_link(c, dir, name, e);
	else if (mkdirat(dir, name, 0700) < 0) /* its mode at the end */
		failed(c, e->path, strerror(errno));
	else
		c->r->made++;
	close(dir);
}

/* Whether the snapshot left `path` (or a directory above it) out: it is
 * then neither restored nor deleted. */
static bool left_out(const struct manifest *m, const char *path)
{
	char *p = xstrdup(path), *slash;
	bool out = false;

	do {
		const struct entry *x = manifest_find(m, p);

		out = x && x->type == 'x';
		slash = strrchr(p, '/');
		if (slash)
			*slash = '\0';
	} while (!out && slash);
	free(p);
	return out;
}

/* An ignore file as the snapshot held it (tree.h's ignore_text): the
 * workspace's of now may have been rewritten since. */
static char *snapshot_text(void *ctx, const char *path)
{
	struct rctx *c = ctx;
	const struct entry *f = manifest_find(c->m, path);
	char *text;
	ssize_t n;
	int fd;

	if (f == NULL || f->type != 'f' || f->size >= (1 << 20) ||
	    (fd = objstore_get(c->s, f->digest)) < 0)
		return NULL;
	text = xmalloc((size_t)f->size + 1);
	n = read(fd, text, (size_t)f->size);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	return text;
}

int restore_run(struct objstore *s, const struct manifest *m,
		const struct restore_opts *o, struct restore_result *r,
		struct err *e)
{
	struct manifest cur = { 0 };
	struct rctx c = { .s = s, .m = m, .o = o, .r = r };
	/* the tree as the snapshot saw it: its patterns, its ignore files */
	struct tree_walk w = { .exclude = &m->exclude, .include = &m->include,
			       .ignore_text = snapshot_text, .ignore_ctx = &c };

	memset(r, 0, sizeof(*r));
	c.root = tree_open_root(m->workdir);
	if (c.root < 0)
		return err_sys(e, "cannot open the workspace %s (a symlink on its path now? it is not followed)", m->workdir);
	if (tree_walk(&w, c.root, &cur, e) < 0) {
		close(c.root);
		tree_walk_free(&w);
		manifest_free(&cur);
		return -1;
	}
	/* deepest first: what the snapshot lacks, or holds as another type */
	for (size_t i = cur.n; i-- > 0;) {
		const struct entry *want = manifest_find(m, cur.v[i].path);

		if (selected(o, cur.v[i].path, false) &&
		    (want == NULL || want->type != cur.v[i].type) &&
		    !left_out(m, cur.v[i].path))
			remove_entry(&c, &cur.v[i]);
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *now = manifest_find(&cur, m->v[i].path);

		if (m->v[i].type == 'x')
			continue; /* left out: left be */
		if (now && now->type != m->v[i].type)
			now = NULL; /* deleted above */
		if (selected(o, m->v[i].path, m->v[i].type == 'd'))
			put_back(&c, &m->v[i], now);
	}
	/* the modes of directories made above, deepest first (a read-only
	 * one was writable while its content was put back) */
	for (size_t i = m->n; !changes_nothing(&c) && i-- > 0;) {
		const struct entry *d = &m->v[i];
		const struct entry *now = manifest_find(&cur, d->path);
		const char *name;
		int dir;

		if (d->type != 'd' || (now && now->type == 'd') ||
		    !selected(o, d->path, true))
			continue;
		if ((dir = tree_open_parent(c.root, d->path, &name)) >= 0) {
			int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd < 0 || fchmod(fd, d->mode) < 0)
				failed(&c, d->path, strerror(errno));
			if (fd >= 0)
				close(fd);
			close(dir);
		}
	}
	if (!changes_nothing(&c) && syncfs(c.root) < 0)
		failed(&c, ".", "the restored files could not be synced to disk");
	close(c.root);
	tree_walk_free(&w);
	manifest_free(&cur);
	return 0;
}
