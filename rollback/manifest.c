/* manifest.c — what one snapshot holds, on disk and in memory. */
#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"

#define MAGIC "latch-snapshot 1"

void manifest_add(struct manifest *m, const struct entry *e)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n++] = *e;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
		      ((const struct entry *)b)->path);
}

void manifest_sort(struct manifest *m)
{
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), by_path);
}

const struct entry *manifest_find(const struct manifest *m, const char *path)
{
	struct entry key = { .path = (char *)path };

	return m->n ? bsearch(&key, m->v, m->n, sizeof(*m->v), by_path) : NULL;
}

void manifest_totals(const struct manifest *m, uint64_t *files,
		     uint64_t *bytes)
{
	*files = *bytes = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].type == 'f') {
			(*files)++;
			*bytes += (uint64_t)m->v[i].size;
		}
}

/* ---- strings ---- */

static void put_escaped(FILE *f, const char *s)
{
	if (s == NULL) {
		fputc('-', f);
		return;
	}
	if (strcmp(s, "-") == 0) {
		fputs("%2D", f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t plain = 0;

		while (p[plain] > ' ' && p[plain] < 0x7f && p[plain] != '%')
			plain++;
		fwrite(p, 1, plain, f); /* most names: all of it at once */
		p += plain;
		if (*p)
			fprintf(f, "%%%02X", *p++);
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A percent-encoded field; NULL for "-" (*bad set on a malformed one). */
static char *unescape(const char *s, int *bad)
{
	char *out, *o;

	if (strcmp(s, "-") == 0)
		return NULL;
	out = o = xmalloc(strlen(s) + 1);
	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (hexval(s[1]) < 0 || hexval(s[2]) < 0 ||
		    (hexval(s[1]) == 0 && hexval(s[2]) == 0)) {
			*bad = 1;
			break;
		}
		*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
		s += 2;
	}
	*o = '\0';
	return out;
}

/* ---- writing ---- */

static void put_header(FILE *f, const struct manifest *m)
{
	fprintf(f, MAGIC "\nworkdir ");
	put_escaped(f, m->workdir);
	fprintf(f, "\ntime ");
	put_escaped(f, m->time);
	fprintf(f, "\ntrigger ");
	put_escaped(f, m->trigger);
	fprintf(f, "\nsession ");
	put_escaped(f, m->session);
	fprintf(f, "\nskipped %" PRIu64 "\n", m->skipped);
	for (size_t i = 0; i < m->exclude.n; i++) {
		fputs("exclude ", f);
		put_escaped(f, m->exclude.v[i]);
		fputc('\n', f);
	}
	for (size_t i = 0; i < m->include.n; i++) {
		fputs("include ", f);
		put_escaped(f, m->include.v[i]);
		fputc('\n', f);
	}
	fputs("entries\n", f);
}

/* `v` in decimal (or octal), then a space: faster than printf for the
 * six numbers of every line. */
static void put_num(FILE *f, uint64_t v, unsigned base)
{
	char buf[24], *p = buf + sizeof(buf);

	*--p = ' ';
	do {
		*--p = (char)('0' + v % base);
		v /= base;
	} while (v);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

/* A timestamp: it may be before 1970. */
static void put_signed(FILE *f, int64_t v)
{
	if (v < 0)
		fputc('-', f);
	put_num(f, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10);
}

static void put_entry(FILE *f, const struct entry *e)
{
	fputc(e->type, f);
	fputc(' ', f);
	put_num(f, e->mode, 8);
	put_num(f, (uint64_t)e->size, 10);
	put_signed(f, e->mtime_ns);
	put_signed(f, e->ctime_ns);
	put_num(f, e->ino, 10);
	fputs(e->type == 'f' ? e->digest : "-", f);
	fputc(' ', f);
	put_escaped(f, e->path);
	fputc(' ', f);
	put_escaped(f, e->type == 'l' ? e->target : NULL);
	fputc('\n', f);
}

/* fsync the directory holding `path`, so a rename in it is durable. */
static int sync_dir_of(const char *path, struct err *e)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = err_sys(e, "cannot sync the directory %s", dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int manifest_write(const struct manifest *m, const char *path, struct err *e)
{
	char *tmp = xasprintf("%s.tmp-%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = 0;

	if (f == NULL) {
		rc = err_sys(e, "cannot create %s", tmp);
		if (fd >= 0)
			close(fd);
		free(tmp);
		return rc;
	}
	/* one writer, large writes: no stdio lock per field, no 4 KiB write(2)s */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	put_header(f, m);
	for (size_t i = 0; i < m->n; i++)
		put_entry(f, &m->v[i]);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0)
		rc = err_sys(e, "cannot write %s", tmp);
	if (fclose(f) != 0 && rc == 0)
		rc = err_sys(e, "cannot write %s", tmp);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = err_sys(e, "cannot rename %s into place", tmp);
	if (rc == 0)
		rc = sync_dir_of(path, e);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ---- reading ---- */

static int header_line(struct manifest *m, char *line, int *bad)
{
	char *sp = strchr(line, ' ');
	char **field = NULL;

	if (sp == NULL)
		return -1;
	*sp++ = '\0';
	if (strcmp(line, "workdir") == 0)
		field = &m->workdir;
	else if (strcmp(line, "time") == 0)
		field = &m->time;
	else if (strcmp(line, "trigger") == 0)
		field = &m->trigger;
	else if (strcmp(line, "session") == 0)
		field = &m->session;
	else if (strcmp(line, "skipped") == 0)
		return sscanf(sp, "%" SCNu64, &m->skipped) == 1 ? 0 : -1;
	else if (strcmp(line, "exclude") == 0 || strcmp(line, "include") == 0) {
		char *pat = unescape(sp, bad);

		if (pat == NULL)
			return -1;
		strv_push_owned(line[0] == 'e' ? &m->exclude : &m->include, pat);
		return 0;
	}
	else
		return 0; /* a newer key: ignored */
	free(*field);
	*field = unescape(sp, bad);
	return 0;
}

static bool valid_digest(const char *d)
{
	size_t n = strspn(d, "0123456789abcdef");

	return n == SHA256_LEN * 2 && d[n] == '\0';
}

/* The next space-separated field of *p (NUL-terminated in place), or
 * NULL when there is none. */
static char *field(char **p)
{
	char *f = *p, *sp;

	if (f == NULL || *f == '\0')
		return NULL;
	sp = strchr(f, ' ');
	if (sp) {
		*sp = '\0';
		*p = sp + 1;
	} else {
		*p = NULL;
	}
	return f;
}

/* A signed decimal field (a timestamp). */
static bool signed_number(char **p, int64_t *out)
{
	char *f = field(p), *end;

	if (f == NULL || (*f != '-' && (*f < '0' || *f > '9')))
		return false;
	errno = 0;
	*out = strtoll(f, &end, 10);
	return *end == '\0' && errno == 0;
}

/* A decimal (base 10) or octal (base 8) field within [0, max]. */
static bool number(char **p, int base, uint64_t max, uint64_t *out)
{
	char *f = field(p), *end;

	if (f == NULL || *f < '0' || *f > '9')
		return false;
	errno = 0;
	*out = strtoull(f, &end, base);
	return *end == '\0' && errno == 0 && *out <= max;
}

/* A path below the root: not empty, not absolute, no "", "." or ".."
 * component (a restore must never leave the root). */
static bool relative_path(const char *p)
{
	if (*p == '\0' || *p == '/')
		return false;
	for (const char *c = p; c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c = slash ? slash + 1 : NULL;
	}
	return true;
}

/* One entry line, parsed by hand (a manifest holds one per file: sscanf
 * was a tenth of a re-snapshot). */
static int entry_line(struct manifest *m, char *line, int *bad)
{
	struct entry e = { 0 };
	uint64_t mode, size, ino;
	int64_t mtime, ctime;
	char *p = line + 2, *digest, *path, *target;
	char type = line[0];

	if (!strchr("fdlx", type) || type == '\0' || line[1] != ' ' ||
	    !number(&p, 8, 07777, &mode) || !number(&p, 10, INT64_MAX, &size) ||
	    !signed_number(&p, &mtime) || !signed_number(&p, &ctime) ||
	    !number(&p, 10, UINT64_MAX, &ino) || (digest = field(&p)) == NULL ||
	    (path = field(&p)) == NULL || (target = field(&p)) == NULL || p != NULL)
		return -1;
	if (type == 'f' ? !valid_digest(digest) : strcmp(digest, "-") != 0)
		return -1;
	e.type = type;
	e.mode = (mode_t)mode;
	e.size = (int64_t)size;
	e.mtime_ns = mtime;
	e.ctime_ns = ctime;
	e.ino = ino;
	if (type == 'f')
		memcpy(e.digest, digest, SHA256_HEX);
	e.path = unescape(path, bad);
	e.target = type == 'l' ? unescape(target, bad) : NULL;
	if (e.path == NULL || !relative_path(e.path) ||
	    (type == 'l' && e.target == NULL)) {
		free(e.path);
		free(e.target);
		return -1;
	}
	manifest_add(m, &e);
	return 0;
}

/* Written sorted: sort again only when it is not (a manifest from
 * elsewhere). */
static void ensure_sorted(struct manifest *m)
{
	for (size_t i = 1; i < m->n; i++)
		if (strcmp(m->v[i - 1].path, m->v[i].path) >= 0) {
			manifest_sort(m);
			return;
		}
}

int manifest_read(const char *path, struct manifest *m, int header_only,
		  struct err *e)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int lineno = 0, in_entries = 0, bad = 0, rc = 0;

	memset(m, 0, sizeof(*m));
	if (f == NULL)
		return err_sys(e, "cannot open the snapshot manifest %s", path);
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	/* lines of any length: a path of 128 levels of escaped names is long */
	while ((got = getline(&line, &cap, f)) > 0) {
		size_t n = (size_t)got;

		lineno++;
		if (line[n - 1] != '\n' || memchr(line, '\0', n - 1)) {
			rc = err_set(e, "%s:%d: line cut short", path, lineno);
			break;
		}
		line[n - 1] = '\0';
		if (lineno == 1 && strcmp(line, MAGIC) != 0) {
			rc = err_set(e, "%s: not a latch snapshot manifest", path);
			break;
		}
		if (lineno == 1)
			continue;
		if (!in_entries && strcmp(line, "entries") == 0) {
			in_entries = 1;
			if (header_only)
				break;
			continue;
		}
		if ((in_entries ? entry_line(m, line, &bad)
				: header_line(m, line, &bad)) < 0 || bad) {
			rc = err_set(e, "%s:%d: malformed line", path, lineno);
			break;
		}
	}
	if (rc == 0 && (!in_entries || m->workdir == NULL || m->workdir[0] != '/'))
		rc = err_set(e, "%s: incomplete snapshot manifest", path);
	fclose(f);
	free(line);
	if (rc == 0)
		ensure_sorted(m);
	else
		manifest_free(m);
	return rc;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].target);
	}
	free(m->v);
	free(m->workdir);
	free(m->time);
	free(m->trigger);
	free(m->session);
	strv_free(&m->exclude);
	strv_free(&m->include);
	memset(m, 0, sizeof(*m));
}
