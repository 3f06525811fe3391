#include "shims.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "identity.h"
#include "../shim/find.h"

#ifndef LATCH_LIBEXECDIR
#define LATCH_LIBEXECDIR "/usr/local/libexec/latch"
#endif

/* latch-shim: beside the latch binary (a build tree), else installed. */
static int shim_binary(char out[PATH_MAX], struct err *e)
{
	ssize_t n = readlink("/proc/self/exe", out, PATH_MAX - 16);
	char *slash;

	if (n > 0) {
		out[n] = '\0';
		slash = strrchr(out, '/');
		if (slash) {
			snprintf(slash, PATH_MAX - (size_t)(slash - out),
				 "/latch-shim");
			if (access(out, X_OK) == 0)
				return 0;
		}
	}
	snprintf(out, PATH_MAX, "%s/latch-shim", LATCH_LIBEXECDIR);
	if (access(out, X_OK) == 0)
		return 0;
	return err_sys(e, "cannot find latch-shim beside the latch binary or in %s (reinstall latch: make install)",
		       LATCH_LIBEXECDIR);
}

/* An existing directory of this user, or a new empty one. */
static int own_dir(const char *path, mode_t mode, struct err *e)
{
	struct stat st;

	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return err_sys(e, "cannot create '%s'", path);
	if (lstat(path, &st) < 0)
		return err_sys(e, "cannot inspect '%s'", path);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return err_set(e, "'%s' is not a directory of uid %u (latch needs it for its shims); remove it",
			       path, (unsigned)geteuid());
	return 0;
}

char *shims_mount_point(const char *runtime_dir, const char *tmpdir)
{
	if (runtime_dir)
		return xasprintf("%s/latch-shims", runtime_dir);
	return xasprintf("%s/latch-shims-%u", tmpdir, (unsigned)geteuid());
}

int shims_prepare(struct shims *sh, const char *runtime_dir,
		  const char *tmpdir, const char *state_dir, struct err *e)
{
	char real[PATH_MAX];

	memset(sh, 0, sizeof(*sh));
	sh->keep = -1;
	sh->dir = shims_mount_point(runtime_dir, tmpdir);
	sh->cache = xasprintf("%s/shims", state_dir);
	if (own_dir(sh->dir, 0755, e) < 0 || own_dir(sh->cache, 0700, e) < 0)
		goto fail;
	/* canonical once, checked again: the grant and the mount use this
	 * very path, and both refuse a symlink in its last component */
	if (realpath(sh->dir, real) == NULL) {
		err_sys(e, "cannot resolve '%s'", sh->dir);
		goto fail;
	}
	free(sh->dir);
	sh->dir = xstrdup(real);
	if (own_dir(sh->dir, 0755, e) == 0)
		return 0;
fail:
	shims_free(sh);
	return -1;
}

/* ---- what the directory holds, and its key ---- */

struct content {
	char bin[PATH_MAX];  /* latch-shim */
	struct stat bin_st;
	char *session;
	size_t session_len;
	const char **pack;   /* the pack files in load order … */
	char **pack_name;    /* … their names in the shim directory … */
	struct stat *pack_st; /* … and their identities (the key) */
	size_t n_packs;
};

static void content_free(struct content *c)
{
	for (size_t i = 0; i < c->n_packs; i++)
		free(c->pack_name[i]);
	free(c->pack);
	free(c->pack_name);
	free(c->pack_st);
	free(c->session);
}

/* What the shim directory holds, by identity: nothing is read here, so a
 * launch that finds its directory built reads no pack. */
static int content_load(struct content *c, const struct rules *r,
			const struct shim_session *s, struct err *e)
{
	const char *file;

	memset(c, 0, sizeof(*c));
	if (shim_binary(c->bin, e) < 0)
		return -1;
	if (stat(c->bin, &c->bin_st) < 0)
		return err_sys(e, "cannot stat '%s'", c->bin);
	c->session = shim_session_format(s, &c->session_len);
	for (size_t i = 0; (file = rules_pack_file(r, i)) != NULL; i++) {
		const char *base = strrchr(file, '/');
		size_t len;

		c->pack = xrealloc(c->pack, (i + 1) * sizeof(*c->pack));
		c->pack_name = xrealloc(c->pack_name, (i + 1) * sizeof(*c->pack_name));
		c->pack_st = xrealloc(c->pack_st, (i + 1) * sizeof(*c->pack_st));
		c->pack[i] = file;
		base = base ? base + 1 : file;
		/* the shim loads *.yaml of its rules directory: keep the
		 * name (for messages), in load order, with that suffix */
		len = strlen(base);
		c->pack_name[i] = xasprintf("%03zu-%s%s", i, base,
					    len > 5 && strcmp(base + len - 5, ".yaml") == 0
						    ? "" : ".yaml");
		c->n_packs = i + 1;
		if (stat(file, &c->pack_st[i]) < 0 || !S_ISREG(c->pack_st[i].st_mode))
			return err_sys(e, "cannot use the rule pack '%s'", file);
	}
	return 0;
}

/* FNV-1a, 64 bits: a cache key, not a defence (the cache is latch's own,
 * out of every sandbox's reach). */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
	for (int k = 0; k < 8; k++)
		h = (h ^ ((v >> (8 * k)) & 0xff)) * 0x100000001b3ULL;
	return h;
}

/* A file's identity: a new version of it has another one. */
static uint64_t fnv_stat(uint64_t h, const struct stat *st)
{
	h = fnv_u64(h, (uint64_t)st->st_dev);
	h = fnv_u64(h, (uint64_t)st->st_ino);
	h = fnv_u64(h, (uint64_t)st->st_size);
	h = fnv_u64(h, (uint64_t)st->st_mtim.tv_sec);
	return fnv_u64(h, (uint64_t)st->st_mtim.tv_nsec);
}

static uint64_t content_key(const struct content *c)
{
	uint64_t h = fnv_stat(0xcbf29ce484222325ULL, &c->bin_st);

	h = fnv(h, c->session, c->session_len);
	for (size_t i = 0; i < c->n_packs; i++) {
		h = fnv(h, c->pack_name[i], strlen(c->pack_name[i]) + 1);
		h = fnv_stat(h, &c->pack_st[i]);
	}
	return h;
}

/* ---- building it ---- */

static int write_at(int dir, const char *name, const char *buf, size_t len,
		    struct err *e)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	ssize_t n = fd < 0 ? -1 : write(fd, buf, len);

	if (fd >= 0 && close(fd) < 0)
		n = -1;
	return n == (ssize_t)len ? 0 : err_sys(e, "cannot write the shims' %s", name);
}

/* Copy `src` (of `size` bytes) to DIR/name with `mode`. */
static int copy_file(const char *src, off_t size, int dir, const char *name,
		     mode_t mode, struct err *e)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	int out = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	off_t off = 0;
	int rc = in < 0 || out < 0 ? -1 : 0;

	while (rc == 0 && off < size)
		if (sendfile(out, in, &off, (size_t)(size - off)) <= 0)
			rc = -1;
	if (rc < 0)
		err_sys(e, "cannot copy '%s' into the shims", src);
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && rc == 0)
		rc = err_sys(e, "cannot copy '%s' into the shims", src);
	return rc;
}

/* A hard link to the shim named after a command (names with a slash or a
 * leading dot are no command). */
static void link_command(int dir, const char *name)
{
	if (name[0] != '\0' && name[0] != '.' && !strchr(name, '/'))
		(void)linkat(dir, ".latch/shim", dir, name, 0);
}

static int populate(const char *path, const struct content *c,
		    const struct rules *r, struct err *e)
{
	struct strv denied = { 0 };
	int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;

	if (dir < 0)
		return err_sys(e, "cannot open '%s'", path);
	if (mkdirat(dir, ".latch", 0755) < 0 ||
	    mkdirat(dir, ".latch/rules", 0755) < 0) {
		err_sys(e, "cannot fill the shim directory '%s'", path);
		goto out;
	}
	if (copy_file(c->bin, c->bin_st.st_size, dir, ".latch/shim", 0555, e) < 0 ||
	    write_at(dir, ".latch/session", c->session, c->session_len, e) < 0)
		goto out;
	for (size_t i = 0; i < c->n_packs; i++) {
		char *name = xasprintf(".latch/rules/%s", c->pack_name[i]);
		int w = copy_file(c->pack[i], c->pack_st[i].st_size, dir, name,
				  0444, e);

		free(name);
		if (w < 0)
			goto out;
	}
	/* what is refused whatever its argv, present or not: a program
	 * looking for sudo learns that latch refuses it */
	rules_always_denied(r, &denied);
	for (size_t i = 0; i < denied.n; i++)
		if (strchr(denied.v[i], '*') == NULL) /* "prefix*": no name */
			link_command(dir, denied.v[i]);
	rc = 0;
out:
	close(dir);
	strv_free(&denied);
	return rc;
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	(void)(type == FTW_DP ? rmdir(path) : unlink(path));
	return 0;
}

/* Shim directories unused for PRUNE_DAYS (each use touches its own), and
 * builds abandoned for a day, go when a new one is built. */
#define PRUNE_DAYS 30

static void prune(const char *cache)
{
	DIR *d = opendir(cache);
	struct dirent *de;
	time_t now = time(NULL);

	while (d && (de = readdir(d)) != NULL) {
		char *path;
		struct stat st;
		bool partial = strncmp(de->d_name, ".new-", 5) == 0;

		if (de->d_name[0] == '.' && !partial)
			continue;
		path = xasprintf("%s/%s", cache, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    now - st.st_mtime > (partial ? 1 : PRUNE_DAYS) * 86400L)
			(void)nftw(path, remove_one, 8, FTW_PHYS | FTW_DEPTH);
		free(path);
	}
	if (d)
		closedir(d);
}

/* Build aside, then rename into place: a directory found under its key is
 * always complete. Losing the race to another latch is fine. */
static int build(const struct shims *sh, const struct content *c,
		 const struct rules *r, struct err *e)
{
	char *tmp = xasprintf("%s/.new-XXXXXX", sh->cache);
	int rc = -1;

	if (mkdtemp(tmp) == NULL) {
		err_sys(e, "cannot create a directory in '%s'", sh->cache);
	} else if (chmod(tmp, 0755) < 0 || populate(tmp, c, r, e) < 0) {
		if (errno && !e->msg[0])
			err_sys(e, "cannot prepare '%s'", tmp);
	} else if (rename(tmp, sh->source) == 0) {
		rc = 0;
		prune(sh->cache);
	} else if (errno == EEXIST || errno == ENOTEMPTY) {
		rc = 0; /* another latch built it meanwhile */
	} else {
		err_sys(e, "cannot rename '%s' to '%s'", tmp, sh->source);
	}
	(void)nftw(tmp, remove_one, 8, FTW_PHYS | FTW_DEPTH);
	free(tmp);
	return rc;
}

int shims_fill(struct shims *sh, const struct rules *r,
	       const struct shim_session *s, struct err *e)
{
	struct content c;
	struct stat st;
	char *bin;
	int rc = -1;

	e->msg[0] = '\0';
	if (content_load(&c, r, s, e) < 0)
		goto out;
	sh->source = xasprintf("%s/%016" PRIx64, sh->cache, content_key(&c));
	bin = xasprintf("%s/.latch/shim", sh->source);
	if (access(bin, F_OK) == 0)
		(void)utimensat(AT_FDCWD, sh->source, NULL, 0); /* in use */
	else if (build(sh, &c, r, e) < 0)
		goto out_bin;
	sh->keep = open(bin, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (sh->keep >= 0 && fstat(sh->keep, &st) == 0 && S_ISREG(st.st_mode)) {
		sh->dev = st.st_dev;
		sh->ino = st.st_ino;
		rc = 0;
	} else {
		err_sys(e, "cannot open the shim in '%s'", sh->source);
	}
out_bin:
	free(bin);
	if (rc == 0) {
		struct strv prefixes = { 0 };

		rules_commands(r, &sh->names, &prefixes);
		strv_free(&prefixes);
	}
	if (rc == 0 && !s->judge) {
		static const int go_on;
		struct identity *id = identity_new(r);

		shims_link_commands(sh);
		identity_scan_prefixes(id, &go_on, shims_link, sh);
		identity_free(id);
	}
out:
	content_free(&c);
	return rc;
}

void shims_link(const char *name, void *ctx)
{
	const struct shims *sh = ctx;
	int dir = open(sh->source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dir >= 0) {
		link_command(dir, name);
		close(dir);
	}
}

void shims_link_commands(void *ctx)
{
	const struct shims *sh = ctx;
	const struct shim_ids ids = { .self_dev = sh->dev, .self_ino = sh->ino };
	int dir = open(sh->source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char real[PATH_MAX];

	if (dir < 0)
		return;
	for (size_t i = 0; i < sh->names.n; i++)
		if (faccessat(dir, sh->names.v[i], F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
		    shim_find(sh->path, sh->names.v[i], &ids, real) == 0)
			link_command(dir, sh->names.v[i]);
	close(dir);
}

void shims_put_on_path(struct shims *sh, struct strv *env)
{
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], "PATH=", 5) == 0) {
			char *p = xasprintf("PATH=%s:%s", sh->dir, env->v[i] + 5);

			free(sh->path);
			sh->path = xstrdup(env->v[i] + 5);
			free(env->v[i]);
			env->v[i] = p;
			return;
		}
	free(sh->path);
	sh->path = xstrdup("/usr/local/bin:/usr/bin:/bin");
	strv_push_owned(env, xasprintf("PATH=%s:%s", sh->dir, sh->path));
}

void shims_free(struct shims *sh)
{
	if (sh->keep >= 0)
		close(sh->keep);
	free(sh->dir);
	free(sh->cache);
	free(sh->source);
	free(sh->path);
	strv_free(&sh->names);
	memset(sh, 0, sizeof(*sh));
	sh->keep = -1;
}
