/* store.c — the content-addressed object store of the snapshots. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/dirnames.h"
#include "../common/fdio.h"
#include "../common/xalloc.h"

#define CHUNK (256 * 1024)

static int make_dir(const char *path, struct err *e)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_sys(e, "cannot create %s", path);
	return 0;
}

int objstore_open(struct objstore *s, const char *state, struct err *e)
{
	char *objects, *snaps;
	int rc;

	memset(s, 0, sizeof(*s));
	s->objects = s->lock = -1;
	s->dir = xasprintf("%s/rollback", state);
	objects = xasprintf("%s/objects", s->dir);
	snaps = xasprintf("%s/snapshots", s->dir);
	rc = make_dir(state, e);
	if (rc == 0)
		rc = make_dir(s->dir, e);
	if (rc == 0)
		rc = make_dir(objects, e);
	if (rc == 0)
		rc = make_dir(snaps, e);
	if (rc == 0 &&
	    (s->objects = open(objects, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		rc = err_sys(e, "cannot open %s", objects);
	if (rc == 0 && (s->lock = openat(s->objects, "../lock",
					 O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		rc = err_sys(e, "cannot open %s/lock", s->dir);
	if (rc == 0 && (s->sha = sha256_new(e)) == NULL)
		rc = -1;
	if (rc == 0)
		s->buf = xmalloc(CHUNK);
	free(objects);
	free(snaps);
	if (rc < 0)
		objstore_close(s);
	return rc;
}

void objstore_close(struct objstore *s)
{
	if (s->objects >= 0)
		close(s->objects);
	if (s->lock >= 0)
		close(s->lock);
	sha256_free(s->sha);
	free(s->buf);
	free(s->dir);
	memset(s, 0, sizeof(*s));
	s->objects = s->lock = -1;
}

int objstore_lock(struct objstore *s, bool exclusive, struct err *e)
{
	while (flock(s->lock, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return err_sys(e, "cannot lock the snapshot store %s", s->dir);
	return 0;
}

void objstore_unlock(struct objstore *s)
{
	(void)flock(s->lock, LOCK_UN);
}

/* "ab/cdef…" of a digest. */
static void object_name(const char *digest, char name[SHA256_HEX + 2])
{
	snprintf(name, SHA256_HEX + 2, "%.2s/%s", digest, digest + 2);
}

/* Up to CHUNK bytes of `fd` into s->buf: how many (fewer: its end). */
static int read_chunk(struct objstore *s, int fd, size_t *have, struct err *e)
{
	*have = 0;
	while (*have < CHUNK) {
		ssize_t n = read(fd, s->buf + *have, CHUNK - *have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(e, "cannot read the file to snapshot");
		if (n == 0)
			break;
		*have += (size_t)n;
	}
	return 0;
}

/* The rest of `fd` after a full first chunk, into `out`, hashed; 1 past
 * `limit` bytes. */
static int copy_rest(struct objstore *s, int fd, int out, const char *tmp,
		     uint64_t limit, int64_t *size, struct err *e)
{
	size_t have = CHUNK;

	while (have == CHUNK) {
		if (read_chunk(s, fd, &have, e) < 0)
			return -1;
		sha256_update(s->sha, s->buf, have);
		if (fd_write_all(out, s->buf, have) < 0)
			return err_sys(e, "cannot write the object %s", tmp);
		*size += (int64_t)have;
		if ((uint64_t)*size > limit)
			return 1;
	}
	return 0;
}

#define RECENT_S 300 /* a known object written since may not be durable */

static void to_sync(struct objstore *s, const char name[SHA256_HEX + 2])
{
	if (s->unsynced < STORE_FRESH_MAX)
		memcpy(s->fresh[s->unsynced], name, SHA256_HEX + 2);
	s->unsynced++;
}

/* A known object, written lately: synced with the new ones. */
static void known(struct objstore *s, const char name[SHA256_HEX + 2],
		  const struct stat *st)
{
	if (st->st_ctime > time(NULL) - RECENT_S)
		to_sync(s, name);
}

void objstore_begin(struct objstore *s)
{
	s->added = s->added_bytes = s->unsynced = 0;
}

/* objects/AB/ made (once), then the temporary object renamed to its name. */
static int place(struct objstore *s, const char *tmp, char name[SHA256_HEX + 2],
		 struct err *e)
{
	unsigned ab = (unsigned)strtoul((char[3]){ name[0], name[1], '\0' }, NULL, 16) & 0xff;

	if (!(s->dirs[ab / 8] & (1u << (ab % 8)))) {
		name[2] = '\0';
		if (mkdirat(s->objects, name, 0700) < 0 && errno != EEXIST) {
			name[2] = '/';
			return err_sys(e, "cannot create %s/objects/%.2s", s->dir, name);
		}
		name[2] = '/';
		s->dirs[ab / 8] |= (uint8_t)(1u << (ab % 8));
	}
	if (renameat(s->objects, tmp, s->objects, name) == 0)
		return 0;
	if (errno == ENOENT) { /* a prune removed objects/AB/ meanwhile */
		name[2] = '\0';
		(void)mkdirat(s->objects, name, 0700);
		name[2] = '/';
		if (renameat(s->objects, tmp, s->objects, name) == 0)
			return 0;
	}
	return err_sys(e, "cannot store the object %s", name);
}

int objstore_put(struct objstore *s, int fd, uint64_t limit,
		 char digest[SHA256_HEX], int64_t *size, struct err *e)
{
	static unsigned long seq;
	char tmp[64], name[SHA256_HEX + 2];
	size_t have;
	int out, rc;
	struct stat st;

	if (read_chunk(s, fd, &have, e) < 0)
		return -1;
	sha256_update(s->sha, s->buf, have);
	*size = (int64_t)have;
	if (have > limit) {
		sha256_hex(s->sha, digest); /* reset for the next file */
		return 1;
	}
	if (have < CHUNK) { /* the whole file: a known content is not written */
		sha256_hex(s->sha, digest);
		object_name(digest, name);
		if (fstatat(s->objects, name, &st, 0) == 0) {
			known(s, name, &st);
			return 0;
		}
	}
	snprintf(tmp, sizeof(tmp), "tmp-%d-%lu", (int)getpid(), seq++);
	out = openat(s->objects, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return err_sys(e, "cannot create an object in %s/objects", s->dir);
	rc = fd_write_all(out, s->buf, have) < 0
	     ? err_sys(e, "cannot write the object %s", tmp) : 0;
	if (rc == 0 && have == CHUNK)
		rc = copy_rest(s, fd, out, tmp, limit, size, e);
	if (close(out) < 0 && rc == 0)
		rc = err_sys(e, "cannot write the object %s", tmp);
	if (have == CHUNK) {
		sha256_hex(s->sha, digest);
		object_name(digest, name);
		if (rc == 0 && fstatat(s->objects, name, &st, 0) == 0) {
			unlinkat(s->objects, tmp, 0); /* known content */
			known(s, name, &st);
			return 0;
		}
	}
	if (rc == 0)
		rc = place(s, tmp, name, e);
	if (rc != 0) { /* failed, or grew past its size: not stored */
		unlinkat(s->objects, tmp, 0);
		return rc;
	}
	to_sync(s, name);
	s->added++;
	s->added_bytes += (uint64_t)*size;
	return 0;
}

int objstore_get(const struct objstore *s, const char *digest)
{
	char name[SHA256_HEX + 2];

	object_name(digest, name);
	return openat(s->objects, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

int64_t objstore_hash(struct objstore *s, int fd, int64_t limit,
		      char hex[SHA256_HEX])
{
	int64_t total = 0;
	ssize_t n = 0;

	while ((limit < 0 || total <= limit) && (n = read(fd, s->buf, CHUNK)) > 0) {
		sha256_update(s->sha, s->buf, (size_t)n);
		total += n;
	}
	sha256_hex(s->sha, hex);
	return n < 0 ? -1 : total;
}

int objstore_check(struct objstore *s, const char *digest, struct err *e)
{
	char hex[SHA256_HEX];
	int fd = objstore_get(s, digest);
	int64_t n;

	if (fd < 0)
		return err_sys(e, "object %.12s… is missing", digest);
	n = objstore_hash(s, fd, -1, hex);
	close(fd);
	if (n < 0)
		return err_set(e, "object %.12s… cannot be read", digest);
	if (strcmp(hex, digest) != 0)
		return err_set(e, "object %.12s… is corrupt (its content hashes to %.12s…)",
			       digest, hex);
	return 0;
}

/* fsync of `name` under objects/ (a file or a directory). */
static int sync_one(const struct objstore *s, const char *name, struct err *e)
{
	int fd = openat(s->objects, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;

	if (fd >= 0)
		close(fd);
	return rc < 0 ? err_sys(e, "cannot sync %s/objects/%s", s->dir, name) : 0;
}

int objstore_sync(struct objstore *s, struct err *e)
{
	uint8_t synced[32] = { 0 };

	if (s->unsynced > STORE_FRESH_MAX) {
		if (syncfs(s->objects) < 0)
			return err_sys(e, "cannot sync the snapshot store %s", s->dir);
		return 0;
	}
	for (uint64_t i = 0; i < s->unsynced; i++) {
		char *name = s->fresh[i], dir[3] = { name[0], name[1], '\0' };
		unsigned ab = (unsigned)strtoul(dir, NULL, 16) & 0xff;

		if (sync_one(s, name, e) < 0)
			return -1;
		if (!(synced[ab / 8] & (1u << (ab % 8))) && sync_one(s, dir, e) < 0)
			return -1;
		synced[ab / 8] |= (uint8_t)(1u << (ab % 8));
	}
	return 0;
}

char *objstore_snapshot(const struct objstore *s, const char *id)
{
	return xasprintf("%s/snapshots/%s", s->dir, id);
}

char *objstore_snapshots_dir(const struct objstore *s)
{
	return xasprintf("%s/snapshots", s->dir);
}

void objstore_snapshot_ids(const struct objstore *s, struct strv *ids,
			   struct strv *temps)
{
	char *dir = objstore_snapshots_dir(s);
	struct strv all = { 0 };

	(void)dir_names(dir, "", false, &all);
	for (size_t i = 0; i < all.n; i++)
		if (strstr(all.v[i], ".tmp-") == NULL)
			strv_push(ids, all.v[i]);
		else if (temps)
			strv_push(temps, all.v[i]);
	strv_free(&all);
	free(dir);
}
