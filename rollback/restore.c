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
	fprintf(stderr, "latch: rollback: %s: %s\n", path, why);
}

/* ---- what differs ---- */

/* The digest of the current file `path`; false if unreadable. */
static bool current_digest(struct rctx *c, const char *path,
			   char hex[SHA256_HEX])
{
	const char *name;
	int dir = tree_open_parent(c->root, path, &name), fd;
	char *buf;
	ssize_t n;

	fd = dir >= 0 ? openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	if (dir >= 0)
		close(dir);
	if (fd < 0)
		return false;
	buf = xmalloc(CHUNK);
	while ((n = read(fd, buf, CHUNK)) > 0)
		sha256_update(c->s->sha, buf, (size_t)n);
	free(buf);
	close(fd);
	sha256_hex(c->s->sha, hex);
	return n == 0;
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
	return current_digest(c, cur->path, hex) && strcmp(hex, e->digest) == 0;
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
		if (fchmod(to, e->mode) < 0 || renameat(dir, tmp, dir, name) < 0) {
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

	if (fd < 0 || fchmod(fd, e->mode) < 0)
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
	else if (mkdirat(dir, name, e->mode) < 0)
		failed(c, e->path, strerror(errno));
	else
		c->r->made++;
	close(dir);
}

int restore_run(struct objstore *s, const struct manifest *m,
		const struct restore_opts *o, struct restore_result *r,
		struct err *e)
{
	struct manifest cur = { 0 };
	/* the tree as the snapshot saw it: with its patterns */
	struct tree_walk w = { .exclude = &m->exclude, .include = &m->include };
	struct rctx c = { .s = s, .o = o, .r = r };

	memset(r, 0, sizeof(*r));
	c.root = open(m->workdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c.root < 0)
		return err_sys(e, "cannot open the workspace %s", m->workdir);
	if (tree_walk(&w, c.root, &cur, e) < 0) {
		close(c.root);
		tree_walk_free(&w);
		return -1;
	}
	/* deepest first: what the snapshot lacks, or holds as another type */
	for (size_t i = cur.n; i-- > 0;) {
		const struct entry *want = manifest_find(m, cur.v[i].path);

		if (selected(o, cur.v[i].path, false) &&
		    (want == NULL || want->type != cur.v[i].type))
			remove_entry(&c, &cur.v[i]);
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *now = manifest_find(&cur, m->v[i].path);

		if (now && now->type != m->v[i].type)
			now = NULL; /* deleted above */
		if (selected(o, m->v[i].path, m->v[i].type == 'd'))
			put_back(&c, &m->v[i], now);
	}
	if (!changes_nothing(&c) && syncfs(c.root) < 0)
		err_sys(e, "cannot sync the workspace");
	close(c.root);
	tree_walk_free(&w);
	manifest_free(&cur);
	return 0;
}
