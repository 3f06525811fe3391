/* dl.h — a library loaded on first use, by name, with a table of the
 * functions latch calls in it. OpenSSL's libcrypto and libssl are loaded
 * this way (rollback/sha256.c, proxy/tls.c): linked, they would cost every
 * start of latch about a millisecond, and most never use them.
 */
#ifndef LATCH_DL_H
#define LATCH_DL_H

#include <stddef.h>

struct dl_sym {
	const char *name;
	void **fn;            /* where the address goes */
};

/* The first of `libs` (NULL-terminated sonames) that loads, then every
 * symbol of syms[0..n). NULL on success; else why not (static text, or
 * dlerror's), and every fn is left NULL. */
const char *dl_load(const char *const *libs, const struct dl_sym *syms,
		    size_t n);

#endif
