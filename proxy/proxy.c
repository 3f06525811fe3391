/* proxy.c — the proxy's thread: one epoll loop over the listener, the
 * connections, the resolver's wake-ups and the deadlines. */
#include "proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"
#include "conn.h"

#define MAX_EVENTS 64

long px_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int proxy_token(struct proxy_setup *set)
{
	unsigned char raw[PROXY_TOKEN_LEN / 2];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(set->token + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* RFC 4648 base64 of `in` into `out` (NUL-terminated; size checked by
 * the caller: 4 * ceil(n / 3) + 1). */
static void base64(const char *in, size_t n, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;

		v |= i + 1 < n ? (unsigned char)in[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned char)in[i + 2] : 0;
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	out[o] = '\0';
}

static void add_fd(struct px *px, int fd, struct px_ev *ev)
{
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = ev };

	epoll_ctl(px->ep, EPOLL_CTL_ADD, fd, &e);
}

/* Every connection waiting: accepted, or refused when too many are open. */
static void accept_all(struct px *px)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
				   "Content-Length: 39\r\n\r\nlatch: too many connections at once\r\n\r\n";
	int fd;

	for (;;) {
		fd = accept4(px->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && px->spare >= 0) {
			/* out of descriptors: take the connection with the spare
			 * one and close it, or it would stay pending (and the
			 * listener readable) for ever */
			close(px->spare);
			fd = accept4(px->listener, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0)
				close(fd);
			px->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
			continue;
		}
		if (fd < 0)
			return; /* EAGAIN: none left; else the next event retries */
		if (px->n >= PROXY_MAX_CONNS) {
			(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		/* relayed pieces go on at once (no Nagle wait for an ACK) */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		conn_open(px, fd);
	}
}

static struct conn *find(struct px *px, uint64_t id)
{
	for (struct conn *c = px->conns; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void resolved(struct px *px)
{
	struct lookup *l = resolver_take(px->res);

	while (l) {
		struct lookup *next = l->next;
		struct conn *c = find(px, l->conn);

		if (c)
			conn_resolved(c, l);
		else
			lookup_free(l);
		l = next;
	}
}

/* The next deadline's distance in ms (-1: none); those passed expire. */
static int deadlines(struct px *px)
{
	long now = px_now_ms(), next = -1;
	struct conn *c = px->conns;

	while (c) {
		struct conn *after = c->next;

		if (c->deadline && c->deadline <= now)
			conn_timeout(c); /* may close c (freed later) */
		else if (c->deadline && (next < 0 || c->deadline < next))
			next = c->deadline;
		c = after;
	}
	return next < 0 ? -1 : (int)(next - now);
}

/* The child's listener, once published: served from then on. */
static void take_listener(struct proxy *p, struct px *px)
{
	uint64_t v;
	int fd;

	while (read(p->wake, &v, sizeof(v)) < 0 && errno == EINTR)
		;
	fd = __atomic_load_n(&p->listener, __ATOMIC_ACQUIRE);
	if (px->listener >= 0 || fd < 0)
		return;
	px->listener = fd;
	/* accept_all takes connections until none is left */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0)
		add_fd(px, fd, &px->ev_listen);
}

/* The loop, until proxy_stop. */
static void *run(void *arg)
{
	struct proxy *p = arg;
	struct px *px = p->px;
	struct epoll_event evs[MAX_EVENTS];

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		int n = epoll_wait(px->ep, evs, MAX_EVENTS, deadlines(px));

		for (int i = 0; i < n; i++) {
			struct px_ev *ev = evs[i].data.ptr;

			switch (ev->kind) {
			case EV_LISTEN:
				accept_all(px);
				break;
			case EV_WAKE: /* published, or stop (checked above) */
				take_listener(p, px);
				break;
			case EV_RESOLVED:
				resolved(px);
				break;
			default:
				conn_event(ev, evs[i].events);
				break;
			}
		}
		conn_reap(px);
	}
	while (px->conns)
		conn_close(px->conns);
	conn_reap(px);
	return NULL;
}

int proxy_start(struct proxy *p, const struct proxy_setup *s)
{
	struct px *px = xcalloc(1, sizeof(*px));
	char cred[16 + PROXY_TOKEN_LEN];
	sigset_t all, old;
	int rc;

	memset(p, 0, sizeof(*p));
	p->listener = -1;
	p->set = *s;
	if (!p->set.head_timeout_ms)
		p->set.head_timeout_ms = PROXY_HEAD_TIMEOUT_MS;
	if (!p->set.resolve_timeout_ms)
		p->set.resolve_timeout_ms = PROXY_RESOLVE_TIMEOUT_MS;
	if (!p->set.connect_timeout_ms)
		p->set.connect_timeout_ms = PROXY_CONNECT_TIMEOUT_MS;
	if (!p->set.response_timeout_ms)
		p->set.response_timeout_ms = PROXY_RESPONSE_TIMEOUT_MS;
	if (!p->set.idle_timeout_ms)
		p->set.idle_timeout_ms = PROXY_IDLE_TIMEOUT_MS;
	px->set = &p->set;
	px->listener = -1;
	px->ev_listen.kind = EV_LISTEN;
	px->ev_wake.kind = EV_WAKE;
	px->ev_resolved.kind = EV_RESOLVED;
	snprintf(cred, sizeof(cred), "latch:%s", s->token);
	base64(cred, strlen(cred), px->auth);
	px->ep = epoll_create1(EPOLL_CLOEXEC);
	p->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	px->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	px->res = px->ep >= 0 && p->wake >= 0 ? resolver_start() : NULL;
	if (px->res == NULL) {
		rc = errno;
		if (px->ep >= 0)
			close(px->ep);
		if (p->wake >= 0)
			close(p->wake);
		if (px->spare >= 0)
			close(px->spare);
		free(px);
		errno = rc;
		return -1;
	}
	add_fd(px, p->wake, &px->ev_wake);
	add_fd(px, resolver_fd(px->res), &px->ev_resolved);
	p->px = px;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->thread, NULL, run, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		resolver_stop(px->res);
		close(px->ep);
		close(p->wake);
		if (px->spare >= 0)
			close(px->spare);
		free(px);
		p->px = NULL;
		errno = rc;
		return -1;
	}
	return 0;
}

static void wake(struct proxy *p)
{
	uint64_t one = 1;

	while (write(p->wake, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

void proxy_publish(struct proxy *p, int listener)
{
	__atomic_store_n(&p->listener, listener, __ATOMIC_RELEASE);
	wake(p);
}

void proxy_stop(struct proxy *p)
{
	struct px *px = p->px;

	if (px == NULL)
		return;
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	wake(p);
	pthread_join(p->thread, NULL);
	resolver_stop(px->res);
	if (px->listener >= 0)
		close(px->listener);
	if (px->spare >= 0)
		close(px->spare);
	close(px->ep);
	close(p->wake);
	free(px);
	p->px = NULL;
	p->listener = -1;
}
