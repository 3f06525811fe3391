/* fail.h — filling a caller's latch_error (which may be NULL), and a
 * handle held or said not to be live. */
#ifndef LATCH_LIB_FAIL_H
#define LATCH_LIB_FAIL_H

#include "../include/latch.h"
#include "handles.h"

/* Set `err` to `code` and the message; returns `code`. */
int fail(latch_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with ": strerror(errno)" appended. */
int fail_sys(latch_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The object of live handle `id` of `kind`, held until handle_drop(); NULL
 * with `err` set ("FN: ID is not a live policy handle"). */
void *hold_or_fail(uint32_t id, enum handle_kind kind, const char *fn,
		   latch_error *err);
/* Nothing failed: LATCH_OK and "". */
int ok(latch_error *err);

#endif
