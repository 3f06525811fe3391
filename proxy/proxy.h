/* proxy.h — the sandbox's only way out with network `allowlist`.
 *
 * The sandbox has a network namespace of its own (kernel/ns.h); the one
 * socket that leads out is the proxy's listening socket, made inside it
 * by the child (on 127.0.0.1, PROXY_PORT) and served here, by a thread of
 * the supervisor: one epoll loop, no thread per connection (name lookups
 * run on threads of their own, resolve.h).
 *
 * Each connection sends one request head (proxy/http.h; bounded, within
 * PROXY_HEAD_TIMEOUT_MS), authenticated with the session's token
 * (`Proxy-Authorization: Basic` of "latch:TOKEN", compared in constant
 * time; else 407), either
 *  - CONNECT host:port: a tunnel, bytes both ways unread (TLS end to end);
 *  - an absolute-form http:// request: forwarded with its body (framed as
 *    its head says, nothing past it) and hop-by-hop headers dropped; the
 *    response passes unchanged, its end found by its framing
 *    (exchange.h), and when both sides keep the connections alive the
 *    next request follows on them (the server connection reused when it
 *    goes to the same place);
 *  - an origin-form request "/ROUTE/…" to a credential route (no token:
 *    the route's phantom in its header instead, else 401; an unknown
 *    route 404): forwarded as above over TLS to the route's server, the
 *    phantom replaced by the real credential, which the sandbox never
 *    holds.
 * The destination must be on the allowlist (allow.h; else 403), must not
 * be a cloud metadata name, and is resolved here: a name whose addresses
 * are all link-local, unroutable or (unless allowed) private or loopback
 * is refused (403) — DNS rebinding cannot reach them. Failures answer
 * 400 (malformed), 408 (no whole head in time), 431 (head too large), 502
 * (no address or connection), 504 (lookup, connect or first byte of
 * answer too late); at most PROXY_MAX_CONNS at once (503). A tunnel, or an
 * answer under way, is closed once nothing has moved either way for
 * PROXY_IDLE_TIMEOUT_MS (30 min: a stream may pause, a hung server does
 * not hold a connection for ever).
 * Every decision is an audit event as it is made ("net"), and every
 * exchange or tunnel allowed another when it ends, with its byte counts
 * ("net_end"). Sockets have TCP_NODELAY: relayed pieces are not held.
 */
#ifndef LATCH_PROXY_H
#define LATCH_PROXY_H

#include <pthread.h>
#include <stdbool.h>

#include "allow.h"
#include "tls.h"

#define PROXY_PORT 3128
#define PROXY_TOKEN_LEN 32          /* hex characters */
#define PROXY_MAX_CONNS 256
#define PROXY_HEAD_MAX (16 * 1024)
/* The times it waits (proxy_setup may shorten them; 0: these) */
#define PROXY_HEAD_TIMEOUT_MS 30000      /* for a whole request head */
#define PROXY_RESOLVE_TIMEOUT_MS 15000   /* for a name's addresses */
#define PROXY_CONNECT_TIMEOUT_MS 10000   /* for each address */
#define PROXY_IDLE_TIMEOUT_MS 1800000   /* a tunnel, or an answer under way,
					   with no byte either way: closed */
#define PROXY_RESPONSE_TIMEOUT_MS 300000 /* for a forwarded request's first
					    byte of answer */

struct audit_log;
struct px;
struct tls_ctx;

#define PROXY_PHANTOM_LEN 46 /* "latch-phantom-" and 32 hex characters */

/* A credential route: a request the sandbox sends to the proxy itself,
 * origin-form "/NAME/rest", carrying the phantom in `header` (as `value`
 * would carry the key), goes to https://host:port BASE/rest with the
 * real value in that header instead. With `param` instead of a header,
 * the phantom is that query parameter's value (once, percent-encoded as
 * sent), replaced by the real one, percent-encoded. */
struct proxy_route {
	const char *name;
	char host[254];
	uint16_t port;
	const char *base;             /* the upstream's path prefix ("" or "/v1") */
	const char *header;           /* NULL: */
	const char *param;
	char *secret;                 /* the header's (parameter's) real value */
	char *expect;                 /* its value with the phantom */
	char *key, *key_enc;          /* the credential, raw and percent-encoded:
					 an answer that holds either is cut off
					 (echo.h) */
	struct tls_ctx *tls;
};

struct proxy_setup {
	const struct allowlist *allow;
	bool private_ok;              /* private and loopback addresses */
	const struct proxy_route *routes;
	size_t n_routes;
	char token[PROXY_TOKEN_LEN + 1];
	struct audit_log *log;        /* may be NULL */
	int head_timeout_ms, resolve_timeout_ms, connect_timeout_ms,
	    response_timeout_ms, idle_timeout_ms; /* 0: the PROXY_*_TIMEOUT_MS */
};

struct proxy {
	int listener;                 /* -1 until the child publishes it */
	int wake;                     /* eventfd: published, or stop */
	int stop;
	pthread_t thread;
	struct proxy_setup set;
	struct px *px;                /* the loop's state */
};

/* A fresh random token (getrandom) into set->token. -1 when the kernel
 * gives no randomness. */
int proxy_token(struct proxy_setup *set);

/* Start the proxy's thread (signals blocked); it serves once the child
 * publishes its listening socket. -1 with errno when it cannot start. */
int proxy_start(struct proxy *p, const struct proxy_setup *s);
/* Called by the child, which shares latch's memory and descriptor table
 * until it execs: serve `listener` (close-on-exec). Async-signal-safe. */
void proxy_publish(struct proxy *p, int listener);
/* Close every connection and the listener; wait for the thread. */
void proxy_stop(struct proxy *p);

#endif
