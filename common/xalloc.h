/* xalloc.h — allocation that cannot return NULL.
 *
 * latch's inputs are small (profiles, argv); running out of memory is not a
 * recoverable condition for a security wrapper, so these print one line and
 * exit 125 instead of letting a NULL travel.
 */
#ifndef LATCH_XALLOC_H
#define LATCH_XALLOC_H

#include <stddef.h>

/* Say "out of memory" and exit 125 (for allocators other than these). */
_Noreturn void oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Concatenate strings into a fresh one (cheaper than xasprintf on hot
 * paths): xjoin(a, "/", b). NULL parts are skipped. */
char *xjoinv(const char *const *parts, size_t n);
#define xjoin(...)                                                          \
	xjoinv((const char *const[]){ __VA_ARGS__ },                        \
	       sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))
/* printf into a fresh string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
