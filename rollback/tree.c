/* tree.c — walking a workspace for a snapshot or a restore. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/xalloc.h"

#define SKIPPED_NAMED 5
#define IGNORE_FILE_MAX (1 << 20) /* a larger .gitignore is not read */
#define WALK_THREADS 4            /* at most, and no more than CPUs */
/* within the workspace, on its filesystem, with no symlink on the way */
#define BENEATH (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | \
		 RESOLVE_NO_XDEV)

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

/* A directory waiting to be read: its path (NULL: the root), its depth,
 * and the ignore files in effect above it (a view: the patterns are owned
 * by the walk, which frees them at its end). */
struct dir_task {
	struct dir_task *next;
	char *rel;
	int depth;
	struct ignores ig;
};

/* What one thread found: entries, and what it left out. */
struct walk_out {
	struct manifest m;
	uint64_t skipped;
	struct strv names;
	struct strv unopened; /* directories listed that could not be opened */
};

/* One walk, shared by its threads: a stack of directories still to read.
 * It is over when the stack is empty and no thread is reading a directory
 * (which could add more), or when one failed. */
struct walk {
	struct tree_walk *w;
	int root;
	dev_t dev;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct dir_task *todo;
	int busy;
	bool failed;
	struct err *e;        /* the first failure's */
	struct ignores owned; /* every directory's ignore files */
};

/* `path` is left out: counted, named (the first few), and with
 * record_left_out kept as an 'x' entry (a restore leaves it be). */
static void skip(const struct tree_walk *w, struct walk_out *out, char *path)
{
	out->skipped++;
	if (out->names.n < SKIPPED_NAMED)
		strv_push(&out->names, path);
	if (w->record_left_out) {
		struct entry x = { .path = path, .type = 'x' };

		manifest_add(&out->m, &x);
		return;
	}
	free(path);
}

void tree_leave_out(struct tree_walk *w, struct entry *en)
{
	free(en->target);
	*en = (struct entry){ .path = en->path, .type = 'x' };
	w->skipped++;
	if (w->skipped_names.n < SKIPPED_NAMED)
		strv_push(&w->skipped_names, en->path);
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

/* Whether entry `name` (path `path`) is left out: by default, by a
 * .gitignore or the profile's exclude, unless the profile includes it. */
static bool left_out(const struct tree_walk *w, const struct ignores *ig,
		     const char *name, const char *path, int depth, bool is_dir)
{
	/* .git, and every .gitignore (a restore reads its rules from the
	 * snapshot's copy) */
	if ((depth == 0 && strcmp(name, ".git") == 0) ||
	    (!is_dir && strcmp(name, ".gitignore") == 0))
		return false;
	if (w->inc.n && ignored(&w->inc, path, is_dir))
		return false;
	return tree_excluded(name, depth) || ignored(ig, path, is_dir);
}

/* A directory to read later, seeing the ignore files `ig` sees. */
static struct dir_task *new_task(char *rel, int depth, const struct ignores *ig)
{
	struct dir_task *t = xmalloc(sizeof(*t));

	*t = (struct dir_task){ .rel = rel, .depth = depth, .ig.n = ig->n };
	t->ig.v = xmalloc((ig->n + 1) * sizeof(*ig->v));
	if (ig->n)
		memcpy(t->ig.v, ig->v, ig->n * sizeof(*ig->v));
	return t;
}

static void free_task(struct dir_task *t)
{
	free(t->rel);
	free(t->ig.v);
	free(t);
}

/* One directory entry `name` of `dirfd` (path `path`, taken): an entry in
 * `out`, and a directory in `*subdirs` to read later. */
static void walk_entry(struct walk *k, const struct dir_task *t, int dirfd,
		       const char *name, char *path, struct walk_out *out,
		       struct dir_task **subdirs)
{
	struct stat st;
	struct entry en = { .path = path };

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		skip(k->w, out, path);
		return;
	}
	if (left_out(k->w, &t->ig, name, path, t->depth, S_ISDIR(st.st_mode))) {
		free(path);
		return;
	}
	en.mode = st.st_mode & 07777;
	en.mtime_ns = tree_ns(st.st_mtim);
	en.ctime_ns = tree_ns(st.st_ctim);
	en.ino = (uint64_t)st.st_ino;
	if (S_ISDIR(st.st_mode) && st.st_dev == k->dev && t->depth < TREE_MAX_DEPTH) {
		struct dir_task *sub = new_task(xstrdup(path), t->depth + 1, &t->ig);

		sub->next = *subdirs;
		*subdirs = sub;
		en.type = 'd';
	} else if (S_ISLNK(st.st_mode) &&
		   (en.target = link_target(dirfd, name, (size_t)st.st_size)) != NULL) {
		en.type = 'l';
	} else if (S_ISREG(st.st_mode)) {
		en.type = 'f';
		en.size = st.st_size;
	} else {
		skip(k->w, out, path);
		return;
	}
	manifest_add(&out->m, &en);
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

/* The .gitignore of this directory (and at the top .git/info/exclude)
 * added to t->ig: how many pattern files were. */
static size_t push_ignores(const struct tree_walk *w, struct dir_task *t,
			   int dirfd)
{
	static const char *const files[] = { ".git/info/exclude", ".gitignore" };
	size_t pushed = 0;

	for (size_t i = t->rel ? 1 : 0; i < 2; i++) {
		char *file = t->rel ? xjoin(t->rel, "/", files[i]) : xstrdup(files[i]);
		char *text = w->ignore_text ? w->ignore_text(w->ignore_ctx, file)
					    : small_file(dirfd, files[i]);

		free(file);
		if (text) {
			ignores_push(&t->ig, t->rel ? t->rel : "", text);
			pushed++;
		}
		free(text);
	}
	return pushed;
}

/* The directory of task `t`, opened from the root (no symlink on the way,
 * not crossing into another filesystem). */
static int open_dir(const struct walk *k, const struct dir_task *t)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = BENEATH };

	if (t->rel == NULL)
		return fcntl(k->root, F_DUPFD_CLOEXEC, 0);
	return (int)syscall(SYS_openat2, k->root, t->rel, &how, sizeof(how));
}

/* This directory's ignore files kept for the walk's whole length (its
 * subdirectories see them), and its subdirectories pushed for any thread
 * to read. */
static void publish(struct walk *k, const struct dir_task *t, size_t pushed,
		    struct dir_task *subdirs)
{
	pthread_mutex_lock(&k->mu);
	for (size_t i = t->ig.n - pushed; i < t->ig.n; i++) {
		k->owned.v = xrealloc(k->owned.v, (k->owned.n + 1) * sizeof(*k->owned.v));
		k->owned.v[k->owned.n++] = t->ig.v[i];
	}
	while (subdirs) {
		struct dir_task *next = subdirs->next;

		subdirs->next = k->todo;
		k->todo = subdirs;
		subdirs = next;
	}
	pthread_cond_broadcast(&k->cv);
	pthread_mutex_unlock(&k->mu);
}

/* Read the directory of `t` into `out`. -1 (in `e`) when it cannot be
 * read; one that cannot be opened (replaced since it was listed, no
 * permission) is left out. */
static int read_dir(struct walk *k, struct dir_task *t, struct walk_out *out,
		    struct err *e)
{
	const char *rel = t->rel ? t->rel : ".";
	struct dir_task *subdirs = NULL;
	int fd = open_dir(k, t);
	size_t pushed;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		out->skipped++;
		if (out->names.n < SKIPPED_NAMED)
			strv_push(&out->names, rel);
		strv_push(&out->unopened, rel);
		return 0;
	}
	pushed = push_ignores(k->w, t, fd);
	while ((errno = 0, de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (strcmp(n, ".") != 0 && strcmp(n, "..") != 0)
			walk_entry(k, t, fd, n, t->rel ? xjoin(t->rel, "/", n) : xstrdup(n),
				   out, &subdirs);
	}
	if (errno != 0)
		rc = err_sys(e, "cannot read the directory %s", rel);
	closedir(d);
	publish(k, t, pushed, subdirs);
	return rc;
}

/* One thread of the walk: what it found, and its own failure. */
struct walk_thread {
	struct walk *k;
	struct walk_out out;
	struct err e;
	pthread_t tid;
};

/* Directories off the stack until the walk is over. */
static void *walker(void *arg)
{
	struct walk_thread *th = arg;
	struct walk *k = th->k;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		struct dir_task *t;
		int rc;

		while (k->todo == NULL && k->busy > 0 && !k->failed)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->todo == NULL || k->failed)
			break;
		t = k->todo;
		k->todo = t->next;
		k->busy++;
		pthread_mutex_unlock(&k->mu);
		rc = read_dir(k, t, &th->out, &th->e);
		free_task(t);
		pthread_mutex_lock(&k->mu);
		k->busy--;
		if (rc < 0 && !k->failed) {
			k->failed = true;
			*k->e = th->e;
		}
		if (k->busy == 0 || k->failed)
			pthread_cond_broadcast(&k->cv);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
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

/* Threads for the walk: one per CPU, up to WALK_THREADS. */
static size_t walk_threads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus < 1 ? 1 : cpus > WALK_THREADS ? WALK_THREADS : (size_t)cpus;
}

/* One thread's findings into `m` and the walk's counts. */
static void gather(struct tree_walk *w, struct walk_out *out, struct manifest *m,
		   struct strv *unopened)
{
	for (size_t i = 0; i < out->unopened.n; i++)
		strv_push(unopened, out->unopened.v[i]);
	strv_free(&out->unopened);
	for (size_t i = 0; i < out->m.n; i++)
		manifest_add(m, &out->m.v[i]);
	free(out->m.v);
	w->skipped += out->skipped;
	for (size_t i = 0; i < out->names.n && w->skipped_names.n < SKIPPED_NAMED; i++)
		strv_push(&w->skipped_names, out->names.v[i]);
	strv_free(&out->names);
}

/* The directories listed but not opened (replaced since, no permission)
 * made 'x' entries in the sorted `m` (with record_left_out; else taken
 * out). */
static void mark_unopened(const struct tree_walk *w, struct manifest *m,
			  const struct strv *unopened)
{
	size_t j = 0;

	for (size_t i = 0; i < unopened->n; i++) {
		struct entry *d = (struct entry *)manifest_find(m, unopened->v[i]);

		if (d)
			*d = (struct entry){ .path = d->path, .type = 'x' };
	}
	if (w->record_left_out || unopened->n == 0)
		return;
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].type == 'x')
			free(m->v[i].path);
		else
			m->v[j++] = m->v[i];
	}
	m->n = j;
}

int tree_walk(struct tree_walk *w, int root, struct manifest *m,
	      struct err *e)
{
	struct walk k = { .w = w, .root = root, .e = e };
	struct walk_thread th[WALK_THREADS] = { 0 };
	size_t n = walk_threads(), started = 1;
	struct strv unopened = { 0 };
	struct stat st;

	if (fstat(root, &st) < 0)
		return err_sys(e, "cannot read the workspace");
	k.dev = st.st_dev;
	push_patterns(&k.owned, w->exclude);
	push_patterns(&w->inc, w->include);
	k.todo = new_task(NULL, 0, &k.owned);
	pthread_mutex_init(&k.mu, NULL);
	pthread_cond_init(&k.cv, NULL);
	for (size_t i = 0; i < n; i++)
		th[i].k = &k;
	for (; started < n; started++)
		if (pthread_create(&th[started].tid, NULL, walker, &th[started]) != 0)
			break; /* fewer threads: slower, not wrong */
	walker(&th[0]);
	for (size_t i = 1; i < started; i++)
		pthread_join(th[i].tid, NULL);
	pthread_mutex_destroy(&k.mu);
	pthread_cond_destroy(&k.cv);
	for (size_t i = 0; i < started; i++)
		gather(w, &th[i].out, m, &unopened);
	while (k.todo) {
		struct dir_task *next = k.todo->next;

		free_task(k.todo);
		k.todo = next;
	}
	ignores_free(&k.owned);
	if (k.failed) {
		strv_free(&unopened);
		return -1;
	}
	manifest_sort(m);
	mark_unopened(w, m, &unopened);
	strv_free(&unopened);
	return 0;
}

void tree_walk_free(struct tree_walk *w)
{
	strv_free(&w->skipped_names);
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
	struct open_how how = { .flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
				.resolve = BENEATH };
	int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	struct stat st;

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}
