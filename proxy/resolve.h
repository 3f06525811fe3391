/* resolve.h — name resolution off the proxy's event loop.
 *
 * getaddrinfo blocks (for seconds when a resolver hangs), so lookups run
 * on a few threads of their own; each finished lookup is queued and the
 * loop is woken through an eventfd it polls. A lookup whose connection
 * went away meanwhile is still finished and then dropped by the loop
 * (it asks by connection id, never by pointer).
 */
#ifndef LATCH_RESOLVE_H
#define LATCH_RESOLVE_H

#include <netdb.h>
#include <stdint.h>

#define RESOLVE_THREADS 2
#define RESOLVE_QUEUE_MAX 64   /* lookups waiting for a thread */

struct lookup {
	struct lookup *next;
	uint64_t conn;          /* the asker's id */
	char host[256];
	struct addrinfo *ai;    /* TCP addresses; NULL when none */
	int gai_error;          /* 0, or getaddrinfo's */
};

struct resolver;

/* NULL (errno) when the threads cannot start. */
struct resolver *resolver_start(void);
/* The eventfd to poll for readability: lookups are done. */
int resolver_fd(const struct resolver *r);
/* Look `host` up for connection `conn`, in the order asked. A name with
 * a dot is not lengthened by resolv.conf's search domains (a name on the
 * allowlist must not become another). -1 when RESOLVE_QUEUE_MAX wait. */
int resolver_ask(struct resolver *r, uint64_t conn, const char *host);
/* The connection went away: its lookup, if still waiting, is not made. */
void resolver_cancel(struct resolver *r, uint64_t conn);
/* The finished lookups (the caller frees each with lookup_free); drains
 * the eventfd. */
struct lookup *resolver_take(struct resolver *r);
void lookup_free(struct lookup *l);
/* Stop: no lookup is waited for; `r` is gone. */
void resolver_stop(struct resolver *r);

#endif
