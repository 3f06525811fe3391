/* sign.c — Ed25519 signatures by libcrypto, loaded on first use. */
#include "sign.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/dl.h"
#include "../common/sha256.h"
#include "../common/xalloc.h"

#define ED25519_NID 1087 /* NID_ED25519 */
#define SIG_LEN 64

/* The libcrypto 3 functions used. */
static struct {
	void *(*read_private)(FILE *, void **, int (*)(char *, int, int, void *), void *);
	void *(*read_public)(FILE *, void **, int (*)(char *, int, int, void *), void *);
	int (*key_type)(const void *);
	void (*key_free)(void *);
	int (*public_der)(const void *, unsigned char **);
	void *(*md_ctx_new)(void);
	void (*md_ctx_free)(void *);
	int (*sign_init)(void *, void **, const void *, void *, void *);
	int (*sign)(void *, unsigned char *, size_t *, const unsigned char *, size_t);
	int (*verify_init)(void *, void **, const void *, void *, void *);
	int (*verify)(void *, const unsigned char *, size_t, const unsigned char *, size_t);
	void (*crypto_free)(void *, const char *, int);
} ossl;
static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const char *const libs[] = { "libcrypto.so.3", "libcrypto.so", NULL };
	const struct dl_sym syms[] = {
		{ "PEM_read_PrivateKey", (void **)&ossl.read_private },
		{ "PEM_read_PUBKEY", (void **)&ossl.read_public },
		{ "EVP_PKEY_get_id", (void **)&ossl.key_type },
		{ "EVP_PKEY_free", (void **)&ossl.key_free },
		{ "i2d_PUBKEY", (void **)&ossl.public_der },
		{ "EVP_MD_CTX_new", (void **)&ossl.md_ctx_new },
		{ "EVP_MD_CTX_free", (void **)&ossl.md_ctx_free },
		{ "EVP_DigestSignInit", (void **)&ossl.sign_init },
		{ "EVP_DigestSign", (void **)&ossl.sign },
		{ "EVP_DigestVerifyInit", (void **)&ossl.verify_init },
		{ "EVP_DigestVerify", (void **)&ossl.verify },
		{ "CRYPTO_free", (void **)&ossl.crypto_free },
	};

	load_error = dl_load(libs, syms, sizeof(syms) / sizeof(syms[0]));
}

struct sign_key {
	void *pkey;
	char id[SIGN_ID_HEX];
};

/* Passphrases are not asked for: an encrypted key fails to load. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

static int key_id(struct sign_key *k, struct err *e)
{
	unsigned char *der = NULL;
	int n = ossl.public_der(k->pkey, &der);
	struct sha256 *s;
	char hex[SHA256_HEX];

	if (n <= 0)
		return err_set(e, "cannot encode the public key");
	s = sha256_new(e);
	if (s == NULL) {
		ossl.crypto_free(der, __FILE__, __LINE__);
		return -1;
	}
	sha256_update(s, der, (size_t)n);
	sha256_hex(s, hex);
	sha256_free(s);
	ossl.crypto_free(der, __FILE__, __LINE__);
	memcpy(k->id, hex, SIGN_ID_HEX - 1);
	k->id[SIGN_ID_HEX - 1] = '\0';
	return 0;
}

struct sign_key *sign_key_load(const char *path, bool private_key, struct err *e)
{
	struct sign_key *k;
	FILE *f;

	pthread_once(&once, load);
	if (ossl.read_private == NULL) {
		err_set(e, "signing needs OpenSSL's libcrypto (Debian package libssl3): %s",
			load_error ? load_error : "not loaded");
		return NULL;
	}
	f = fopen(path, "re");
	if (f == NULL) {
		err_sys(e, "cannot open the key '%s'", path);
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	k->pkey = private_key ? ossl.read_private(f, NULL, no_passphrase, NULL)
			      : ossl.read_public(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (k->pkey == NULL) {
		err_set(e, "'%s' is not an unencrypted PEM %s key (make one with: %s)", path,
			private_key ? "private" : "public",
			private_key ? "openssl genpkey -algorithm ed25519 -out KEY.pem"
				    : "openssl pkey -in KEY.pem -pubout -out PUB.pem");
	} else if (ossl.key_type(k->pkey) != ED25519_NID) {
		err_set(e, "the key '%s' is not an Ed25519 key", path);
	} else if (key_id(k, e) == 0) {
		return k;
	}
	sign_key_free(k);
	return NULL;
}

void sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	if (k->pkey)
		ossl.key_free(k->pkey);
	free(k);
}

const char *sign_key_id(const struct sign_key *k)
{
	return k->id;
}

char *sign_session_text(const char *id, unsigned long records, const char *head,
			unsigned long seq, const char *prev)
{
	return xasprintf("latch-audit-v1 session %s records %lu head %s ledger %lu after %s",
			 id, records, head, seq, prev);
}

int sign_text(struct sign_key *k, const char *text, char sig[SIGN_HEX],
	      struct err *e)
{
	unsigned char raw[SIG_LEN];
	size_t n = sizeof(raw);
	void *ctx = ossl.md_ctx_new();
	int ok = ctx && ossl.sign_init(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
		 ossl.sign(ctx, raw, &n, (const unsigned char *)text, strlen(text)) == 1 &&
		 n == SIG_LEN;

	ossl.md_ctx_free(ctx);
	if (!ok)
		return err_set(e, "Ed25519 signing failed");
	for (size_t i = 0; i < SIG_LEN; i++)
		snprintf(sig + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool sign_check(struct sign_key *k, const char *text, const char *sig_hex)
{
	unsigned char raw[SIG_LEN];
	void *ctx;
	bool ok;

	if (strlen(sig_hex) != 2 * SIG_LEN)
		return false;
	for (size_t i = 0; i < SIG_LEN; i++) {
		int hi = hex_value(sig_hex[2 * i]), lo = hex_value(sig_hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	ctx = ossl.md_ctx_new();
	ok = ctx && ossl.verify_init(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     ossl.verify(ctx, raw, SIG_LEN, (const unsigned char *)text, strlen(text)) == 1;
	ossl.md_ctx_free(ctx);
	return ok;
}
