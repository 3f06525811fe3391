/* strv.h — growable NULL-terminated vector of owned strings. */
#ifndef LATCH_STRV_H
#define LATCH_STRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
/* The words v[0..n) as one line, separated by spaces, each written as
 * fput_word() does, cut with "..." to fit `size` (at least 4) bytes. */
void strv_line(const char *const *v, size_t n, char *out, size_t size);
/* `w` on one line of `f`: \n, \t, other control bytes and backslash
 * escaped (\xNN), C1 controls in UTF-8 too (\u009b), so a name an agent
 * chose cannot fake output lines or move the terminal's cursor. The bytes
 * written. */
size_t fput_word(FILE *f, const char *w);
/* The words v[0..n) as one fresh string, separated by `sep`. */
char *strv_join(const char *const *v, size_t n, const char *sep);
/* Sort by strcmp. */
void strv_sort(struct strv *sv);
void strv_free(struct strv *sv);

#endif
