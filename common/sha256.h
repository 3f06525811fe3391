/* sha256.h — SHA-256 of a stream, by OpenSSL's libcrypto.
 *
 * libcrypto is loaded on first use (dlopen "libcrypto.so.3"), not linked:
 * linked, it costs every latch start ≈1 ms of relocations on this machine.
 * Snapshots and the audit chain (audit/chain.h) use it; `latch run` loads
 * it while its other thread reads the rule packs. libcrypto's SHA256_*
 * functions, not EVP's (whose first use reads openssl.cnf and loads
 * providers: a millisecond more); they use the CPU's SHA extensions.
 */
#ifndef LATCH_SHA256_H
#define LATCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

#define SHA256_LEN 32
#define SHA256_HEX (2 * SHA256_LEN + 1)

struct sha256;

/* A new digest in progress; NULL (e set) when libcrypto cannot be loaded. */
struct sha256 *sha256_new(struct err *e);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest as lowercase hex; `s` is reset for another stream. */
void sha256_hex(struct sha256 *s, char hex[SHA256_HEX]);
void sha256_free(struct sha256 *s);

#endif
