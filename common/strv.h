/* strv.h — growable NULL-terminated vector of owned strings. */
#ifndef LATCH_STRV_H
#define LATCH_STRV_H

#include <stdbool.h>
#include <stddef.h>

struct strv {
	char **v;   /* always NULL-terminated once anything was pushed */
	size_t n;
	size_t cap;
};

/* Append a copy of s. Aborts on out-of-memory (see xalloc.h). */
void strv_push(struct strv *sv, const char *s);
/* Append s, taking ownership. */
void strv_push_owned(struct strv *sv, char *s);
bool strv_contains(const struct strv *sv, const char *s);
/* Sort by strcmp. */
void strv_sort(struct strv *sv);
void strv_free(struct strv *sv);

#endif
