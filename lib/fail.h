/* fail.h — filling a caller's latch_error (which may be NULL). */
#ifndef LATCH_LIB_FAIL_H
#define LATCH_LIB_FAIL_H

#include "../include/latch.h"

/* Set `err` to `code` and the message; returns `code`. */
int fail(latch_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with ": strerror(errno)" appended. */
int fail_sys(latch_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Nothing failed: LATCH_OK and "". */
int ok(latch_error *err);

#endif
