/* lines.c — a log read line by line in bounded memory. */
#include "lines.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/xalloc.h"

#define CHUNK (64u << 10)

int lines_open(const char *path, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return err_sys(e, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		errno = EINVAL;
		return err_set(e, "'%s' is not a regular file", path);
	}
	return fd;
}

void lines_init(struct lines *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

void lines_free(struct lines *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Room for CHUNK more bytes after r->end, moving what is left to the
 * front or growing up to LINES_MAX + CHUNK. */
static void make_room(struct lines *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < CHUNK) {
		r->cap = r->cap ? 2 * r->cap : 2 * CHUNK;
		r->buf = xrealloc(r->buf, r->cap);
	}
}

enum lines_rc lines_next(struct lines *r, const char **line, size_t *len)
{
	for (;;) {
		char *nl = r->end > r->start
			? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
		ssize_t n;

		if (nl) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start += *len + 1;
			r->no++;
			return *len > LINES_MAX ? LINES_LONG : LINES_OK;
		}
		if (r->end - r->start > LINES_MAX) {
			r->no++; /* the long line's number, as for one ended */
			return LINES_LONG;
		}
		make_room(r);
		do
			n = read(r->fd, r->buf + r->end, r->cap - r->end);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return LINES_ERROR;
		if (n == 0) {
			if (r->end == r->start)
				return LINES_END;
			*line = r->buf + r->start;
			*len = r->end - r->start;
			return LINES_PARTIAL;
		}
		r->end += (size_t)n;
	}
}
