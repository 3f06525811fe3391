/* conn.c — one client connection of the proxy: head, decision, lookup,
 * connect, relay, close. */
#include "conn.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../audit/log.h"
#include "../audit/redact.h"
#include "../common/xalloc.h"

static const char *status_text(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 403: return "Forbidden";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "HTTP Version Not Supported";
	}
}

/* ---- events ---- */

static void watch(struct conn *c, int fd, struct px_ev *ev, uint32_t *have,
		  uint32_t want)
{
	struct epoll_event e = { .events = want, .data.ptr = ev };

	if (fd < 0 || *have == want)
		return;
	epoll_ctl(c->px->ep, EPOLL_CTL_MOD, fd, &e);
	*have = want;
}

static void ensure(struct pipe *p)
{
	if (p->d == NULL)
		p->d = xmalloc(CONN_BUF);
}

static bool room(const struct pipe *p)
{
	return p->d == NULL || p->len < CONN_BUF;
}

/* The events each side is asked for, from the state and the buffers. */
static void update(struct conn *c)
{
	uint32_t cw = 0, uw = 0;

	switch (c->state) {
	case C_HEAD:
		cw = EPOLLIN;
		break;
	case C_RESOLVE:
		break;
	case C_CONNECT:
		uw = EPOLLOUT;
		break;
	case C_TLS:
		uw = c->tls_wants_write ? EPOLLOUT : EPOLLIN;
		break;
	case C_RELAY:
		if (room(&c->c2u) && !c->c2u.eof && (c->tunnel || !c->x.req_done))
			cw |= EPOLLIN;
		if (c->u2c.len > c->u2c.off)
			cw |= EPOLLOUT;
		if (room(&c->u2c) && !c->u2c.eof)
			uw |= EPOLLIN;
		if (c->c2u.len > c->c2u.off || c->tls_wants_write)
			uw |= EPOLLOUT;
		break;
	case C_ANSWER:
		cw = EPOLLOUT;
		break;
	}
	watch(c, c->cfd, &c->ev_client, &c->cev, cw);
	if (!c->up_hup)
		watch(c, c->ufd, &c->ev_up, &c->uev, uw);
}

/* ---- opening and closing ---- */

/* Out of the loop, then closed: a copy of the descriptor elsewhere (a
 * forked helper) must not keep its events coming for a freed connection. */
static void drop_fd(struct px *px, int *fd)
{
	if (*fd < 0)
		return;
	epoll_ctl(px->ep, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}

void conn_open(struct px *px, int fd)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	struct epoll_event e = { .events = EPOLLIN };

	c->px = px;
	c->id = ++px->next_id;
	c->cfd = fd;
	c->ufd = -1;
	c->ev_client = (struct px_ev){ EV_CLIENT, c };
	c->ev_up = (struct px_ev){ EV_UPSTREAM, c };
	c->cev = EPOLLIN;
	c->head = xmalloc(PROXY_HEAD_MAX);
	c->deadline = px_now_ms() + px->set->head_timeout_ms;
	e.data.ptr = &c->ev_client;
	epoll_ctl(px->ep, EPOLL_CTL_ADD, fd, &e);
	c->next = px->conns;
	if (px->conns)
		px->conns->prev = c;
	px->conns = c;
	px->n++;
}

/* "host:port", brackets around an IPv6 address. */
static void authority(const struct http_target *t, char *out, size_t size)
{
	snprintf(out, size, t->kind == HTTP_HOST_IPV6 ? "[%s]:%u" : "%s:%u",
		 t->host, (unsigned)t->port);
}

void conn_close(struct conn *c)
{
	struct px *px = c->px;

	if (c->closed)
		return;
	c->closed = true;
	if (c->allowed && px->set->log)
		audit_net_end(px->set->log, c->tgt.host, c->tgt.port, c->up, c->down);
	tls_free(c->tls);
	c->tls = NULL;
	if (c->state == C_RESOLVE)
		resolver_cancel(px->res, c->id);
	drop_fd(px, &c->cfd);
	drop_fd(px, &c->ufd);
	if (c->prev)
		c->prev->next = c->next;
	else
		px->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	px->n--;
	c->next = px->dead;
	px->dead = c;
}

void conn_reap(struct px *px)
{
	while (px->dead) {
		struct conn *c = px->dead;

		px->dead = c->next;
		if (c->ai)
			freeaddrinfo(c->ai);
		free(c->head);
		free(c->pending);
		exchange_free(&c->x);
		echo_free(&c->echo);
		free(c->c2u.d);
		free(c->u2c.d);
		free(c);
	}
}

/* ---- answers ---- */

/* The path without its query (which may hold a key), for the log. */
static void log_path(const struct conn *c, char *out, size_t size)
{
	const struct http_slice *p = &c->tgt.path;
	const char *q = p->n ? memchr(p->p, '?', p->n) : NULL;
	size_t n = q ? (size_t)(q - p->p) : p->n;

	char *red;

	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p->p ? p->p : "");
	/* a key in the path itself (/bot<token>/…) goes the way of argv's */
	red = redact_word(NULL, out, c->px->set->log ? audit_secrets(c->px->set->log) : NULL);
	if (red) {
		snprintf(out, size, "%s", red);
		free(red);
	}
}

static void log_decision(struct conn *c, const char *decision,
			 const char *reason, int status, const char *address)
{
	char path[512] = "";

	if (c->px->set->log == NULL)
		return;
	if (!c->tunnel)
		log_path(c, path, sizeof(path));
	audit_net(c->px->set->log, &(struct audit_net){
		.kind = c->route ? "route" : c->tunnel ? "connect" : "http",
		.route = c->route ? c->route->name : NULL,
		.host = c->tgt.host[0] ? c->tgt.host : NULL,
		.port = c->tgt.port,
		.path = path[0] ? path : NULL,
		.decision = decision, .reason = reason, .status = status,
		.address = address,
	});
}

/* Answer `status` with `why` as its text, then close; a refusal is
 * logged. */
static void answer(struct conn *c, int status, const char *why)
{
	struct pipe *p = &c->u2c;
	int n;

	log_decision(c, "deny", why, status, NULL);
	ensure(p);
	n = snprintf(p->d, CONN_BUF,
		     "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		     "%sConnection: close\r\nContent-Length: %zu\r\n\r\nlatch: %s\n",
		     status, status_text(status),
		     status == 407 ? "Proxy-Authenticate: Basic realm=\"latch\"\r\n" : "",
		     strlen(why) + 8, why);
	p->off = 0;
	p->len = n > 0 && n < CONN_BUF ? (size_t)n : 0;
	tls_free(c->tls);
	c->tls = NULL;
	drop_fd(c->px, &c->ufd);
	c->uev = 0;
	c->state = C_ANSWER;
	c->deadline = px_now_ms() + c->px->set->head_timeout_ms;
	update(c);
}

/* ---- the decision ---- */

/* Whether `v` is `want`, in time independent of where they differ. */
static bool same_secret(struct http_slice v, const char *want)
{
	size_t n = strlen(want);
	unsigned char diff = 0;

	if (v.n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(v.p[i] ^ want[i]);
	return diff == 0;
}

/* Whether the request carries the session's token, compared in constant
 * time: "Basic" (any case), spaces, then the credentials. */
static bool authorized(const struct conn *c)
{
	size_t i = 5;
	struct http_slice v;

	if (http_lookup(&c->req, "proxy-authorization", &v) != 1 || v.n < 6 ||
	    strncasecmp(v.p, "basic", 5) != 0 || (v.p[5] != ' ' && v.p[5] != '\t'))
		return false;
	while (i < v.n && (v.p[i] == ' ' || v.p[i] == '\t'))
		i++;
	return same_secret((struct http_slice){ v.p + i, v.n - i }, c->px->auth);
}

static void connect_next(struct conn *c);
static void relay_start(struct conn *c);

/* The addresses of an IP literal, as getaddrinfo gives them. */
static int literal(struct conn *c)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM };

	return getaddrinfo(c->tgt.host, NULL, &hints, &c->ai);
}

/* The server connection of the last exchange let go. */
static void drop_upstream(struct conn *c)
{
	tls_free(c->tls);
	c->tls = NULL;
	drop_fd(c->px, &c->ufd);
	c->uev = 0;
	c->up_hup = false;
}

/* Look the destination up (a name), or take its address (a literal);
 * the server connection of the last exchange when it leads there. */
static void go(struct conn *c)
{
	if (c->ufd >= 0 && c->up_route == c->route && c->up_port == c->tgt.port &&
	    strcmp(c->up_host, c->tgt.host) == 0 && !c->tunnel)
		return relay_start(c);
	drop_upstream(c);
	if (c->ai) {
		freeaddrinfo(c->ai);
		c->ai = c->next_ai = NULL;
	}
	c->u2c.eof = c->u2c.shut = c->c2u.eof = c->c2u.shut = false;
	if (c->tgt.kind != HTTP_HOST_NAME) {
		if (literal(c) != 0)
			return answer(c, 400, "not an address");
		c->next_ai = c->ai;
		return connect_next(c);
	}
	if (resolver_ask(c->px->res, c->id, c->tgt.host) < 0)
		return answer(c, 503, "too many name lookups waiting");
	c->state = C_RESOLVE;
	c->deadline = px_now_ms() + c->px->set->resolve_timeout_ms;
	update(c);
}

/* "/NAME/rest" to the credential route NAME, with its phantom. */
static void decide_route(struct conn *c)
{
	const struct http_slice *t = &c->req.target;
	size_t n = strcspn(t->p + 1, "/?") + 1, nr = c->px->set->n_routes;
	const struct proxy_route *r = c->px->set->routes;
	struct http_slice v;
	struct in6_addr a6;
	struct in_addr a4;

	if (n > t->n)
		n = t->n;
	for (; nr && (strlen(r->name) != n - 1 || memcmp(r->name, t->p + 1, n - 1) != 0); r++, nr--)
		;
	if (nr == 0)
		return answer(c, 404, "no such credential route on this proxy");
	c->route = r;
	echo_free(&c->echo);
	echo_init(&c->echo, r->key, r->key_enc);
	snprintf(c->tgt.host, sizeof(c->tgt.host), "%s", r->host);
	c->tgt.port = r->port;
	c->tgt.kind = inet_pton(AF_INET, r->host, &a4) == 1 ? HTTP_HOST_IPV4
		      : inet_pton(AF_INET6, r->host, &a6) == 1 ? HTTP_HOST_IPV6 : HTTP_HOST_NAME;
	c->tgt.path = (struct http_slice){ t->p + n, t->n - n };
	if (http_path_climbs(c->tgt.path))
		return answer(c, 400, "a credential route's path may not hold '.' or '..' segments");
	if ((r->header ? http_lookup(&c->req, r->header, &v) != 1
		       : http_query_param(c->tgt.path, r->param, &v) != 1) ||
	    !same_secret(v, r->expect))
		return answer(c, 401, "the credential is not this session's phantom (the sandbox's own variable holds it)");
	c->phantom = r->header ? (struct http_slice){ NULL, 0 } : v;
	go(c);
}

/* The request head is in: check it, then look the destination up. */
static void decide(struct conn *c)
{
	enum allow_verdict v;
	bool connect = c->req.method.n == 7 && memcmp(c->req.method.p, "CONNECT", 7) == 0;

	if (c->px->set->log && audit_failed(c->px->set->log))
		return answer(c, 503, "latch's audit log cannot be written (a full disk?): nothing goes out unlogged");
	if (c->req.target.n && c->req.target.p[0] == '/')
		return decide_route(c);
	c->tunnel = connect;
	if (!authorized(c))
		return answer(c, 407, "this proxy is latch's; it needs the session's token (from HTTP_PROXY)");
	if (http_request_target(&c->req, &c->tgt) < 0 ||
	    (!connect && c->tgt.form != HTTP_FORM_ABSOLUTE)) {
		c->tgt.host[0] = '\0';
		return answer(c, 400, connect ? "CONNECT needs host:port"
					      : "only CONNECT and http:// requests are proxied (https:// goes through CONNECT)");
	}
	if (host_is_metadata(c->tgt.host))
		return answer(c, 403, "cloud metadata hosts are never reachable from the sandbox");
	if (!connect) {
		char *path = xstrndup(c->tgt.path.p, c->tgt.path.n);

		v = allow_check(c->px->set->allow, c->tgt.host, c->tgt.port, path);
		free(path);
	} else {
		v = allow_check(c->px->set->allow, c->tgt.host, c->tgt.port, NULL);
	}
	if (v != ALLOW)
		return answer(c, 403, allow_reason(v));
	go(c);
}

void conn_resolved(struct conn *c, struct lookup *l)
{
	if (c->state != C_RESOLVE) {
		lookup_free(l);
		return;
	}
	c->ai = l->ai;
	l->ai = NULL;
	lookup_free(l);
	if (c->ai == NULL)
		return answer(c, 502, "the name does not resolve");
	c->next_ai = c->ai;
	connect_next(c);
}

/* ---- connecting ---- */

static void handshake(struct conn *c);

/* Whether the proxy may connect to `a`; else why not in *why. */
static bool permitted(const struct conn *c, const struct addrinfo *a,
		      const char **why)
{
	enum addr_class k = addr_classify(a->ai_addr);

	if (addr_permitted(k, c->px->set->private_ok))
		return true;
	*why = k == ADDR_PRIVATE || k == ADDR_LOOPBACK
	       ? "it resolves to a private or loopback address (network.private: true to allow)"
	       : "it resolves to a link-local or unroutable address (never reachable)";
	return false;
}

/* Try the next permitted address. */
static void connect_next(struct conn *c)
{
	const char *why = NULL;

	drop_fd(c->px, &c->ufd);
	c->uev = 0;
	for (; c->next_ai; c->next_ai = c->next_ai->ai_next) {
		struct addrinfo *a = c->next_ai;
		struct epoll_event e = { .events = EPOLLOUT, .data.ptr = &c->ev_up };
		int fd;

		if (!permitted(c, a, &why))
			continue;
		if (a->ai_family == AF_INET)
			((struct sockaddr_in *)a->ai_addr)->sin_port = htons(c->tgt.port);
		else
			((struct sockaddr_in6 *)a->ai_addr)->sin6_port = htons(c->tgt.port);
		fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			c->last_errno = errno;
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS) {
			c->last_errno = errno;
			close(fd);
			continue;
		}
		c->ufd = fd;
		c->uev = EPOLLOUT;
		epoll_ctl(c->px->ep, EPOLL_CTL_ADD, fd, &e);
		c->state = C_CONNECT;
		c->deadline = px_now_ms() + c->px->set->connect_timeout_ms;
		update(c);
		return;
	}
	if (why && c->last_errno == 0)
		return answer(c, 403, why);
	{
		char msg[400];

		snprintf(msg, sizeof(msg), "cannot connect to %s: %s", c->tgt.host,
			 strerror(c->last_errno ? c->last_errno : ECONNREFUSED));
		answer(c, 502, msg);
	}
}

/* The upstream socket became writable while connecting. */
static void connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		c->last_errno = err;
		c->next_ai = c->next_ai->ai_next;
		return connect_next(c);
	}
	if (c->route == NULL)
		return relay_start(c);
	c->tls = tls_new(c->route->tls, c->ufd, c->tgt.host);
	if (c->tls == NULL)
		return answer(c, 502, "libssl cannot start a TLS session");
	c->state = C_TLS;
	handshake(c);
}

/* One step of the TLS handshake with a route's server. */
static void handshake(struct conn *c)
{
	char msg[400];

	switch (tls_handshake(c->tls)) {
	case TLS_DONE:
		c->tls_wants_write = false;
		return relay_start(c);
	case TLS_WANT_READ:
		c->tls_wants_write = false;
		break;
	case TLS_WANT_WRITE:
		c->tls_wants_write = true;
		break;
	default:
		snprintf(msg, sizeof(msg), "TLS to %s failed: %s", c->tgt.host, tls_why(c->tls));
		return answer(c, 502, msg);
	}
	update(c);
}

/* ---- relaying ---- */

static void put(struct pipe *p, const void *d, size_t n)
{
	ensure(p);
	memcpy(p->d + p->len, d, n);
	p->len += n;
}

/* Bytes of the client's past its request: its next request's start, for
 * after this exchange. -1 when more than a head's worth. */
static int keep_pending(struct conn *c, const char *d, size_t n)
{
	if (n == 0)
		return 0;
	if (c->pending == NULL)
		c->pending = xmalloc(PROXY_HEAD_MAX);
	if (n > PROXY_HEAD_MAX - c->pending_len)
		return -1;
	memcpy(c->pending + c->pending_len, d, n);
	c->pending_len += n;
	return 0;
}

/* Of n bytes from the client, the request body's go on; the rest waits
 * for the next exchange. */
static int request_bytes(struct conn *c, const char *d, size_t n, ptrdiff_t *body)
{
	*body = exchange_request(&c->x, d, n);
	return *body < 0 ? -1 : keep_pending(c, d + *body, n - (size_t)*body);
}

/* The way is open: a tunnel's 200, or the forwarded head, then what the
 * client already sent after its head. */
static void relay_start(struct conn *c)
{
	char addr[INET6_ADDRSTRLEN + 8] = "", hostport[300];
	const char *rest = c->head + c->req.len;
	size_t nrest = c->head_len - c->req.len;
	const struct addrinfo *a = c->next_ai;

	inet_ntop(a->ai_family, a->ai_family == AF_INET
		  ? (const void *)&((const struct sockaddr_in *)a->ai_addr)->sin_addr
		  : (const void *)&((const struct sockaddr_in6 *)a->ai_addr)->sin6_addr,
		  addr, sizeof(addr));
	c->state = C_RELAY;
	/* a tunnel flows at once; a forwarded request waits for its answer */
	c->flowing = c->tunnel;
	c->deadline = px_now_ms() + (c->tunnel ? c->px->set->idle_timeout_ms
					       : c->px->set->response_timeout_ms);
	if (c->tunnel) {
		static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";

		put(&c->u2c, ok, sizeof(ok) - 1);
		put(&c->c2u, rest, nrest);
	} else {
		/* a route's credential header (NULL: none, or a query parameter) */
		const struct proxy_route *hr = c->route && c->route->header ? c->route : NULL;
		const char *drop[] = { "host", hr ? hr->header : "host" };
		struct http_add add[] = { { "Host", hostport },
					  { hr ? hr->header : "", hr ? hr->secret : "" } };
		struct http_upstream up = { .target = c->tgt.path, .drop = drop, .ndrop = 2,
					    .add = add, .nadd = hr ? 2 : 1 };
		char *target = NULL;
		ptrdiff_t n, body;

		if (c->route && !hr) { /* the phantom parameter's value replaced */
			const char *p = c->tgt.path.p, *after = c->phantom.p + c->phantom.n;

			target = xasprintf("%s%.*s%s%.*s", c->route->base, (int)(c->phantom.p - p), p,
					   c->route->secret, (int)(p + c->tgt.path.n - after), after);
		} else if (c->route) { /* the server's base path, then the rest */
			target = xasprintf("%s%.*s", c->route->base, (int)c->tgt.path.n, c->tgt.path.p);
		}
		if (c->route) {
			if (target[0] != '/') {
				char *slash = xasprintf("/%s", target);

				free(target);
				target = slash;
			}
			up.target = (struct http_slice){ target, strlen(target) };
		}
		if (c->tgt.port == (c->route ? 443 : 80))
			snprintf(hostport, sizeof(hostport), c->tgt.kind == HTTP_HOST_IPV6 ? "[%s]" : "%s",
				 c->tgt.host);
		else
			authority(&c->tgt, hostport, sizeof(hostport));
		ensure(&c->c2u);
		n = http_build_request(c->c2u.d, CONN_BUF, &c->req, &up);
		free(target);
		if (n < 0)
			return answer(c, 400, "the request head cannot be forwarded");
		c->c2u.len = (size_t)n;
		exchange_start(&c->x, &c->req);
		if (request_bytes(c, rest, nrest, &body) < 0)
			return answer(c, 400, "malformed chunked body, or too much sent ahead");
		if ((size_t)body > CONN_BUF - c->c2u.len)
			return answer(c, 431, "request head and body start too large");
		put(&c->c2u, rest, (size_t)body);
	}
	c->allowed = true;
	log_decision(c, "allow", NULL, 0, addr);
	update(c);
}

/* Read up to `n` bytes from one side: the server's through TLS for a
 * credential route. As read(2): 0 at its end, -1 with errno (EAGAIN:
 * later). */
static ssize_t io_read(struct conn *c, bool up, char *buf, size_t n)
{
	size_t moved;
	ssize_t got;

	if (!up || c->tls == NULL) {
		do
			got = read(up ? c->ufd : c->cfd, buf, n);
		while (got < 0 && errno == EINTR);
		return got;
	}
	c->tls_wants_write = false;
	switch (tls_read(c->tls, buf, n, &moved)) {
	case TLS_DONE:
		return (ssize_t)moved;
	case TLS_EOF:
		return 0;
	case TLS_WANT_WRITE:
		c->tls_wants_write = true;
		/* fall through */
	case TLS_WANT_READ:
		errno = EAGAIN;
		return -1;
	default:
		errno = EPROTO;
		return -1;
	}
}

static ssize_t io_write(struct conn *c, bool up, const char *buf, size_t n)
{
	size_t moved;

	if (!up || c->tls == NULL)
		return send(up ? c->ufd : c->cfd, buf, n, MSG_NOSIGNAL);
	switch (tls_write(c->tls, buf, n, &moved)) {
	case TLS_DONE:
		return (ssize_t)moved;
	case TLS_WANT_READ:
	case TLS_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	default:
		errno = EPIPE;
		return -1;
	}
}

/* Read from one side into `p`; 0 at end of file, -1 on error. */
static ssize_t fill(struct conn *c, bool up, struct pipe *p, size_t max)
{
	ssize_t n;

	ensure(p);
	if (p->off == p->len)
		p->off = p->len = 0;
	else if (p->off && p->len == CONN_BUF) {
		memmove(p->d, p->d + p->off, p->len - p->off);
		p->len -= p->off;
		p->off = 0;
	}
	if (max > CONN_BUF - p->len)
		max = CONN_BUF - p->len;
	n = io_read(c, up, p->d + p->len, max);
	if (n > 0 && c->flowing) /* idle only once nothing moves either way */
		c->deadline = px_now_ms() + c->px->set->idle_timeout_ms;
	return n;
}

/* Write what `p` holds to one side; -1 on error. */
static int drain(struct conn *c, bool up, struct pipe *p, uint64_t *count)
{
	while (p->off < p->len) {
		ssize_t n = io_write(c, up, p->d + p->off, p->len - p->off);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		p->off += (size_t)n;
		*count += (uint64_t)n;
	}
	p->off = p->len = 0; /* all written: room again */
	return 0;
}

/* Bytes from the client: for a tunnel all of them, when forwarding only
 * the request's body. */
static int from_client(struct conn *c)
{
	struct pipe *p = &c->c2u;
	ssize_t n = fill(c, false, p, CONN_BUF), body;

	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0) {
		p->eof = true;
		return c->tunnel || c->x.req_done ? 0 : -1; /* a body cut short */
	}
	if (c->tunnel) {
		p->len += (size_t)n;
		return 0;
	}
	if (request_bytes(c, p->d + p->len, (size_t)n, &body) < 0)
		return -1;
	p->len += (size_t)body;
	return 0;
}

/* Bytes from the server; -1 when it failed, or closed before answering
 * a forwarded request. */
static int from_upstream(struct conn *c)
{
	ssize_t n = fill(c, true, &c->u2c, CONN_BUF);

	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0 && !c->tunnel && c->down == 0 && c->u2c.len == 0)
		return -1;
	c->flowing = true; /* the answer has begun */
	if (n == 0) {
		c->u2c.eof = true;
		return 0;
	}
	if (c->route && echo_feed(&c->echo, c->u2c.d + c->u2c.len, (size_t)n)) {
		/* the server sent the real key back: it goes no further */
		log_decision(c, "deny", "the server's answer held the route's real credential: cut off", 0, NULL);
		return -1;
	}
	if (!c->tunnel) {
		ptrdiff_t k = exchange_response(&c->x, c->u2c.d + c->u2c.len, (size_t)n);

		if (k < 0)
			return -1;
		if (k < n) /* past the response's end: nothing more from there */
			c->u2c.eof = true;
		n = k;
	}
	c->u2c.len += (size_t)n;
	return 0;
}

/* Pass an end of file on once what came before it is written; the
 * connection is over when both ways are (forwarding: when the server's
 * answer is). */
static bool finished(struct conn *c)
{
	struct pipe *dirs[2] = { &c->c2u, &c->u2c };
	int fds[2] = { c->ufd, c->cfd };

	for (int i = 0; i < 2; i++)
		if (dirs[i]->eof && !dirs[i]->shut && dirs[i]->off == dirs[i]->len) {
			shutdown(fds[i], SHUT_WR);
			dirs[i]->shut = true;
		}
	if (!c->tunnel)
		return c->u2c.shut;
	return c->c2u.shut && c->u2c.shut;
}

static void parse_head(struct conn *c);

/* A forwarded exchange whose answer is all written: the next request on
 * the same connections when both sides keep them, else the end. 1 when
 * it goes on. */
static int next_exchange(struct conn *c)
{
	if (c->tunnel || !c->x.resp_done || c->u2c.off != c->u2c.len)
		return 0;
	/* answered before the request was all sent, or past its end: the
	 * server connection is in no state to go on */
	if (!exchange_reusable(&c->x) || c->u2c.eof || c->c2u.off != c->c2u.len)
		return -1;
	if (c->allowed && c->px->set->log)
		audit_net_end(c->px->set->log, c->tgt.host, c->tgt.port, c->up, c->down);
	c->allowed = false;
	c->up = c->down = 0;
	c->up_route = c->route;
	snprintf(c->up_host, sizeof(c->up_host), "%s", c->tgt.host);
	c->up_port = c->tgt.port;
	c->state = C_HEAD;
	c->flowing = false;
	c->route = NULL;
	memset(&c->tgt, 0, sizeof(c->tgt));
	c->c2u.off = c->c2u.len = 0;
	memcpy(c->head, c->pending ? c->pending : "", c->pending_len);
	c->head_len = c->pending_len;
	c->pending_len = 0;
	c->deadline = px_now_ms() + c->px->set->head_timeout_ms;
	update(c);
	if (c->head_len)
		parse_head(c);
	return 1;
}

/* The server's bytes that no socket event will announce: those TLS has
 * decrypted already, and those of a server that hung up (out of the
 * loop): read and passed on while there is room. -1/-2 as relay's. */
static int unannounced(struct conn *c)
{
	while (!c->u2c.eof && room(&c->u2c) &&
	       ((c->tls && tls_pending(c->tls)) || c->up_hup)) {
		size_t had = c->u2c.len;

		if (from_upstream(c) < 0)
			return -2;
		if (c->u2c.len == had && !c->u2c.eof)
			break; /* nothing came: wait for an event */
		if (drain(c, false, &c->u2c, &c->down) < 0)
			return -1;
	}
	return 0;
}

/* -1: the client's side failed; -2: the server's. */
static void relay(struct conn *c, bool client, uint32_t events)
{
	int rc = 0;

	if (events & EPOLLIN)
		rc = client ? from_client(c) : from_upstream(c) < 0 ? -2 : 0;
	if (rc == 0 && drain(c, true, &c->c2u, &c->up) < 0)
		rc = -2;
	if (rc == 0 && drain(c, false, &c->u2c, &c->down) < 0)
		rc = -1;

	/* the server hung up while its bytes wait in the kernel (not read:
	 * the buffer is full): read them as room comes, then its end */
	if (rc == 0 && !client && (events & EPOLLHUP) && !(events & (EPOLLIN | EPOLLERR))) {
		epoll_ctl(c->px->ep, EPOLL_CTL_DEL, c->ufd, NULL);
		c->up_hup = true;
		c->uev = 0;
	} else if (rc == 0 && (events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
		rc = client ? -1 : -2;
	}
	if (rc == 0)
		rc = unannounced(c);
	/* a forwarded request whose server went away before answering: the
	 * client hears why (a tunnel's client just sees the close) */
	if (rc == -2 && !c->tunnel && c->down == 0 && c->u2c.len == c->u2c.off) {
		c->allowed = false;
		return answer(c, 502, "the server closed the connection without answering");
	}
	if (rc < 0 || finished(c))
		return conn_close(c);
	switch (next_exchange(c)) {
	case -1:
		return conn_close(c);
	case 1:
		return;
	default:
		update(c);
	}
}

/* ---- the head ---- */

static void read_head(struct conn *c)
{
	ssize_t n;

	do
		n = read(c->cfd, c->head + c->head_len, PROXY_HEAD_MAX - c->head_len);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0)
		return conn_close(c);
	c->head_len += (size_t)n;
	/* a head ends with a line: parse (from the start) only then */
	if (memchr(c->head + c->head_len - n, '\n', (size_t)n) || c->head_len == PROXY_HEAD_MAX)
		parse_head(c);
}

static void parse_head(struct conn *c)
{
	switch (http_parse_request(&c->req, c->head, c->head_len, PROXY_HEAD_MAX)) {
	case HTTP_INCOMPLETE:
		if (c->head_len == PROXY_HEAD_MAX)
			answer(c, 431, "the request head is too large");
		return;
	case HTTP_BAD:
		return answer(c, (int)c->req.error, "malformed request");
	case HTTP_DONE:
		return decide(c);
	}
}

void conn_event(struct px_ev *ev, uint32_t events)
{
	struct conn *c = ev->c;
	bool client = ev->kind == EV_CLIENT;

	if (c->closed)
		return;
	/* a kept server connection that closes between exchanges */
	if (!client && c->state != C_RELAY && c->state != C_CONNECT && c->state != C_TLS)
		return drop_upstream(c);
	/* a client gone (reset) while nothing is read from it */
	if (client && (events & (EPOLLERR | EPOLLHUP)) && c->state != C_RELAY &&
	    c->state != C_HEAD && c->state != C_ANSWER)
		return conn_close(c);
	switch (c->state) {
	case C_HEAD:
		if (client)
			read_head(c);
		return;
	case C_RESOLVE:
		return;
	case C_CONNECT:
		if (!client)
			connected(c);
		return;
	case C_TLS:
		if (!client)
			handshake(c);
		return;
	case C_RELAY:
		return relay(c, client, events);
	case C_ANSWER:
		if (client && (drain(c, false, &c->u2c, &c->down) < 0 || c->u2c.off == c->u2c.len)) {
			shutdown(c->cfd, SHUT_WR);
			conn_close(c);
		}
		return;
	}
}

void conn_timeout(struct conn *c)
{
	switch (c->state) {
	case C_HEAD:
		return answer(c, 408, "no complete request head in time");
	case C_RESOLVE:
		return answer(c, 504, "the name lookup took too long");
	case C_CONNECT:
		c->last_errno = ETIMEDOUT;
		c->next_ai = c->next_ai->ai_next;
		return connect_next(c);
	case C_TLS:
		return answer(c, 504, "the TLS handshake with the server took too long");
	case C_RELAY:
		if (c->flowing) /* nothing either way for idle_timeout_ms */
			return conn_close(c);
		c->allowed = false; /* forwarding, nothing came back */
		return answer(c, 504, "the server did not answer in time");
	default:
		return conn_close(c);
	}
}
