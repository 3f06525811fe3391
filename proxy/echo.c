/* echo.c — a route's credential found in the stream back to the sandbox. */
#include "echo.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

#define ECHO_MIN 8

void echo_init(struct echo *e, const char *a, const char *b)
{
	const char *forms[ECHO_FORMS] = { a, b };

	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < ECHO_FORMS; i++) {
		size_t n = forms[i] ? strlen(forms[i]) : 0;

		if (n < ECHO_MIN)
			continue;
		e->s[i] = forms[i];
		e->n[i] = n;
		if (n - 1 > e->tail_max)
			e->tail_max = n - 1;
	}
	if (e->tail_max)
		e->tail = xmalloc(2 * e->tail_max);
}

static bool found(const struct echo *e, const char *d, size_t n)
{
	for (size_t i = 0; i < ECHO_FORMS; i++)
		if (e->s[i] && memmem(d, n, e->s[i], e->n[i]))
			return true;
	return false;
}

bool echo_feed(struct echo *e, const char *d, size_t n)
{
	size_t head, keep;

	if (e->tail_max == 0 || n == 0)
		return false;
	if (found(e, d, n))
		return true;
	/* across the seam: the last bytes before, the first bytes now */
	head = n < e->tail_max ? n : e->tail_max;
	memcpy(e->tail + e->tail_len, d, head);
	if (found(e, e->tail, e->tail_len + head))
		return true;
	/* keep the stream's last tail_max bytes */
	if (n >= e->tail_max) {
		memcpy(e->tail, d + n - e->tail_max, e->tail_max);
		e->tail_len = e->tail_max;
	} else {
		keep = e->tail_len + n > e->tail_max ? e->tail_max - n : e->tail_len;
		memmove(e->tail, e->tail + e->tail_len - keep, keep);
		memcpy(e->tail + keep, d, n);
		e->tail_len = keep + n;
	}
	return false;
}

void echo_free(struct echo *e)
{
	if (e->tail)
		explicit_bzero(e->tail, 2 * e->tail_max);
	free(e->tail);
	memset(e, 0, sizeof(*e));
}
