/* fdio.h — whole reads and writes on a descriptor, through EINTR and
 * short transfers. */
#ifndef LATCH_FDIO_H
#define LATCH_FDIO_H

#include <stdbool.h>
#include <stddef.h>

/* All `len` bytes of `buf` to `fd`: 0, or -1 with errno set. */
int fd_write_all(int fd, const void *buf, size_t len);

/* Read `fd` into `buf` until its end or an error, `max` bytes, or a newline
 * when `line`. With `pidfd` (a process writing into `fd`; else -1): once
 * that process has ended, only until what it wrote is taken (`fd` is then
 * made non-blocking), never to the pipe's end, which what it left running
 * in the background (a daemon it starts) may hold open for ever. Returns
 * the bytes read. */
size_t fd_read(int fd, int pidfd, char *buf, size_t max, bool line);

#endif
