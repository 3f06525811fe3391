/* identity.c — controlled programs by inode, and by content digest. */
#include "identity.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"

#define CACHE 64

struct known {
	char *path, *name;
	enum wrapper kind;
	dev_t dev;
	ino_t ino;
	off_t size;
};

struct seen {
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	off_t size;
	size_t known; /* compared with id->k[known] */
	bool same;
};

struct identity {
	struct known *k;
	size_t n;
	struct strv dirs, prefixes;
	struct seen cache[CACHE];
	size_t n_cache, next;
};

static const char *const bin_dirs[] = { "/usr/local/sbin", "/usr/local/bin",
					"/usr/sbin", "/usr/bin", "/sbin",
					"/bin" };
static const char *const loaders[] = { "/lib64/ld-linux-x86-64.so.2",
				       "/lib/ld-linux-aarch64.so.1",
				       "/lib/ld-musl-x86_64.so.1",
				       "/lib/ld-musl-aarch64.so.1" };

static void remember(struct identity *id, const char *dir, const char *name,
		     enum wrapper kind, const struct stat *st)
{
	struct known *k;

	id->k = xrealloc(id->k, (id->n + 1) * sizeof(*id->k));
	k = &id->k[id->n++];
	memset(k, 0, sizeof(*k));
	k->path = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	k->name = xstrdup(unwrap_base(name));
	k->kind = kind;
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->size = st->st_size;
}

/* The program directories, each once (/bin may be a link to usr/bin). */
static void find_dirs(struct identity *id)
{
	struct { dev_t dev; ino_t ino; } seen[sizeof(bin_dirs) / sizeof(bin_dirs[0])] = { { 0, 0 } };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(bin_dirs) / sizeof(bin_dirs[0]); i++) {
		struct stat st;
		bool dup = false;

		if (stat(bin_dirs[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		for (size_t j = 0; j < n; j++)
			dup |= seen[j].dev == st.st_dev && seen[j].ino == st.st_ino;
		if (dup)
			continue;
		seen[n].dev = st.st_dev;
		seen[n++].ino = st.st_ino;
		strv_push(&id->dirs, bin_dirs[i]);
	}
}

static bool look_for(struct identity *id, const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	bool found = stat(path, &st) == 0 && S_ISREG(st.st_mode);

	if (found)
		remember(id, dir, name, unwrap_kind(name), &st);
	free(path);
	return found;
}

struct identity *identity_new(const struct rules *r)
{
	static const char *const multicall[] = { "busybox", "toybox" };
	struct identity *id = xcalloc(1, sizeof(*id));
	struct strv names = { 0 };

	rules_commands(r, &names, &id->prefixes);
	for (size_t i = 0; i < sizeof(multicall) / sizeof(multicall[0]); i++)
		strv_push(&names, multicall[i]);
	find_dirs(id);
	for (size_t d = 0; d < id->dirs.n; d++)
		for (size_t i = 0; i < names.n; i++)
			look_for(id, id->dirs.v[d], names.v[i]);
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
		struct stat st;

		if (stat(loaders[i], &st) == 0 && S_ISREG(st.st_mode))
			remember(id, NULL, loaders[i], WRAP_LOADER, &st);
	}
	strv_free(&names);
	return id;
}

static bool has_prefix(const struct strv *prefixes, const char *name)
{
	for (size_t i = 0; i < prefixes->n; i++)
		if (strncmp(name, prefixes->v[i], strlen(prefixes->v[i])) == 0)
			return true;
	return false;
}

void identity_scan_prefixes(struct identity *id, const int *stop,
			    void (*found)(const char *name, void *ctx),
			    void *ctx)
{
	for (size_t d = 0; d < id->dirs.n && id->prefixes.n; d++) {
		DIR *dir = opendir(id->dirs.v[d]);
		struct dirent *de;

		if (dir == NULL)
			continue;
		while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE) &&
		       (de = readdir(dir)) != NULL)
			if (de->d_name[0] != '.' &&
			    has_prefix(&id->prefixes, de->d_name) &&
			    look_for(id, id->dirs.v[d], de->d_name) && found)
				found(de->d_name, ctx);
		closedir(dir);
	}
	strv_free(&id->prefixes);
}

void identity_free(struct identity *id)
{
	if (id == NULL)
		return;
	for (size_t i = 0; i < id->n; i++) {
		free(id->k[i].path);
		free(id->k[i].name);
	}
	free(id->k);
	strv_free(&id->dirs);
	strv_free(&id->prefixes);
	free(id);
}

/* Whether two open files have the same bytes (their sizes are equal). */
static bool same_bytes(int a, int b)
{
	static unsigned char x[65536], y[65536];
	ssize_t n, m;

	for (;;) {
		n = read(a, x, sizeof(x));
		m = n > 0 ? read(b, y, (size_t)n) : 0;
		if (n <= 0 || m != n)
			return n == 0 && m == 0;
		if (memcmp(x, y, (size_t)n) != 0)
			return false;
	}
}

/* Whether the file behind `fd` (may be O_PATH) is a copy of `k`, cached
 * by device/inode/ctime/size. */
static bool copy_of(struct identity *id, int fd, const struct stat *st,
		    size_t k)
{
	char proc[64];
	struct seen *s;
	int a, b;

	for (size_t i = 0; i < id->n_cache; i++) {
		s = &id->cache[i];
		if (s->dev == st->st_dev && s->ino == st->st_ino &&
		    s->size == st->st_size && s->known == k &&
		    s->ctime.tv_sec == st->st_ctim.tv_sec &&
		    s->ctime.tv_nsec == st->st_ctim.tv_nsec)
			return s->same;
	}
	s = &id->cache[id->next];
	id->next = (id->next + 1) % CACHE;
	if (id->n_cache < CACHE)
		id->n_cache++;
	*s = (struct seen){ .dev = st->st_dev, .ino = st->st_ino,
			    .ctime = st->st_ctim, .size = st->st_size,
			    .known = k };
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	a = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	b = open(id->k[k].path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	s->same = a >= 0 && b >= 0 && same_bytes(a, b);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return s->same;
}

static enum wrapper found(struct strv *names, const struct known *k,
			  enum wrapper w)
{
	if (!strv_contains(names, k->name))
		strv_push(names, k->name);
	return k->kind > w ? k->kind : w;
}

enum wrapper identity_of(struct identity *id, int fd, const struct stat *st,
			 struct strv *names)
{
	enum wrapper w = WRAP_NONE;
	bool by_inode = false;

	for (size_t i = 0; i < id->n; i++)
		if (id->k[i].dev == st->st_dev && id->k[i].ino == st->st_ino) {
			w = found(names, &id->k[i], w);
			by_inode = true;
		}
	if (by_inode || !S_ISREG(st->st_mode))
		return w;
	for (size_t i = 0; i < id->n; i++)
		if (id->k[i].size == st->st_size && copy_of(id, fd, st, i))
			w = found(names, &id->k[i], w);
	return w;
}
