/* suggest.h — "did you mean …?" for misspelt keys and names. */
#ifndef LATCH_SUGGEST_H
#define LATCH_SUGGEST_H

#include <stddef.h>

/* The candidate closest to `word` by edit distance, or NULL when none is
 * within a distance that makes the guess useful. */
const char *suggest(const char *word, const char *const *candidates, size_t n);

#endif
