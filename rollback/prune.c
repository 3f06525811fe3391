/* prune.c — dropping old snapshots and the objects nothing names. */
#include "prune.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/dirnames.h"
#include "../common/strv.h"
#include "../common/xalloc.h"
#include "manifest.h"

struct snap {
	const char *id;
	struct manifest m;
	bool drop, newest; /* newest: of its workspace, never dropped */
};

struct refs {
	const char **v; /* digests, sorted, unique */
	int64_t *size;
	size_t n;
};

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The digests (and object sizes) the kept snapshots name. */
static void refs_build(const struct snap *v, size_t n, struct refs *r)
{
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; !v[i].drop && k < v[i].m.n; k++) {
			if (v[i].m.v[k].type != 'f')
				continue;
			if (r->n == cap) {
				cap = cap ? 2 * cap : 1024;
				r->v = xrealloc(r->v, cap * sizeof(*r->v));
			}
			r->v[r->n++] = v[i].m.v[k].digest;
		}
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), by_str);
	r->size = xcalloc(r->n + 1, sizeof(*r->size));
	/* sizes by a second pass: the entry whose digest it is */
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; !v[i].drop && k < v[i].m.n; k++) {
			const char *d = v[i].m.v[k].digest;
			const char **at;

			if (v[i].m.v[k].type != 'f')
				continue;
			at = bsearch(&d, r->v, r->n, sizeof(*r->v), by_str);
			r->size[at - r->v] = v[i].m.v[k].size;
		}
}

static bool referenced(const struct refs *r, const char *digest)
{
	return r->n && bsearch(&digest, r->v, r->n, sizeof(*r->v), by_str);
}

static uint64_t refs_bytes(const struct refs *r)
{
	uint64_t total = 0;

	for (size_t i = 0; i < r->n; i++)
		if (i == 0 || strcmp(r->v[i], r->v[i - 1]) != 0)
			total += (uint64_t)r->size[i];
	return total;
}

static void refs_free(struct refs *r)
{
	free(r->v);
	free(r->size);
	memset(r, 0, sizeof(*r));
}

/* Seconds since the epoch of an id "YYYYMMDDTHHMMSS…"; 0 if not one. */
static time_t id_time(const char *id)
{
	struct tm tm = { 0 };
	const char *end = strptime(id, "%Y%m%dT%H%M%S", &tm);

	return end ? timegm(&tm) : 0;
}

static void choose(struct snap *v, size_t n, const struct prune_opts *o)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < n; i++) {
		long newer = 0;

		for (size_t k = i + 1; k < n; k++)
			newer += strcmp(v[k].m.workdir, v[i].m.workdir) == 0;
		v[i].newest = newer == 0;
		if (v[i].newest)
			continue;
		if (o->keep > 0 && newer >= o->keep)
			v[i].drop = true;
		if (o->older_than_days > 0 &&
		    difftime(now, id_time(v[i].id)) > o->older_than_days * 86400)
			v[i].drop = true;
	}
	for (size_t i = 0; o->max_size && i < n; i++) {
		struct refs r;
		uint64_t bytes;

		refs_build(v, n, &r);
		bytes = refs_bytes(&r);
		refs_free(&r);
		if (bytes <= o->max_size)
			break;
		if (!v[i].newest)
			v[i].drop = true; /* the oldest first */
	}
}

/* Delete what no kept manifest names, and stale temporary objects. */
static void collect(struct objstore *s, const struct refs *refs,
		    struct prune_result *r)
{
	struct strv dirs = { 0 };
	char *top = xasprintf("%s/objects", s->dir);

	(void)dir_names(top, "", false, &dirs);
	for (size_t i = 0; i < dirs.n; i++) {
		const char *d = dirs.v[i];
		struct strv names = { 0 };
		char *sub;

		if (strncmp(d, "tmp-", 4) == 0) { /* a killed snapshot's */
			unlinkat(s->objects, d, 0);
			continue;
		}
		if (strlen(d) != 2)
			continue;
		sub = xasprintf("%s/%s", top, d);
		(void)dir_names(sub, "", false, &names);
		for (size_t k = 0; k < names.n; k++) {
			char *digest = xjoin(d, names.v[k]), *rel = xjoin(d, "/", names.v[k]);
			struct stat st;

			if (!referenced(refs, digest) &&
			    fstatat(s->objects, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    unlinkat(s->objects, rel, 0) == 0) {
				r->objects++;
				r->bytes += (uint64_t)st.st_size;
			}
			free(digest);
			free(rel);
		}
		unlinkat(s->objects, d, AT_REMOVEDIR); /* if it is empty now */
		strv_free(&names);
		free(sub);
	}
	strv_free(&dirs);
	free(top);
}

static int load(struct objstore *s, struct strv *ids, struct snap **out,
		struct err *e)
{
	struct strv temps = { 0 };
	struct snap *v;

	objstore_snapshot_ids(s, ids, &temps);
	for (size_t i = 0; i < temps.n; i++) { /* killed snapshots' */
		char *tmp = objstore_snapshot(s, temps.v[i]);

		unlink(tmp);
		free(tmp);
	}
	strv_free(&temps);
	v = xcalloc(ids->n + 1, sizeof(*v));
	*out = v;
	for (size_t i = 0; i < ids->n; i++) {
		char *path = objstore_snapshot(s, ids->v[i]);
		int rc = manifest_read(path, &v[i].m, 0, e);

		free(path);
		v[i].id = ids->v[i];
		if (rc < 0)
			return -1; /* which objects it names is unknown: stop */
	}
	return 0;
}

int prune_run(struct objstore *s, const struct prune_opts *o,
	      struct prune_result *r, struct err *e)
{
	struct strv ids = { 0 };
	struct snap *v = NULL;
	struct refs refs;
	int rc;

	memset(r, 0, sizeof(*r));
	if (objstore_lock(s, true, e) < 0)
		return -1;
	rc = load(s, &ids, &v, e);
	if (rc == 0) {
		choose(v, ids.n, o);
		for (size_t i = 0; i < ids.n; i++) {
			char *path = objstore_snapshot(s, v[i].id);

			if (v[i].drop && unlink(path) == 0) {
				r->snapshots++;
			} else {
				v[i].drop = false;
				r->kept++;
			}
			free(path);
		}
		refs_build(v, ids.n, &refs);
		collect(s, &refs, r);
		refs_free(&refs);
	}
	objstore_unlock(s);
	for (size_t i = 0; i < ids.n; i++)
		manifest_free(&v[i].m);
	free(v);
	strv_free(&ids);
	return rc;
}
