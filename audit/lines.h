/* lines.h — a log read line by line in bounded memory (a 1 GB log takes
 * no more than its longest line, at most LINES_MAX).
 *
 * At the end of the file a last line without its newline is returned as
 * LINES_PARTIAL and kept: calling again after the file grew goes on from
 * it (for following a live log).
 */
#ifndef LATCH_LINES_H
#define LATCH_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

#define LINES_MAX (8u << 20) /* longer than any record latch writes */

enum lines_rc {
	LINES_ERROR = -1,   /* read(2) failed: errno */
	LINES_END = 0,
	LINES_OK = 1,       /* *line, *len: a whole line, without '\n' */
	LINES_PARTIAL = 2,  /* the file ends inside a line: *line, *len */
	LINES_LONG = 3,     /* a line longer than LINES_MAX: stop reading */
};

struct lines {
	int fd;
	char *buf;
	size_t cap, start, end;
	unsigned long no;   /* the number of the line last returned (or found
			       too long), from 1 */
};

/* Open `path` to read: a regular file only (not a link, a FIFO or a
 * device: nothing that blocks or wanders), close-on-exec. -1 with errno
 * (ENOENT: none; EINVAL: not a regular file) and `e` set. */
int lines_open(const char *path, struct err *e);

void lines_init(struct lines *r, int fd); /* does not own fd */
enum lines_rc lines_next(struct lines *r, const char **line, size_t *len);
void lines_free(struct lines *r);

#endif
