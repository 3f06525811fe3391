#include "fail.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int vfail(latch_error *err, int code, int errnum, const char *fmt,
		 va_list ap)
{
	size_t n;

	if (err == NULL)
		return code;
	err->code = code;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	n = strlen(err->message);
	if (errnum)
		snprintf(err->message + n, sizeof(err->message) - n, ": %s",
			 strerror(errnum));
	return code;
}

int fail(latch_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int fail_sys(latch_error *err, int code, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vfail(err, code, errnum, fmt, ap);
	va_end(ap);
	return code;
}

void *hold_or_fail(uint32_t id, enum handle_kind kind, const char *fn,
		   latch_error *err)
{
	void *obj = handle_hold(id, kind);

	if (obj == NULL)
		fail(err, LATCH_ERR_HANDLE, "%s: %u is not a live %s handle", fn, id,
		     kind == HANDLE_POLICY ? "policy" : "child");
	return obj;
}

int ok(latch_error *err)
{
	if (err) {
		err->code = LATCH_OK;
		err->message[0] = '\0';
	}
	return LATCH_OK;
}
