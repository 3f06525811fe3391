/* sha256.c — SHA-256 of a stream, by libcrypto loaded on first use. */
#include "sha256.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "dl.h"
#include "xalloc.h"

/* libcrypto's own SHA-256 functions, not EVP's: the same code (the CPU's
 * SHA extensions included), without EVP's first-use setup (providers,
 * openssl.cnf), which cost every `latch run` about a millisecond more. */
static struct {
	int (*init)(void *);
	int (*update)(void *, const void *, size_t);
	int (*final)(unsigned char *, void *);
} fn;

#define CTX_SIZE 256 /* room for libcrypto's SHA256_CTX (112 bytes) */

struct sha256 {
	_Alignas(16) unsigned char ctx[CTX_SIZE];
};

static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const char *const libs[] = { "libcrypto.so.3", "libcrypto.so", NULL };
	const struct dl_sym syms[] = {
		{ "SHA256_Init", (void **)&fn.init },
		{ "SHA256_Update", (void **)&fn.update },
		{ "SHA256_Final", (void **)&fn.final },
	};

	load_error = dl_load(libs, syms, sizeof(syms) / sizeof(syms[0]));
}

struct sha256 *sha256_new(struct err *e)
{
	struct sha256 *s;

	pthread_once(&once, load);
	if (fn.init == NULL) {
		err_set(e, "SHA-256 needs OpenSSL's libcrypto (Debian package libssl3): %s",
			load_error ? load_error : "not loaded");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	if (fn.init(s->ctx) != 1)
		abort();
	return s;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	if (len && fn.update(s->ctx, data, len) != 1)
		abort();
}

void sha256_hex(struct sha256 *s, char hex[SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[SHA256_LEN];

	if (fn.final(md, s->ctx) != 1 || fn.init(s->ctx) != 1)
		abort();
	for (size_t i = 0; i < SHA256_LEN; i++) { /* not snprintf: a record's cost */
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * SHA256_LEN] = '\0';
}

void sha256_free(struct sha256 *s)
{
	free(s);
}
