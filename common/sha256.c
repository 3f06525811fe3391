/* sha256.c — SHA-256 of a stream, by libcrypto loaded on first use. */
#include "sha256.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "dl.h"
#include "xalloc.h"

/* The few EVP functions used, as libcrypto 3 exports them. */
struct evp {
	void *(*md_ctx_new)(void);
	void (*md_ctx_free)(void *);
	const void *(*sha256)(void);
	int (*init)(void *, const void *, void *);
	int (*update)(void *, const void *, size_t);
	int (*final)(void *, unsigned char *, unsigned int *);
};

struct sha256 {
	void *ctx;
};

static struct evp evp;
static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const char *const libs[] = { "libcrypto.so.3", "libcrypto.so", NULL };
	const struct dl_sym syms[] = {
		{ "EVP_MD_CTX_new", (void **)&evp.md_ctx_new },
		{ "EVP_MD_CTX_free", (void **)&evp.md_ctx_free },
		{ "EVP_sha256", (void **)&evp.sha256 },
		{ "EVP_DigestInit_ex", (void **)&evp.init },
		{ "EVP_DigestUpdate", (void **)&evp.update },
		{ "EVP_DigestFinal_ex", (void **)&evp.final },
	};

	load_error = dl_load(libs, syms, sizeof(syms) / sizeof(syms[0]));
}

struct sha256 *sha256_new(struct err *e)
{
	struct sha256 *s;

	pthread_once(&once, load);
	if (evp.md_ctx_new == NULL) {
		err_set(e, "SHA-256 needs OpenSSL's libcrypto (Debian package libssl3): %s",
			load_error ? load_error : "not loaded");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->ctx = evp.md_ctx_new();
	if (s->ctx == NULL || evp.init(s->ctx, evp.sha256(), NULL) != 1)
		abort(); /* out of memory inside libcrypto */
	return s;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	if (len && evp.update(s->ctx, data, len) != 1)
		abort();
}

void sha256_hex(struct sha256 *s, char hex[SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[SHA256_LEN];
	unsigned int n = 0;

	if (evp.final(s->ctx, md, &n) != 1 || n != SHA256_LEN ||
	    evp.init(s->ctx, evp.sha256(), NULL) != 1)
		abort();
	for (size_t i = 0; i < SHA256_LEN; i++) { /* not snprintf: a record's cost */
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * SHA256_LEN] = '\0';
}

void sha256_free(struct sha256 *s)
{
	if (s == NULL)
		return;
	evp.md_ctx_free(s->ctx);
	free(s);
}
