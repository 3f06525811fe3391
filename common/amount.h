/* amount.h — a count ("100000") or a size ("500M", "2G"; K, M, G, T are
 * powers of 1024) as written in a profile or on the command line. */
#ifndef LATCH_AMOUNT_H
#define LATCH_AMOUNT_H

#include <stdbool.h>
#include <stdint.h>

/* `s` as a whole number of at least 1 (with `size`, a number followed by
 * an optional unit); -1 when it is not one or does not fit in 64 bits. */
int amount_parse(const char *s, bool size, uint64_t *out);

#endif
