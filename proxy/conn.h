/* conn.h — one client connection of the proxy, from its request head to
 * its close (internal to proxy/: proxy.c runs the loop, conn.c the
 * connection's steps). */
#ifndef LATCH_PROXY_CONN_H
#define LATCH_PROXY_CONN_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>

#include "echo.h"
#include "exchange.h"
#include "http.h"
#include "proxy.h"
#include "resolve.h"

#define CONN_BUF (64 * 1024) /* per direction */

enum ev_kind { EV_LISTEN, EV_WAKE, EV_RESOLVED, EV_CLIENT, EV_UPSTREAM };

/* What epoll hands back: which descriptor woke, and for whom. */
struct px_ev {
	enum ev_kind kind;
	struct conn *c;
};

/* The loop's state, shared by proxy.c and conn.c. */
struct px {
	const struct proxy_setup *set;
	int ep, listener;
	int spare;              /* /dev/null: a descriptor kept for EMFILE */
	struct resolver *res;
	struct conn *conns;     /* every open connection */
	struct conn *dead;      /* closed during this batch of events */
	size_t n;
	uint64_t next_id;
	char auth[64];          /* base64 of "latch:TOKEN" */
	struct px_ev ev_listen, ev_wake, ev_resolved;
};

/* Bytes read from one side, waiting to be written to the other. */
struct pipe {
	char *d;                /* CONN_BUF, allocated on first use */
	size_t off, len;        /* pending: d[off..len) */
	bool eof;               /* the reading side is done */
	bool shut;              /* and the writing side was told (SHUT_WR) */
};

enum conn_state {
	C_HEAD,       /* reading the request head */
	C_RESOLVE,    /* waiting for the name's addresses */
	C_CONNECT,    /* connecting to one of them */
	C_TLS,        /* a credential route's TLS handshake */
	C_RELAY,      /* bytes both ways */
	C_ANSWER,     /* writing a refusal, then closing */
};

struct conn {
	struct px *px;
	uint64_t id;
	struct conn *prev, *next;
	enum conn_state state;
	int cfd, ufd;           /* client, upstream (-1: none) */
	struct px_ev ev_client, ev_up;
	uint32_t cev, uev;      /* the events asked for now */
	long deadline;          /* ms (CLOCK_MONOTONIC), 0: none */
	bool flowing;           /* a tunnel, or an answer under way: its
				   deadline moves with every byte read */
	char *head;             /* PROXY_HEAD_MAX: the head and what followed */
	size_t head_len;
	struct http_head req;
	struct http_target tgt;
	bool tunnel;            /* CONNECT */
	const struct proxy_route *route; /* a credential route's request */
	struct http_slice phantom;       /* its phantom in the target (param routes) */
	struct echo echo;                /* its real key looked for in the answers */
	struct tls *tls;        /* to the route's server */
	bool tls_wants_write;   /* the last TLS read needs the socket writable */
	/* forwarding (and routes): the exchange under way, the bytes the
	 * client sent past its request (its next one), and where the open
	 * server connection leads (kept between exchanges) */
	struct exchange x;
	char *pending;          /* PROXY_HEAD_MAX */
	size_t pending_len;
	const struct proxy_route *up_route;
	char up_host[HTTP_HOST_MAX + 1];
	uint16_t up_port;
	struct addrinfo *ai, *next_ai; /* the addresses, the next to try */
	int last_errno;
	struct pipe c2u, u2c;
	uint64_t up, down;      /* bytes relayed */
	bool allowed;           /* a "net_end" event is due at close */
	bool closed;            /* on px->dead: events for it are stale */
	bool up_hup;            /* the server hung up; what it sent is read
				   as room comes (out of the loop) */
};

/* A new connection from the sandbox (fd non-blocking): it is added to
 * the loop. */
void conn_open(struct px *px, int fd);
/* `ev` became ready with `events`. */
void conn_event(struct px_ev *ev, uint32_t events);
/* A name lookup this connection asked for is done (takes `l`). */
void conn_resolved(struct conn *c, struct lookup *l);
/* Its deadline passed. */
void conn_timeout(struct conn *c);
/* Close now (its memory stays until conn_reap: events already taken
 * for it are ignored). */
void conn_close(struct conn *c);
/* Free the connections closed since the last call. */
void conn_reap(struct px *px);

long px_now_ms(void);

#endif
