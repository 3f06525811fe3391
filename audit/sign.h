/* sign.h — Ed25519 signatures of a session's final chain head, by OpenSSL's
 * libcrypto (loaded on first use, common/dl.h).
 *
 * Keys are PEM files: a private key (PKCS#8, `openssl genpkey -algorithm
 * ed25519`) to sign, its public key (`openssl pkey -pubout`) to verify.
 * Other key types and passphrase-protected keys are refused.
 */
#ifndef LATCH_SIGN_H
#define LATCH_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"

#define SIGN_HEX 129   /* an Ed25519 signature as hex, with its NUL */
#define SIGN_ID_HEX 17 /* a key's id: the first 8 bytes of SHA-256(public key DER) */

struct sign_key;

struct sign_key *sign_key_load(const char *path, bool private_key, struct err *e);
void sign_key_free(struct sign_key *k);
const char *sign_key_id(const struct sign_key *k);

/* The text signed for a session's close: "latch-audit-v1 session ID
 * records N head HEAD ledger SEQ after PREV", SEQ being the ledger line's
 * seq and PREV the ledger's head before it: a session taken out of the
 * ledger breaks the signature of every one closed after it. */
char *sign_session_text(const char *id, unsigned long records, const char *head,
			unsigned long seq, const char *prev);

int sign_text(struct sign_key *k, const char *text, char sig[SIGN_HEX],
	      struct err *e);
bool sign_check(struct sign_key *k, const char *text, const char *sig_hex);

#endif
