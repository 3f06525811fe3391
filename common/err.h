/* err.h — one error message carried up the call chain.
 *
 * Functions that can fail take a `struct err *` and return -1 (or NULL) after
 * filling it with a complete, user-readable sentence: what failed, where, and
 * when possible how to fix it. Callers print it once, prefixed with "latch: ".
 */
#ifndef LATCH_ERR_H
#define LATCH_ERR_H

#include <stddef.h>

#define ERR_MAX 1024

struct err {
	char msg[ERR_MAX];
};

/* Set the message (printf-style). Always returns -1 for `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like err_set, and append ": strerror(errno)" using the errno at entry. */
int err_sys(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
