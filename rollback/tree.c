/* tree.c — walking a workspace for a snapshot or a restore. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/xalloc.h"

#define SKIPPED_NAMED 5
#define IGNORE_FILE_MAX (1 << 20) /* a larger .gitignore is not read */

bool tree_excluded(const char *name, int depth)
{
	static const char *const anywhere[] = {
		"node_modules", ".venv", "venv", "__pycache__", ".pytest_cache",
		".mypy_cache", ".ruff_cache", ".tox", ".gradle", ".next", ".nuxt",
		".parcel-cache", ".turbo", NULL };
	static const char *const top[] = { "target", "build", "dist", NULL };

	for (const char *const *p = anywhere; *p; p++)
		if (strcmp(name, *p) == 0)
			return true;
	for (const char *const *p = top; depth == 0 && *p; p++)
		if (strcmp(name, *p) == 0)
			return true;
	return false;
}

/* `path` is left out: counted, named (the first few), and with
 * record_left_out put in `m` as an 'x' entry (a restore leaves it be). */
static void skip(struct tree_walk *w, struct manifest *m, const char *path)
{
	w->skipped++;
	if (w->skipped_names.n < SKIPPED_NAMED)
		strv_push(&w->skipped_names, path);
	if (w->record_left_out) {
		struct entry x = { .path = xstrdup(path), .type = 'x' };

		manifest_add(m, &x);
	}
}

int64_t tree_ns(struct timespec t)
{
	const int64_t max_s = INT64_MAX / 1000000000 - 1;

	if (t.tv_sec > max_s)
		return INT64_MAX;
	if (t.tv_sec < -max_s)
		return INT64_MIN;
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static char *link_target(int dirfd, const char *name, size_t size)
{
	char *buf = xmalloc(size + 2);
	ssize_t n = readlinkat(dirfd, name, buf, size + 1);

	if (n < 0 || (size_t)n > size) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int walk_dir(struct tree_walk *w, int dirfd, dev_t dev,
		    const char *rel, int depth, struct manifest *m,
		    struct err *e);

/* Whether entry `name` (path `path`) is left out: by default, by a
 * .gitignore or the profile's exclude, unless the profile includes it. */
static bool left_out(const struct tree_walk *w, const char *name,
		     const char *path, int depth, bool is_dir)
{
	/* .git, and every .gitignore (a restore reads its rules from the
	 * snapshot's copy) */
	if ((depth == 0 && strcmp(name, ".git") == 0) ||
	    (!is_dir && strcmp(name, ".gitignore") == 0))
		return false;
	if (w->inc.n && ignored(&w->inc, path, is_dir))
		return false;
	return tree_excluded(name, depth) || ignored(&w->ig, path, is_dir);
}

/* One directory entry `name` of `dirfd` (path `path`). */
static int walk_entry(struct tree_walk *w, int dirfd, dev_t dev,
		      const char *name, char *path, int depth,
		      struct manifest *m, struct err *e)
{
	struct stat st;
	struct entry en = { 0 };
	int rc = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		skip(w, m, path);
		free(path);
		return 0;
	}
	if (left_out(w, name, path, depth, S_ISDIR(st.st_mode))) {
		free(path);
		return 0;
	}
	en.path = path;
	en.mode = st.st_mode & 07777;
	en.mtime_ns = tree_ns(st.st_mtim);
	en.ctime_ns = tree_ns(st.st_ctim);
	en.ino = (uint64_t)st.st_ino;
	if (S_ISDIR(st.st_mode) && st.st_dev == dev && depth < TREE_MAX_DEPTH) {
		int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (sub < 0) {
			skip(w, m, path);
			free(path);
			return 0;
		}
		en.type = 'd';
		manifest_add(m, &en);
		rc = walk_dir(w, sub, dev, path, depth + 1, m, e);
		close(sub);
		return rc;
	}
	if (S_ISLNK(st.st_mode) &&
	    (en.target = link_target(dirfd, name, (size_t)st.st_size)) != NULL) {
		en.type = 'l';
		manifest_add(m, &en);
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		en.type = 'f';
		en.size = st.st_size;
		rc = w->file ? w->file(w->ctx, dirfd, name, &st, &en, e) : 0;
		if (rc == 0) {
			manifest_add(m, &en);
			return 0;
		}
	}
	if (rc >= 0)
		skip(w, m, path);
	free(path);
	return rc < 0 ? -1 : 0;
}

/* The content of the small regular file `name` under `dirfd`, or NULL. */
static char *small_file(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < IGNORE_FILE_MAX) {
		text = xmalloc((size_t)st.st_size + 1);
		n = read(fd, text, (size_t)st.st_size);
		text[n > 0 ? n : 0] = '\0';
	}
	close(fd);
	return text;
}

/* The .gitignore of this directory (and at the top .git/info/exclude):
 * how many pattern files were pushed. */
static int push_ignores(struct tree_walk *w, int dirfd, const char *rel)
{
	static const char *const files[] = { ".git/info/exclude", ".gitignore" };
	int pushed = 0;

	for (size_t i = rel ? 1 : 0; i < 2; i++) {
		char *file = rel ? xjoin(rel, "/", files[i]) : xstrdup(files[i]);
		char *text = w->ignore_text ? w->ignore_text(w->ignore_ctx, file)
					    : small_file(dirfd, files[i]);

		free(file);

		if (text) {
			ignores_push(&w->ig, rel ? rel : "", text);
			pushed++;
		}
		free(text);
	}
	return pushed;
}

static int walk_dir(struct tree_walk *w, int dirfd, dev_t dev,
		    const char *rel, int depth, struct manifest *m,
		    struct err *e)
{
	int pushed = push_ignores(w, dirfd, rel);
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		while (pushed-- > 0)
			ignores_pop(&w->ig);
		return err_sys(e, "cannot read the directory %s", rel ? rel : ".");
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		rc = walk_entry(w, dirfd, dev, n,
				rel ? xjoin(rel, "/", n) : xstrdup(n), depth, m, e);
	}
	if (rc == 0 && errno != 0)
		rc = err_sys(e, "cannot read the directory %s", rel ? rel : ".");
	closedir(d);
	while (pushed-- > 0)
		ignores_pop(&w->ig);
	return rc;
}

/* The profile's patterns, as a .gitignore at the top. */
static void push_patterns(struct ignores *ig, const struct strv *pats)
{
	char *text = xstrdup("");

	for (size_t i = 0; pats && i < pats->n; i++) {
		char *next = xjoin(text, pats->v[i], "\n");

		free(text);
		text = next;
	}
	if (*text)
		ignores_push(ig, "", text);
	free(text);
}

int tree_walk(struct tree_walk *w, int root, struct manifest *m,
	      struct err *e)
{
	struct stat st;

	if (fstat(root, &st) < 0)
		return err_sys(e, "cannot read the workspace");
	push_patterns(&w->ig, w->exclude);
	push_patterns(&w->inc, w->include);
	if (walk_dir(w, root, st.st_dev, NULL, 0, m, e) < 0)
		return -1;
	manifest_sort(m);
	return 0;
}

void tree_walk_free(struct tree_walk *w)
{
	strv_free(&w->skipped_names);
	ignores_free(&w->ig);
	ignores_free(&w->inc);
}

/* The directory holding `path`, reached from the root one component at a
 * time without following symlinks; *name: the last component. */
int tree_open_parent(int root, const char *path, const char **name)
{
	char *copy = xstrdup(path), *p = copy, *slash;
	int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);

	*name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		int next;

		*slash = '\0';
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	free(copy);
	return fd;
}

int tree_open_root(const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

int tree_open_file(int root, const char *path)
{
	const char *name;
	int dir = tree_open_parent(root, path, &name), fd;
	struct stat st;

	if (dir < 0)
		return -1;
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dir);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}
