/* tls.h — TLS from the proxy to a credential route's server, on a
 * connected non-blocking socket, driven by the proxy's event loop.
 *
 * OpenSSL's libssl, loaded on first use (common/dl.h). TLS 1.2 at least;
 * the server's certificate must chain to the system's CA store (or to the
 * route's own `ca` file instead, for a private server) and name the host
 * (SNI is sent, the name checked).
 */
#ifndef LATCH_TLS_H
#define LATCH_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"

struct tls_ctx;
struct tls;

/* A client context; `ca_file` (PEM) replaces the system's CAs when not
 * NULL. NULL with `e` set (libssl missing, a CA file that does not load). */
struct tls_ctx *tls_ctx_new(const char *ca_file, struct err *e);
void tls_ctx_free(struct tls_ctx *c);

/* A session on `fd` for `host`; NULL when libssl fails (out of memory). */
struct tls *tls_new(struct tls_ctx *c, int fd, const char *host);
void tls_free(struct tls *t);

enum tls_io {
	TLS_DONE,       /* the handshake is over / bytes moved */
	TLS_WANT_READ,  /* call again when the socket is readable */
	TLS_WANT_WRITE, /* … writable */
	TLS_EOF,        /* the server closed */
	TLS_FAILED,     /* tls_why() says why */
};

enum tls_io tls_handshake(struct tls *t);
/* At most `n` bytes; *moved is how many on TLS_DONE. */
enum tls_io tls_read(struct tls *t, void *buf, size_t n, size_t *moved);
enum tls_io tls_write(struct tls *t, const void *buf, size_t n, size_t *moved);
/* Decrypted bytes waiting inside libssl (no socket event will announce
 * them). */
bool tls_pending(const struct tls *t);
/* Why the last call failed: the certificate check's reason, or libssl's. */
const char *tls_why(const struct tls *t);

#endif
