/* readexit.h — reading what a child process writes into a pipe, up to its
 * exit rather than to the pipe's end: what it leaves running in the
 * background (a daemon it starts) may hold the pipe open for ever. */
#ifndef LATCH_READEXIT_H
#define LATCH_READEXIT_H

#include <stdbool.h>
#include <stddef.h>

/* Read `fd` into `buf` (at most `max` bytes) until its end, until a
 * newline when `line`, or, once the process of `pidfd` has ended, until
 * what it wrote is taken (`fd` is then made non-blocking). Returns the
 * bytes read; a read error ends it too. */
size_t read_until_exit(int fd, int pidfd, char *buf, size_t max, bool line);

#endif
