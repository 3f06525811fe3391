/* echo.h — whether a stream carries a route's real credential back to the
 * sandbox: a server that echoes the request (a redirect's Location that
 * keeps the query, an error page quoting the URL or the headers) would
 * hand over the very key the route exists to keep out. Pure.
 *
 * The stream is fed as it arrives; a credential split across two pieces is
 * found too (the last bytes of each piece are kept).
 */
#ifndef LATCH_ECHO_H
#define LATCH_ECHO_H

#include <stdbool.h>
#include <stddef.h>

#define ECHO_FORMS 2

struct echo {
	const char *s[ECHO_FORMS];   /* the forms looked for (NULL: none) */
	size_t n[ECHO_FORMS];
	char *tail;                  /* the stream's last bytes */
	size_t tail_len, tail_max;
};

/* Look for `a` and `b` (either may be NULL; shorter than 8 bytes: not
 * looked for, as a word of any answer might match). */
void echo_init(struct echo *e, const char *a, const char *b);
/* True once a form has appeared in the stream fed so far. */
bool echo_feed(struct echo *e, const char *d, size_t n);
void echo_free(struct echo *e);

#endif
