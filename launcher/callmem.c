#include "callmem.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "../common/xalloc.h"

#define CHUNK 256                 /* bytes read at a time of one string */
#define BATCH 32                  /* argv words read in one call */
#define MAX_ARGS 65536            /* more words than any sane command */
#define MAX_ARG_LEN (128 * 1024)  /* the kernel's MAX_ARG_STRLEN */
#define MAX_TOTAL (4 * 1024 * 1024)

/* Up to `len` bytes of the caller's memory at `addr`; stops at an
 * unmapped page. */
static ssize_t peek(pid_t pid, void *buf, size_t len, uint64_t addr)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* The NUL-terminated string at `addr`, whose first `have` bytes are in
 * `start` already; NULL if unreadable or longer than `max`. */
static char *string_at(pid_t pid, uint64_t addr, const char *start,
		       size_t have, size_t max)
{
	size_t cap = have + CHUNK, len = have;
	char *buf;

	if (memchr(start, '\0', have))
		return xstrdup(start);
	buf = xmalloc(cap);
	memcpy(buf, start, have);
	for (;;) {
		ssize_t n;

		if (len + CHUNK > cap)
			buf = xrealloc(buf, cap *= 2);
		n = peek(pid, buf + len, CHUNK, addr + len);
		if (n <= 0)
			break;
		if (memchr(buf + len, '\0', (size_t)n))
			return buf;
		len += (size_t)n;
		if (len > max)
			break;
	}
	free(buf);
	return NULL;
}

char *callmem_path(struct callmem *m, pid_t pid, uint64_t path_at,
		   uint64_t argv_at)
{
	char buf[CHUNK];
	struct iovec local[2] = { { buf, sizeof(buf) },
				  { m->head, sizeof(m->head) } };
	struct iovec remote[2] = {
		{ (void *)(uintptr_t)path_at, sizeof(buf) },
		{ (void *)(uintptr_t)argv_at, sizeof(m->head) },
	};
	ssize_t n = process_vm_readv(pid, local, 2, remote, 2, 0);

	m->pid = pid;
	m->path_at = path_at;
	m->argv_at = argv_at;
	/* a transfer stops at the first fault: the head only after a whole
	 * chunk of the path */
	m->head_n = n > CHUNK ? (size_t)(n - CHUNK) / sizeof(uint64_t) : 0;
	return string_at(pid, path_at, buf,
			 n <= 0 ? 0 : n < CHUNK ? (size_t)n : CHUNK, PATH_MAX);
}

/* The argv pointer array up to its NULL (within MAX_ARGS), from the head
 * read with the path on: read on into the room left, which doubles when
 * filled (most argvs fit the first, small, allocation). */
static uint64_t *pointers(const struct callmem *m, size_t *n,
			  const char **why)
{
	size_t cap = 2 * CALLMEM_HEAD, got = m->head_n; /* in hand, unscanned */
	uint64_t *v = xmalloc(cap * sizeof(*v));

	memcpy(v, m->head, got * sizeof(*v));
	for (*n = 0;;) {
		if (got == 0) {
			ssize_t r;

			if (*n == cap) {
				cap = cap * 2 < MAX_ARGS + 1 ? cap * 2 : MAX_ARGS + 1;
				v = xrealloc(v, cap * sizeof(*v));
			}
			r = peek(m->pid, v + *n, (cap - *n) * sizeof(*v),
				 m->argv_at + sizeof(*v) * *n);
			got = r > 0 ? (size_t)r / sizeof(*v) : 0;
			if (got == 0) {
				*why = "its argv cannot be read";
				break;
			}
		}
		for (; got > 0 && *n <= MAX_ARGS; got--, (*n)++)
			if (v[*n] == 0)
				return v;
		if (*n > MAX_ARGS) {
			*why = "its argv has too many words to judge";
			break;
		}
	}
	free(v);
	return NULL;
}

/* Words ptr[0..k) (k <= BATCH) appended to argv: the first CHUNK bytes of
 * each in one call, the rest of a longer word (or one not read whole)
 * on its own. */
static const char *words(const struct callmem *m, const char *path,
			 const uint64_t *ptr, size_t k, char **argv,
			 size_t *argc, size_t *total)
{
	char buf[BATCH * CHUNK];
	struct iovec local[BATCH], remote[BATCH];
	size_t r = 0;
	ssize_t got;

	for (size_t i = 0; i < k; i++) {
		if (ptr[i] == m->path_at)
			continue;
		local[r].iov_base = buf + r * CHUNK;
		local[r].iov_len = CHUNK;
		remote[r].iov_base = (void *)(uintptr_t)ptr[i];
		remote[r].iov_len = CHUNK;
		r++;
	}
	got = r ? process_vm_readv(m->pid, local, r, remote, r, 0) : 0;
	for (size_t i = 0, j = 0; i < k; i++) {
		char *s;

		if (ptr[i] == m->path_at) { /* execvp's argv[0]: read once */
			s = xstrdup(path);
		} else {
			size_t at = j * CHUNK, have = 0;

			if (got > 0 && (size_t)got > at)
				have = (size_t)got - at < CHUNK ? (size_t)got - at
								: CHUNK;
			s = string_at(m->pid, ptr[i], buf + at, have, MAX_ARG_LEN);
			j++;
		}
		if (s == NULL)
			return "an argv word is unreadable or too long";
		argv[(*argc)++] = s;
		*total += strlen(s) + 1;
		if (*total > MAX_TOTAL)
			return "its argv is too large to judge";
	}
	return NULL;
}

const char *callmem_argv(const struct callmem *m, const char *path,
			 char ***argv, size_t *argc)
{
	const char *why = NULL;
	size_t n, total = 0;
	uint64_t *ptr = pointers(m, &n, &why);

	*argv = NULL;
	*argc = 0;
	if (ptr == NULL)
		return why;
	*argv = xcalloc(n + 1, sizeof(**argv));
	for (size_t i = 0; i < n && why == NULL; i += BATCH)
		why = words(m, path, ptr + i, n - i < BATCH ? n - i : BATCH,
			    *argv, argc, &total);
	free(ptr);
	return why;
}
