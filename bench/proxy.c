/* proxy.c — latch's network proxy against direct connections.
 *
 * With `--net allowlist` a sandboxed program's only way out is latch's
 * HTTP proxy (proxy/proxy.h): CONNECT tunnels, and plain http://
 * requests forwarded with keep-alive (the client's connection and the
 * one to the server carry request after request). This program measures
 * what that costs, against the same requests made directly, in the same
 * run:
 *
 *   serve   a loopback HTTP/1.1 server (one epoll loop, keep-alive):
 *           GET or POST /small answers 64 bytes, GET /big?bytes=N
 *           streams N bytes (Content-Length, from one reused buffer);
 *   client  a load generator against that server, directly (and, with
 *           -R, through a bare relay), or with -P through the proxy named
 *           by HTTP_PROXY, so inside `latch run`: for each route and each
 *           kind of request, CONNS connections doing requests for SECONDS
 *           (the rate; each request's latency), then 1 connection for
 *           SECONDS (the latency unloaded); then one download of /big per
 *           route (the throughput);
 *   bench   all of it: starts the server and the relay floor (child
 *           processes), then runs the client ROUNDS times directly (-R)
 *           and ROUNDS times under
 *             LATCH run --net allowlist --allow-domain 127.0.0.1:PORT
 *                       -p PROFILE --read SELF --exec SELF --
 *                       SELF client -P …
 *           alternating which goes first, and reports the medians of the
 *           rounds as tables and as ratios against the targets. PROFILE
 *           is written to the current directory (the workspace): it
 *           extends `default`, allows 127.0.0.1:PORT and private
 *           (loopback) destinations.
 *
 * The relay floor is what any proxy hop costs on this machine, with none
 * of a proxy's work: one epoll loop that copies each socket's bytes to
 * the other through a 64 KiB buffer (as latch's proxy does), sockets with
 * TCP_NODELAY, reached without CONNECT. No proxy does much better (one
 * whose loop differs in detail may, a little); the gap between it and
 * the proxy is the proxy's own work.
 *
 * The routes (ROUTE in the client's output):
 *   direct      to the server
 *   relay       through the relay floor
 *   tunnel      CONNECT through the proxy (set up before timing), then
 *               the requests inside the tunnel
 *   forwarding  absolute-form requests (GET http://127.0.0.1:PORT/small)
 *               to the proxy, with Proxy-Authorization
 * and the requests (KIND), all of them many on one connection, each
 * response read by its Content-Length:
 *   get         GET /small
 *   split       POST /small, in two writes: the head, then its 64-byte
 *               body (write, write, read: what a TLS client or a POST
 *               often does; a hop without TCP_NODELAY stalls it for a
 *               delayed ACK, ~40 ms); 1 connection only
 * Each connection's first request is untimed (through the proxy, it
 * opens the proxy's connection to the server). A request's latency runs
 * from just before it is sent to the last byte of its body. Any failure
 * (a refused connection, a status other than 200, a short body, 30 s
 * without progress) stops the client with the reason.
 *
 * Usage:
 *   proxy serve [-p PORT]
 *       prints the port (PORT, default any free one) and serves on
 *       127.0.0.1 until killed
 *   proxy client -a 127.0.0.1:PORT [-P | -R 127.0.0.1:RELAYPORT]
 *                [-c CONNS] [-t SECONDS] [-B BYTES]
 *       prints one line per measurement:
 *         req ROUTE KIND CONNS REQUESTS SECONDS P50 P99 SLOW
 *             (latencies in s; SLOW: requests that took 10 ms or more)
 *         big ROUTE BYTES SECONDS
 *   proxy bench [-l LATCH] [-c CONNS] [-t SECONDS] [-r ROUNDS] [-B BYTES]
 *   CONNS    concurrent connections of the load phase (default 8)
 *   SECONDS  how long each phase runs (default 1)
 *   ROUNDS   rounds of the client per way (default 3)
 *   BYTES    the size of /big, with K, M or G (KiB …; default 1G)
 *   LATCH    the latch binary (default $LATCH, else ./latch)
 * Only loopback addresses are accepted as destinations.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

const char harness_name[] = "proxy";

extern char **environ;

#define SMALL_BODY 64
#define BIG_CHUNK (256 * 1024)    /* the server's writes of /big */
#define SRV_IN 8192               /* a request head, at most */
#define RD_BUF (256 * 1024)       /* the client's reads */
#define RELAY_BUF (64 * 1024)     /* the relay floor's, as latch's CONN_BUF */
#define IO_TIMEOUT_S 30           /* a socket that hangs this long: die */
#define MAX_ARGS 40

#define SLOW_S 0.010             /* a request this slow is counted as a stall */

/* How the client reaches the server: a name (in the client's output and
 * the verdicts) and a label (in the tables). */
enum route { DIRECT, RELAY, TUNNEL, FORWARD, NROUTES };
static const struct { const char *name, *label; } routes[NROUTES] = {
	[DIRECT] = { "direct", "direct" },
	[RELAY] = { "relay", "relay floor" },
	[TUNNEL] = { "tunnel", "proxy tunnel" },
	[FORWARD] = { "forwarding", "proxy forwarding" },
};

/* What the client sends, again and again on each connection. */
enum kind { GET, SPLIT, NKINDS };
static const struct { const char *name, *label; } kinds[NKINDS] = {
	[GET] = { "get", "keep-alive" },       /* GET /small */
	[SPLIT] = { "split", "POST in two writes" }, /* POST /small: the head,
							then its body */
};

/* ---- small helpers ---- */

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size); /* never 0 bytes */

	if (p == NULL)
		die("out of memory");
	return p;
}

/* A size in bytes: digits with an optional K, M or G (binary units). */
static unsigned long long parse_bytes(const char *s, const char *what)
{
	char *end;
	unsigned long long v, unit = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		unit = 1ULL << 10;
	else if (*end == 'M' || *end == 'm')
		unit = 1ULL << 20;
	else if (*end == 'G' || *end == 'g')
		unit = 1ULL << 30;
	if (unit > 1)
		end++;
	if (errno || *end || end == s || s[0] == '-' || v == 0 ||
	    v > (1ULL << 40) / unit)
		die("%s must be a size from 1 byte to 1024G (digits, then K, M "
		    "or G), not '%s'", what, s);
	return v * unit;
}

/* "127.0.0.1:PORT" into *a; only loopback addresses. */
static void parse_addr(const char *s, struct sockaddr_in *a, const char *what)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		die("%s must be 127.x.x.x:PORT, not '%s'", what, s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1 ||
	    ntohl(a->sin_addr.s_addr) >> 24 != 127)
		die("%s must be a loopback address (127.x.x.x:PORT), not '%s'",
		    what, s);
	port = parse_count(colon + 1, what, 1, 65535);
	a->sin_port = htons((uint16_t)port);
}

/* RFC 4648 base64 of n bytes of `in`; out needs 4 * ((n + 2) / 3) + 1. */
static void base64(const char *in, size_t n, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)in[i] << 16;

		v |= i + 1 < n ? (unsigned)(unsigned char)in[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned)(unsigned char)in[i + 2] : 0;
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	out[o] = '\0';
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* ---- the server ---- */

struct sconn {
	int fd;
	uint32_t events;         /* what epoll watches for */
	char in[SRV_IN];         /* what came in, not yet answered */
	size_t inlen;
	char out[512];           /* the response head (and a small body) */
	size_t outlen, outoff;
	unsigned long long big_left; /* body bytes of /big still to send */
	bool busy;               /* a response is being sent */
	bool closing;            /* close once it is sent */
	bool eof;                /* the client sent its end */
};

static char big_chunk[BIG_CHUNK];       /* /big's bytes, sent again and again */
static char small[SMALL_BODY + 1];      /* /small's body, NUL-terminated */

/* The bodies: letters, and a newline ending the small one. */
static void init_bodies(void)
{
	for (size_t i = 0; i < sizeof(big_chunk); i++)
		big_chunk[i] = (char)('a' + i % 26);
	memcpy(small, big_chunk, SMALL_BODY - 1);
	small[SMALL_BODY - 1] = '\n';
}

/* The response to the request head `head` (NUL-terminated) into c:
 * GET /small, POST /small (its body ignored), GET /big?bytes=N. */
static void respond(struct sconn *c, const char *head)
{
	unsigned long long len = SMALL_BODY;
	const char *path = strncmp(head, "GET ", 4) == 0 ? head + 4
			   : strncmp(head, "POST /small ", 12) == 0 ? head + 5 : NULL;
	int status = 200, n;

	c->closing = strcasestr(head, "\r\nconnection: close") != NULL ||
		     strstr(head, " HTTP/1.0\r\n") != NULL;
	c->big_left = 0;
	if (path && strncmp(path, "/small ", 7) == 0) {
		len = SMALL_BODY;
	} else if (path && strncmp(path, "/big?bytes=", 11) == 0) {
		len = strtoull(path + 11, NULL, 10);
		c->big_left = len;
	} else {
		status = 404;
		len = 0;
		c->closing = true;
	}
	n = snprintf(c->out, sizeof(c->out),
		     "HTTP/1.1 %d %s\r\nContent-Type: application/octet-stream\r\n"
		     "Content-Length: %llu\r\n%s\r\n%s", status,
		     status == 200 ? "OK" : "Not Found", len,
		     c->closing ? "Connection: close\r\n" : "",
		     status == 200 && !c->big_left ? small : "");
	c->outlen = (size_t)n;
	c->outoff = 0;
	c->busy = true;
}

/* Take the next whole request (head and Content-Length body) out of
 * c->in and set up its response: 1 when one was taken, 0 when none is
 * whole yet, -1 when it is too large. */
static int take_request(struct sconn *c)
{
	char *end = memmem(c->in, c->inlen, "\r\n\r\n", 4), *cl;
	unsigned long long body = 0;
	size_t n;

	if (end == NULL)
		return c->inlen == sizeof(c->in) ? -1 : 0;
	n = (size_t)(end + 4 - c->in);
	end[2] = '\0'; /* the head's last line keeps its CRLF */
	if ((cl = strcasestr(c->in, "\r\ncontent-length:")) != NULL)
		body = strtoull(cl + 17, NULL, 10);
	if (body > sizeof(c->in) - n)
		return -1;
	if (n + body > c->inlen) {
		end[2] = '\r'; /* not yet: the head as it was */
		return 0;
	}
	n += (size_t)body;
	respond(c, c->in);
	memmove(c->in, c->in + n, c->inlen - n);
	c->inlen -= n;
	return 1;
}

/* Send what the response still holds: 1 when all of it is sent, 0 when
 * the socket is full, -1 on an error (the client went away). */
static int send_some(struct sconn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->outoff += (size_t)n;
	}
	while (c->big_left) {
		size_t want = c->big_left < BIG_CHUNK ? (size_t)c->big_left : BIG_CHUNK;
		ssize_t n = send(c->fd, big_chunk, want, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->big_left -= (unsigned long long)n;
	}
	return 1;
}

/* Read what the client sent; -1 when its connection failed. */
static int srv_read(struct sconn *c)
{
	ssize_t n;

	if (c->inlen == sizeof(c->in))
		return 0; /* full: answer first */
	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		c->eof = true;
	c->inlen += (size_t)n;
	return 0;
}

static void srv_close(int ep, struct sconn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* Answer requests until one has to wait; false when c is closed. */
static bool srv_progress(int ep, struct sconn *c)
{
	for (;;) {
		if (c->busy) {
			int rc = send_some(c);

			if (rc < 0 || (rc > 0 && c->closing)) {
				srv_close(ep, c);
				return false;
			}
			if (rc == 0)
				return true;
			c->busy = false;
		}
		switch (take_request(c)) {
		case -1:
			srv_close(ep, c);
			return false;
		case 0:
			if (c->eof) {
				srv_close(ep, c);
				return false;
			}
			return true;
		}
	}
}

static void srv_event(int ep, struct sconn *c, uint32_t events)
{
	uint32_t want;

	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && srv_read(c) < 0) {
		srv_close(ep, c);
		return;
	}
	if (!srv_progress(ep, c))
		return;
	want = c->busy ? EPOLLOUT : EPOLLIN;
	if (want != c->events) {
		struct epoll_event e = { .events = want, .data.ptr = c };

		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
		c->events = want;
	}
}

static void srv_accept(int ep, int listener)
{
	int fd;

	while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct sconn *c = xcalloc(1, sizeof(*c));
		struct epoll_event e = { .events = EPOLLIN, .data.ptr = c };

		nodelay(fd);
		c->fd = fd;
		c->events = EPOLLIN;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0)
			die("server: epoll_ctl: %s", strerror(errno));
	}
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED &&
	    errno != EMFILE && errno != ENFILE)
		die("server: accept: %s", strerror(errno));
}

/* Serve on `listener` (nonblocking) until killed. */
static void __attribute__((noreturn)) serve(int listener)
{
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = NULL }, evs[64];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	init_bodies();
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &e) < 0)
		die("server: epoll: %s", strerror(errno));
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		if (n < 0 && errno != EINTR)
			die("server: epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				srv_accept(ep, listener);
			else
				srv_event(ep, evs[i].data.ptr, evs[i].events);
		}
	}
}

/* A nonblocking listening socket on 127.0.0.1:port (0: any); *bound =
 * the port it got. */
static int listen_on(long port, long *bound)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("server: socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("server: cannot bind 127.0.0.1:%ld: %s", port, strerror(errno));
	if (listen(fd, 1024) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("server: listen: %s", strerror(errno));
	*bound = ntohs(a.sin_port);
	return fd;
}

static int serve_main(int argc, char **argv)
{
	long port = 0, bound;
	int opt, fd;

	while ((opt = getopt(argc, argv, "p:h")) != -1) {
		if (opt != 'p')
			die("usage: proxy serve [-p PORT]");
		port = parse_count(optarg, "-p PORT", 0, 65535);
	}
	if (optind != argc)
		die("usage: proxy serve [-p PORT]");
	fd = listen_on(port, &bound);
	printf("%ld\n", bound);
	fflush(stdout);
	serve(fd);
}

/* ---- the client ---- */

struct client {
	struct sockaddr_in server, proxy, relay;
	bool via;                 /* -P: through the proxy in HTTP_PROXY */
	bool has_relay;           /* -R: the relay floor too */
	char authority[32];       /* the server's 127.0.0.1:PORT */
	char auth[300];           /* "Proxy-Authorization: Basic …\r\n", the
				     base64 of USER:TOKEN from HTTP_PROXY */
	long conns;
	double secs;
	unsigned long long big;
};

/* A connection and what was read from it but not yet used. */
struct rd {
	int fd;
	size_t off, len;
	char buf[RD_BUF];
};

/* The proxy, and its credentials, from HTTP_PROXY as latch sets it:
 * http://USER:TOKEN@127.0.0.1:PORT[/]. */
static void proxy_from_env(struct client *cl)
{
	static const char field[] = "Proxy-Authorization: Basic ";
	const char *v = getenv("HTTP_PROXY"), *rest, *at;
	char hostport[64];
	size_t n;

	if (v == NULL || *v == '\0')
		v = getenv("http_proxy");
	if (v == NULL || *v == '\0')
		die("client -P: HTTP_PROXY is not set: run it under 'latch run "
		    "--net allowlist'");
	if (strncmp(v, "http://", 7) != 0 || (at = strrchr(v + 7, '@')) == NULL)
		die("client -P: HTTP_PROXY is not http://USER:TOKEN@HOST:PORT: '%s'", v);
	rest = v + 7;
	n = 4 * ((size_t)(at - rest) + 2) / 3;
	if (sizeof(field) + n + 3 > sizeof(cl->auth))
		die("client -P: the credentials in HTTP_PROXY are too long");
	memcpy(cl->auth, field, sizeof(field) - 1);
	base64(rest, (size_t)(at - rest), cl->auth + sizeof(field) - 1);
	strcat(cl->auth, "\r\n");
	n = strcspn(at + 1, "/");
	if (n >= sizeof(hostport))
		die("client -P: HTTP_PROXY's address is too long: '%s'", v);
	memcpy(hostport, at + 1, n);
	hostport[n] = '\0';
	parse_addr(hostport, &cl->proxy, "HTTP_PROXY's address");
}

static int dial(const struct sockaddr_in *a, const char *what)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char ip[INET_ADDRSTRLEN];

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	nodelay(fd);
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0)
		die("cannot connect to %s %s:%u: %s", what,
		    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip)),
		    ntohs(a->sin_port), strerror(errno));
	return fd;
}

static void send_all(int fd, const char *d, size_t n, const char *who)
{
	while (n > 0) {
		ssize_t k = send(fd, d, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			die("client, %s: cannot send: %s", who,
			    errno == EAGAIN ? "timed out" : strerror(errno));
		d += k;
		n -= (size_t)k;
	}
}

/* More bytes into r->buf; dies at the end or on an error. */
static void fill(struct rd *r, const char *who)
{
	ssize_t n;

	if (r->off == r->len) {
		r->off = r->len = 0;
	} else if (r->len == sizeof(r->buf)) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	do
		n = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("client, %s: cannot read: %s", who, errno == EAGAIN
		    ? "no answer in " "30 s" : strerror(errno));
	if (n == 0)
		die("client, %s: the connection closed before the whole answer",
		    who);
	r->len += (size_t)n;
}

/* A response that must be 200 with a body of `want` bytes (by its
 * Content-Length), consumed and no more (the next response may follow);
 * dies showing the status line and the start of the body otherwise. */
static void read_response(struct rd *r, unsigned long long want, const char *who)
{
	char line[200], *end, *cl;
	unsigned long long len;
	int status = 0;

	while ((end = memmem(r->buf + r->off, r->len - r->off, "\r\n\r\n", 4)) == NULL) {
		if (r->len - r->off == sizeof(r->buf))
			die("client, %s: the response head is too large", who);
		fill(r, who);
	}
	end[2] = '\0';
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(r->buf + r->off, "\r"),
		 r->buf + r->off);
	if (sscanf(r->buf + r->off, "HTTP/1.%*[01] %d", &status) != 1)
		die("client, %s: not an HTTP response: '%s'", who, line);
	cl = strcasestr(r->buf + r->off, "\r\ncontent-length:");
	len = cl ? strtoull(cl + 17, NULL, 10) : 0;
	r->off = (size_t)(end + 4 - r->buf);
	if (status == 200 && len == want) {
		for (;;) {
			size_t have = r->len - r->off;
			size_t take = len < have ? (size_t)len : have;

			r->off += take;
			len -= take;
			if (len == 0)
				return;
			fill(r, who);
		}
	}
	if (len > 0 && len < 2048) {
		while (r->len - r->off < len)
			fill(r, who);
		die("client, %s: '%s' (expected 200 with %llu bytes): %.*s", who,
		    line, want, (int)len, r->buf + r->off);
	}
	die("client, %s: '%s' with %llu bytes (expected 200 with %llu bytes)",
	    who, line, len, want);
}

/* A connection by route: to the server, the relay or the proxy (a
 * tunnel is set up through it). */
static void open_conn(const struct client *cl, enum route route, struct rd *r)
{
	char req[512];
	int n;

	r->off = r->len = 0;
	if (route == DIRECT)
		r->fd = dial(&cl->server, "the server");
	else if (route == RELAY)
		r->fd = dial(&cl->relay, "the relay");
	else
		r->fd = dial(&cl->proxy, "the proxy");
	if (route != TUNNEL)
		return;
	n = snprintf(req, sizeof(req), "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s\r\n",
		     cl->authority, cl->authority, cl->auth);
	send_all(r->fd, req, (size_t)n, "CONNECT");
	read_response(r, 0, "CONNECT");
}

/* The request (its head, for a split POST) for `path`: absolute-form and
 * with Proxy-Authorization when forwarded. */
static size_t build_request(const struct client *cl, enum route route,
			    enum kind kind, const char *path, char *out,
			    size_t size)
{
	bool fwd = route == FORWARD;
	char length[32] = "";
	int n;

	if (kind == SPLIT)
		snprintf(length, sizeof(length), "Content-Length: %d\r\n", SMALL_BODY);
	n = snprintf(out, size, "%s %s%s%s HTTP/1.1\r\nHost: %s\r\n%s%s\r\n",
		     kind == SPLIT ? "POST" : "GET", fwd ? "http://" : "",
		     fwd ? cl->authority : "", path, cl->authority,
		     fwd ? cl->auth : "", length);
	if (n < 0 || (size_t)n >= size)
		die("client: a request does not fit in %zu bytes", size);
	return (size_t)n;
}

struct worker {
	const struct client *cl;
	enum route route;
	enum kind kind;
	pthread_barrier_t *go;
	pthread_t thread;
	double t0, t1;            /* when it started, stopped */
	double *lat;              /* each request's latency, s */
	size_t n, cap;
};

static void record(struct worker *w, double s)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 4096;
		w->lat = realloc(w->lat, w->cap * sizeof(double));
		if (w->lat == NULL)
			die("out of memory");
	}
	w->lat[w->n++] = s;
}

/* One request, from sending it to the last byte of its answer. */
static void request(struct rd *r, enum kind kind, const char *req, size_t len,
		    const char *who)
{
	send_all(r->fd, req, len, who);
	if (kind == SPLIT) /* the body: a second small write */
		send_all(r->fd, small, SMALL_BODY, who);
	read_response(r, SMALL_BODY, who);
}

/* One connection's requests, for cl->secs after the start. */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct rd *r = xcalloc(1, sizeof(*r));
	char req[512], who[64];
	size_t len = build_request(w->cl, w->route, w->kind, "/small", req,
				   sizeof(req));
	double t, end;

	snprintf(who, sizeof(who), "%s %s", routes[w->route].name,
		 kinds[w->kind].name);
	open_conn(w->cl, w->route, r);
	request(r, w->kind, req, len, who); /* untimed */
	pthread_barrier_wait(w->go);
	t = w->t0 = now_s();
	end = w->t0 + w->cl->secs;
	do {
		double t1;

		request(r, w->kind, req, len, who);
		t1 = now_s();
		record(w, t1 - t);
		t = t1;
	} while (t < end);
	w->t1 = t;
	close(r->fd);
	free(r);
	return NULL;
}

/* `conns` connections doing requests; prints its "req" line. */
static void run_requests(const struct client *cl, enum route route,
			 enum kind kind, long conns)
{
	struct worker *ws = xcalloc((size_t)conns, sizeof(*ws));
	pthread_barrier_t go;
	double t0 = 0, t1 = 0, *all;
	size_t total = 0, k = 0, slow = 0;
	int rc;

	pthread_barrier_init(&go, NULL, (unsigned)conns + 1);
	for (long i = 0; i < conns; i++) {
		ws[i] = (struct worker){ .cl = cl, .route = route, .kind = kind,
					 .go = &go };
		if ((rc = pthread_create(&ws[i].thread, NULL, work, &ws[i])) != 0)
			die("client: cannot start a thread: %s", strerror(rc));
	}
	pthread_barrier_wait(&go);
	for (long i = 0; i < conns; i++) {
		pthread_join(ws[i].thread, NULL);
		t0 = i == 0 || ws[i].t0 < t0 ? ws[i].t0 : t0;
		t1 = ws[i].t1 > t1 ? ws[i].t1 : t1;
		total += ws[i].n;
	}
	all = xcalloc(total, sizeof(double));
	for (long i = 0; i < conns; i++) {
		memcpy(all + k, ws[i].lat, ws[i].n * sizeof(double));
		k += ws[i].n;
		free(ws[i].lat);
	}
	sort_doubles(all, total);
	while (slow < total && all[total - 1 - slow] >= SLOW_S)
		slow++;
	printf("req %s %s %ld %zu %.6f %.9f %.9f %zu\n", routes[route].name,
	       kinds[kind].name, conns, total, t1 - t0,
	       percentile(all, total, 0.50), percentile(all, total, 0.99), slow);
	fflush(stdout);
	pthread_barrier_destroy(&go);
	free(all);
	free(ws);
}

/* One download of /big by `route`; prints its "big" line. */
static void run_big(const struct client *cl, enum route route)
{
	struct rd *r = xcalloc(1, sizeof(*r));
	char path[64], req[512], who[128];
	size_t len;
	double t0;

	snprintf(path, sizeof(path), "/big?bytes=%llu", cl->big);
	snprintf(who, sizeof(who), "%s %s", routes[route].name, path);
	len = build_request(cl, route, GET, path, req, sizeof(req));
	open_conn(cl, route, r);
	t0 = now_s();
	send_all(r->fd, req, len, who);
	read_response(r, cl->big, who);
	printf("big %s %llu %.6f\n", routes[route].name, cl->big, now_s() - t0);
	fflush(stdout);
	close(r->fd);
	free(r);
}

/* Whether the client takes `route`: the proxy's with -P, else direct
 * (and the relay with -R). */
static bool route_here(const struct client *cl, enum route route)
{
	if (route == TUNNEL || route == FORWARD)
		return cl->via;
	return !cl->via && (route == DIRECT || cl->has_relay);
}

static void client_usage(void)
{
	die("usage: proxy client -a 127.0.0.1:PORT [-P | -R 127.0.0.1:PORT] "
	    "[-c CONNS] [-t SECONDS] [-B BYTES]");
}

static int client_main(int argc, char **argv)
{
	struct client cl = { .conns = 8, .secs = 1, .big = 1ULL << 30 };
	const char *addr = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "a:PR:c:t:B:h")) != -1) {
		switch (opt) {
		case 'a': addr = optarg; break;
		case 'P': cl.via = true; break;
		case 'R': parse_addr(optarg, &cl.relay, "-R ADDRESS");
			  cl.has_relay = true; break;
		case 'c': cl.conns = parse_count(optarg, "-c CONNS", 1, 256); break;
		case 't': cl.secs = parse_positive(optarg, "-t SECONDS"); break;
		case 'B': cl.big = parse_bytes(optarg, "-B BYTES"); break;
		default: client_usage();
		}
	}
	if (optind != argc || addr == NULL || (cl.via && cl.has_relay))
		client_usage();
	parse_addr(addr, &cl.server, "-a ADDRESS");
	snprintf(cl.authority, sizeof(cl.authority), "%s", addr);
	if (cl.via)
		proxy_from_env(&cl);
	init_bodies();
	for (int k = 0; k < NKINDS; k++)
		for (int route = 0; route < NROUTES; route++) {
			if (!route_here(&cl, (enum route)route))
				continue;
			if (k == GET) /* split: its latency, unloaded, only */
				run_requests(&cl, (enum route)route, (enum kind)k,
					     cl.conns);
			run_requests(&cl, (enum route)route, (enum kind)k, 1);
		}
	for (int route = 0; route < NROUTES; route++)
		if (route_here(&cl, (enum route)route))
			run_big(&cl, (enum route)route);
	return 0;
}

/* ---- the relay floor ---- */

/* What any proxy hop costs here, without a proxy's work: a TCP relay
 * that only copies, both ways, in one epoll loop (as latch's proxy is),
 * through one 64 KiB buffer (latch's CONN_BUF): when a socket is
 * readable, one recv and a blocking send of it all to the other side;
 * TCP_NODELAY on both sockets (what is read is sent at once).
 * (Blocking sends cannot deadlock here: a client reads what it asked
 * for.) The client reaches the server through it as through a tunnel,
 * without CONNECT. */

struct hop;

struct end {
	int fd;
	bool eof;                 /* it sent its end */
	struct end *peer;
	struct hop *h;
};

struct hop {
	struct end e[2];          /* the client's, the server's */
	bool dead;
	struct hop *next_dead;
};

static struct hop *dead_hops; /* closed in this batch of events, freed after */

static void hop_close(struct hop *h)
{
	if (h->dead)
		return;
	close(h->e[0].fd);
	close(h->e[1].fd);
	h->dead = true;
	h->next_dead = dead_hops;
	dead_hops = h;
}

static bool send_blocking(int fd, const char *d, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, d, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return false;
		d += k;
		n -= (size_t)k;
	}
	return true;
}

/* End x is readable: copy what it has to its peer, or pass its end on. */
static void hop_event(int ep, struct end *x, char *buf)
{
	ssize_t n;

	if (x->h->dead)
		return;
	n = recv(x->fd, buf, RELAY_BUF, MSG_DONTWAIT);
	if (n > 0) {
		if (!send_blocking(x->peer->fd, buf, (size_t)n))
			hop_close(x->h);
	} else if (n == 0) {
		x->eof = true;
		epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
		shutdown(x->peer->fd, SHUT_WR);
		if (x->peer->eof)
			hop_close(x->h);
	} else if (errno != EAGAIN && errno != EINTR) {
		hop_close(x->h);
	}
}

static void hop_open(int ep, int fd, const struct sockaddr_in *server)
{
	struct hop *h = xcalloc(1, sizeof(*h));

	nodelay(fd);
	h->e[0] = (struct end){ .fd = fd, .peer = &h->e[1], .h = h };
	h->e[1] = (struct end){ .fd = dial(server, "the server (relay)"),
				.peer = &h->e[0], .h = h };
	for (int i = 0; i < 2; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.ptr = &h->e[i] };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, h->e[i].fd, &e) < 0)
			die("relay: epoll_ctl: %s", strerror(errno));
	}
}

/* Relay every connection to `listener` (nonblocking) to the server,
 * until killed. */
static void __attribute__((noreturn)) relay(int listener,
					    const struct sockaddr_in *server)
{
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = NULL }, evs[64];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	char *buf = xcalloc(1, RELAY_BUF);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &e) < 0)
		die("relay: epoll: %s", strerror(errno));
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1), fd;

		if (n < 0 && errno != EINTR)
			die("relay: epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr != NULL) {
				hop_event(ep, evs[i].data.ptr, buf);
				continue;
			}
			/* blocking sockets: sends wait, reads do not (MSG_DONTWAIT) */
			while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0)
				hop_open(ep, fd, server);
		}
		while (dead_hops) {
			struct hop *h = dead_hops;

			dead_hops = h->next_dead;
			free(h);
		}
	}
}

/* ---- bench: the server, the client both ways, the report ---- */

enum { LOAD, ONE, NPHASES };   /* CONNS connections; 1 connection */

#define TARGET_RATE 0.80       /* of the direct request rate */
#define TARGET_ADDED_MS 0.30   /* added p50 latency */
#define TARGET_THROUGHPUT 0.80 /* of the direct throughput */

struct samples {
	double *v;
	size_t n;
};

/* One "req" line's figures, a sample per round. */
struct figures {
	struct samples rate, p50, p99, slow; /* slow: a share */
};

struct bench {
	const char *latch;
	char self[4096], profile[4200], addr[32], relay_addr[32];
	long conns, rounds;
	double secs;
	unsigned long long big;
	char *argv[2][MAX_ARGS];   /* direct, proxied */
	char conns_arg[16], secs_arg[32], big_arg[32];
	FILE *out, *err;           /* the client's stdout and stderr */
	struct figures req[NROUTES][NKINDS][NPHASES];
	struct samples dl[NROUTES]; /* seconds of each download */
};

static pid_t children[2]; /* the server, the relay: killed at exit */

static void stop_children(void)
{
	for (int i = 0; i < 2; i++)
		if (children[i] > 0) {
			kill(children[i], SIGTERM);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
}

/* A child process that dies with this one; returns in the child. */
static bool forked(int slot, const char *what)
{
	fflush(stdout);
	children[slot] = fork();
	if (children[slot] < 0)
		die("cannot fork the %s: %s", what, strerror(errno));
	if (children[slot] > 0)
		return false;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	children[0] = children[1] = 0; /* not this one's to stop */
	return true;
}

/* The server and the relay floor, each in a child process, on free
 * ports of 127.0.0.1. */
static void start_children(struct bench *b)
{
	struct sockaddr_in server;
	long port, rport;
	int fd = listen_on(0, &port), rfd = listen_on(0, &rport);

	snprintf(b->addr, sizeof(b->addr), "127.0.0.1:%ld", port);
	snprintf(b->relay_addr, sizeof(b->relay_addr), "127.0.0.1:%ld", rport);
	parse_addr(b->addr, &server, "the server's address");
	atexit(stop_children);
	if (forked(0, "server")) {
		close(rfd);
		serve(fd);
	}
	close(fd);
	if (forked(1, "relay"))
		relay(rfd, &server);
	close(rfd);
}

/* The profile: default, plus the server as the one destination. */
static void write_profile(struct bench *b)
{
	char cwd[4096];
	FILE *f;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		die("getcwd: %s", strerror(errno));
	snprintf(b->profile, sizeof(b->profile), "%s/proxy-profile.yaml", cwd);
	f = fopen(b->profile, "w");
	if (f == NULL)
		die("cannot create %s: %s", b->profile, strerror(errno));
	fprintf(f, "# bench/proxy: the default profile, with the benchmark's "
		"loopback server as the one destination\nextends: default\n"
		"network:\n  mode: allowlist\n  allow: [\"%s\"]\n  private: true\n",
		b->addr);
	if (fclose(f) != 0)
		die("cannot write %s: %s", b->profile, strerror(errno));
}

static void set_argv(char **dst, const char *const *src)
{
	size_t i = 0;

	for (; src[i]; i++) {
		if (i + 1 >= MAX_ARGS)
			die("too many arguments");
		dst[i] = (char *)src[i];
	}
	dst[i] = NULL;
}

/* The client's command lines: directly, and under latch run. */
static void build_commands(struct bench *b, const char *secs, const char *big)
{
	set_argv(b->argv[0], (const char *[]){ b->self, "client", "-a", b->addr,
		 "-R", b->relay_addr, "-c", b->conns_arg, "-t", secs, "-B", big, NULL });
	set_argv(b->argv[1], (const char *[]){ b->latch, "run", "--net",
		 "allowlist", "--allow-domain", b->addr, "-p", b->profile,
		 "--read", b->self, "--exec", b->self, "--", b->self, "client",
		 "-P", "-a", b->addr, "-c", b->conns_arg, "-t", secs, "-B", big,
		 NULL });
}

static void reset(FILE *f)
{
	if (fflush(f) != 0 || ftruncate(fileno(f), 0) < 0)
		die("cannot reset a temporary file: %s", strerror(errno));
	rewind(f);
}

/* Run argv with stdout into b->out and stderr into b->err; dies showing
 * the end of its stderr unless it exits 0. */
static void run_client(struct bench *b, char *const *argv, const char *who)
{
	posix_spawn_file_actions_t fa;
	char st[64], cmd[2048], tail[2048];
	pid_t pid;
	int rc, status;
	size_t n;

	reset(b->out);
	reset(b->err);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fileno(b->out), 1);
	posix_spawn_file_actions_adddup2(&fa, fileno(b->err), 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		die("%s: cannot start %s: %s", who, argv[0], strerror(rc));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("%s: waitpid: %s", who, strerror(errno));
	rewind(b->out);
	if (exited_ok(status))
		return;
	status_str(status, st, sizeof(st));
	describe(argv, true, cmd, sizeof(cmd));
	fseek(b->err, 0, SEEK_END);
	n = (size_t)ftell(b->err);
	fseek(b->err, n > sizeof(tail) - 1 ? (long)(n - (sizeof(tail) - 1)) : 0,
	      SEEK_SET);
	n = fread(tail, 1, sizeof(tail) - 1, b->err);
	tail[n] = '\0';
	while (n > 0 && tail[n - 1] == '\n')
		tail[--n] = '\0';
	die("%s: '%s' failed (%s)%s%s", who, cmd, st,
	    n ? "; the end of its stderr:\n" : "", tail);
}

static void add(struct samples *s, double v, long cap)
{
	if (s->v == NULL)
		s->v = xcalloc((size_t)cap, sizeof(double));
	if (s->n < (size_t)cap)
		s->v[s->n++] = v;
}


static int route_of(const char *name)
{
	for (int i = 0; i < NROUTES; i++)
		if (strcmp(name, routes[i].name) == 0)
			return i;
	return -1;
}

static int kind_of(const char *name)
{
	for (int i = 0; i < NKINDS; i++)
		if (strcmp(name, kinds[i].name) == 0)
			return i;
	return -1;
}

/* The client's lines (b->out) into the round's samples. */
static void collect(struct bench *b, const char *who)
{
	char line[256], name[64], kind[64];
	long conns;
	unsigned long long count, slow;
	double secs, p50, p99;
	int r, k;

	while (fgets(line, sizeof(line), b->out)) {
		if (sscanf(line, "req %63s %63s %ld %llu %lf %lf %lf %llu", name,
			   kind, &conns, &count, &secs, &p50, &p99, &slow) == 8 &&
		    (r = route_of(name)) >= 0 && (k = kind_of(kind)) >= 0 &&
		    count > 0) {
			struct figures *f = &b->req[r][k][conns == 1 ? ONE : LOAD];

			add(&f->rate, (double)count / secs, b->rounds);
			add(&f->p50, p50, b->rounds);
			add(&f->p99, p99, b->rounds);
			add(&f->slow, (double)slow / (double)count, b->rounds);
		} else if (sscanf(line, "big %63s %llu %lf", name, &count, &secs) == 3 &&
			   (r = route_of(name)) >= 0) {
			add(&b->dl[r], secs, b->rounds);
		} else {
			die("%s: the client printed an unexpected line: %s", who, line);
		}
	}
}

static double med(struct samples *s)
{
	if (s->n == 0)
		die("no samples (a client printed too little)");
	return median(s->v, s->n);
}

/* ---- the report ---- */

static void print_header(const struct bench *b, double load0)
{
	char cmd[2048];

	printf("proxy: latch's HTTP proxy against direct connections to a loopback "
	       "server; %ld round%s, direct and proxied alternating\n", b->rounds,
	       b->rounds == 1 ? "" : "s");
	print_load(load0);
	printf("  server   %s serve: one epoll loop, keep-alive; GET or POST "
	       "/small: %d B, GET /big?bytes=N: N B streamed\n", b->self,
	       SMALL_BODY);
	printf("  relay    %s -> the server: the relay floor, copying both ways "
	       "in one epoll loop (%d KiB buffer, TCP_NODELAY)\n", b->relay_addr,
	       RELAY_BUF / 1024);
	for (int i = 0; i < 2; i++) {
		describe(b->argv[i], true, cmd, sizeof(cmd));
		printf("  %-8s %s\n", i ? "proxied" : "direct", cmd);
	}
	printf("  profile  %s: extends default; network allowlist %s, private: true\n",
	       b->profile, b->addr);
	printf("  each client, per route and kind of request: %ld connections for "
	       "%s s, then 1 connection for %s s (POST in two writes: only the "
	       "latter), each connection's first request untimed; then /big once "
	       "per route\n", b->conns, b->secs_arg, b->secs_arg);
}

static void print_requests(struct bench *b)
{
	char load[32], label[64];

	snprintf(load, sizeof(load), "---- %ld connections ----", b->conns);
	printf("\nkeep-alive: GET /small (%d B body), many per connection; \"POST "
	       "in two writes\": POST /small, its %d B body in a second write;\n"
	       "medians of %ld round%s; latencies in ms; slow: requests over %.0f "
	       "ms\n", SMALL_BODY, SMALL_BODY, b->rounds, b->rounds == 1 ? "" : "s",
	       SLOW_S * 1e3);
	printf("%-36s %28s  %35s\n", "", load, "------- 1 connection --------");
	printf("%-36s %9s %8s %8s  %9s %8s %8s %6s\n", "route, requests", "req/s",
	       "p50", "p99", "req/s", "p50", "p99", "slow");
	printf("%-36s %9s %8s %8s  %9s %8s %8s %6s\n",
	       "------------------------------------", "---------", "--------",
	       "--------", "---------", "--------", "--------", "------");
	for (int k = 0; k < NKINDS; k++) {
		if (k > 0)
			printf("\n");
		for (int i = 0; i < NROUTES; i++) {
			struct figures *f = b->req[i][k];

			snprintf(label, sizeof(label), "%s, %s", routes[i].label,
				 kinds[k].label);
			if (k == GET)
				printf("%-36s %9.0f %8.3f %8.3f", label,
				       med(&f[LOAD].rate), med(&f[LOAD].p50) * 1e3,
				       med(&f[LOAD].p99) * 1e3);
			else
				printf("%-36s %9s %8s %8s", label, "-", "-", "-");
			printf("  %9.0f %8.3f %8.3f %5.1f%%\n", med(&f[ONE].rate),
			       med(&f[ONE].p50) * 1e3, med(&f[ONE].p99) * 1e3,
			       med(&f[ONE].slow) * 100);
		}
	}
}

static double mb_s(const struct bench *b, double secs)
{
	return (double)b->big / secs / 1e6;
}

static void print_throughput(struct bench *b)
{
	double direct = med(&b->dl[DIRECT]);

	printf("\nGET /big (%llu B = %.2f GiB), one download per route per round\n",
	       b->big, (double)b->big / (double)(1ULL << 30));
	printf("%-17s %9s %9s %9s %9s %9s\n", "route", "MB/s", "median s",
	       "min s", "max s", "x direct");
	printf("%-17s %9s %9s %9s %9s %9s\n", "-----------------", "---------",
	       "---------", "---------", "---------", "---------");
	for (int i = 0; i < NROUTES; i++) {
		struct samples *s = &b->dl[i];
		double m = med(s); /* sorts */

		printf("%-17s %9.0f %9.3f %9.3f %9.3f %8.2fx\n", routes[i].label,
		       mb_s(b, m), m, s->v[0], s->v[s->n - 1], direct / m);
	}
}

static const char *met(bool ok)
{
	return ok ? "met" : "NOT met";
}

/* The medians of a route's figures: the request rate under load (GET);
 * at 1 connection p50 and p99 (ms) and the share of slow requests (%). */
static double rate(struct bench *b, int route)
{
	return med(&b->req[route][GET][LOAD].rate);
}

static double p50_ms(struct bench *b, int route, int kind)
{
	return med(&b->req[route][kind][ONE].p50) * 1e3;
}

static double p99_ms(struct bench *b, int route, int kind)
{
	return med(&b->req[route][kind][ONE].p99) * 1e3;
}

static double slow_pct(struct bench *b, int route, int kind)
{
	return med(&b->req[route][kind][ONE].slow) * 100;
}

/* The "=> " lines are the verdicts (bench/run's summary repeats them),
 * the tunnel's and forwarding's; the indented line under them puts them
 * in context: the relay floor. */
static void print_rate_verdicts(struct bench *b)
{
	double d = rate(b, DIRECT), re = rate(b, RELAY);

	printf("\n");
	for (int i = TUNNEL; i <= FORWARD; i++)
		printf("=> proxy request rate, %s, keep-alive: %.0f/s vs direct "
		       "%.0f/s, %.2fx (%ld connections, %d B bodies; target >= "
		       "%.2fx: %s)\n", routes[i].name, rate(b, i), d, rate(b, i) / d,
		       b->conns, SMALL_BODY, TARGET_RATE,
		       met(rate(b, i) / d >= TARGET_RATE));
	printf("   relay floor %.0f/s, %.2fx of direct; tunnel %.2fx and "
	       "forwarding %.2fx of the relay floor's rate\n", re, re / d,
	       rate(b, TUNNEL) / re, rate(b, FORWARD) / re);
}

static void print_latency_verdicts(struct bench *b)
{
	for (int k = 0; k < NKINDS; k++) {
		double d = p50_ms(b, DIRECT, k), re = p50_ms(b, RELAY, k);

		for (int i = TUNNEL; i <= FORWARD; i++) {
			double p = p50_ms(b, i, k);

			printf("=> proxy added latency, %s, %s: p50 %.3f ms vs direct "
			       "%.3f ms, %+.3f ms; %.1f%% of requests over %.0f ms (1 "
			       "connection; target <= +%.2f ms: %s)\n", routes[i].name,
			       kinds[k].label, p, d, p - d, slow_pct(b, i, k),
			       SLOW_S * 1e3, TARGET_ADDED_MS,
			       met(p - d <= TARGET_ADDED_MS));
		}
		printf("   p99 tunnel %.3f ms, forwarding %.3f ms, direct %.3f ms; "
		       "relay floor p50 %.3f ms (%+.3f ms over direct), p99 %.3f ms, "
		       "%.1f%% over %.0f ms\n", p99_ms(b, TUNNEL, k),
		       p99_ms(b, FORWARD, k), p99_ms(b, DIRECT, k), re, re - d,
		       p99_ms(b, RELAY, k), slow_pct(b, RELAY, k), SLOW_S * 1e3);
	}
}

static void print_throughput_verdicts(struct bench *b)
{
	double d = mb_s(b, med(&b->dl[DIRECT]));
	double re = mb_s(b, med(&b->dl[RELAY]));

	for (int i = TUNNEL; i <= FORWARD; i++) {
		double p = mb_s(b, med(&b->dl[i]));

		printf("=> proxy throughput, %s: %.0f MB/s vs direct %.0f MB/s, "
		       "%.2fx (%.2f GiB body; target >= %.2fx: %s)\n",
		       routes[i].name, p, d, p / d,
		       (double)b->big / (double)(1ULL << 30), TARGET_THROUGHPUT,
		       met(p / d >= TARGET_THROUGHPUT));
	}
	printf("   relay floor %.0f MB/s, %.2fx of direct; tunnel %.2fx and "
	       "forwarding %.2fx of the relay floor\n", re, re / d,
	       mb_s(b, med(&b->dl[TUNNEL])) / re,
	       mb_s(b, med(&b->dl[FORWARD])) / re);
}

/* ---- bench: main ---- */

static void bench_usage(void)
{
	fprintf(stderr,
		"usage: proxy bench [-l LATCH] [-c CONNS] [-t SECONDS] [-r ROUNDS] "
		"[-B BYTES]\n"
		"  -l LATCH    latch binary (default $LATCH, else ./latch)\n"
		"  -c CONNS    connections of the load phase (default 8)\n"
		"  -t SECONDS  length of each phase (default 1)\n"
		"  -r ROUNDS   rounds per way, direct and proxied (default 3)\n"
		"  -B BYTES    size of the /big download, K/M/G (default 1G)\n"
		"Run it in the workspace (a scratch directory): the profile is "
		"written there.\n"
		"Also: proxy serve [-p PORT]; proxy client -a 127.0.0.1:PORT [-P | -R ADDR] "
		"[-c CONNS] [-t SECONDS] [-B BYTES]\n");
	exit(2);
}

static void bench_args(int argc, char **argv, struct bench *b)
{
	char *abs;
	int opt;

	b->latch = getenv("LATCH");
	if (b->latch == NULL || *b->latch == '\0')
		b->latch = "./latch";
	b->conns = 8;
	b->rounds = 3;
	b->secs = 1;
	b->big = 1ULL << 30;
	snprintf(b->secs_arg, sizeof(b->secs_arg), "1");
	while ((opt = getopt(argc, argv, "l:c:t:r:B:h")) != -1) {
		switch (opt) {
		case 'l': b->latch = optarg; break;
		case 'c': b->conns = parse_count(optarg, "-c CONNS", 2, 256); break;
		case 't': b->secs = parse_positive(optarg, "-t SECONDS");
			  snprintf(b->secs_arg, sizeof(b->secs_arg), "%s", optarg); break;
		case 'r': b->rounds = parse_count(optarg, "-r ROUNDS", 1, 1000); break;
		case 'B': b->big = parse_bytes(optarg, "-B BYTES"); break;
		default: bench_usage();
		}
	}
	if (optind != argc)
		bench_usage();
	if (access(b->latch, X_OK) != 0)
		die("latch binary '%s' is not executable (%s); build it with 'make' "
		    "in the repository root, or pass -l PATH / set LATCH=PATH",
		    b->latch, strerror(errno));
	if ((abs = realpath(b->latch, NULL)) == NULL)
		die("cannot resolve '%s': %s", b->latch, strerror(errno));
	b->latch = abs;
	if (realpath("/proc/self/exe", b->self) == NULL)
		die("cannot find this program (/proc/self/exe): %s", strerror(errno));
	snprintf(b->conns_arg, sizeof(b->conns_arg), "%ld", b->conns);
	snprintf(b->big_arg, sizeof(b->big_arg), "%llu", b->big);
}

static int bench_main(int argc, char **argv)
{
	struct bench *b = xcalloc(1, sizeof(*b));
	double load0;

	bench_args(argc, argv, b);
	if ((b->out = tmpfile()) == NULL || (b->err = tmpfile()) == NULL)
		die("cannot create a temporary file: %s", strerror(errno));
	start_children(b);
	write_profile(b);

	/* once each way, short and untimed: does it work? (and warm-up) */
	build_commands(b, "0.2", "16M");
	run_client(b, b->argv[0], "direct, check run");
	run_client(b, b->argv[1], "proxied, check run");

	build_commands(b, b->secs_arg, b->big_arg);
	load0 = load_average();
	for (long r = 0; r < b->rounds; r++) {
		double t0 = now_s();

		for (int k = 0; k < 2; k++) {
			int i = (int)((r + k) % 2);
			const char *who = i ? "proxied" : "direct";

			run_client(b, b->argv[i], who);
			collect(b, who);
		}
		fprintf(stderr, "proxy: round %ld of %ld done (%.0f s)\n", r + 1,
			b->rounds, now_s() - t0);
	}
	print_header(b, load0);
	print_requests(b);
	print_throughput(b);
	print_rate_verdicts(b);
	print_latency_verdicts(b);
	print_throughput_verdicts(b);
	fflush(stdout);
	stop_children();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		bench_usage();
	signal(SIGPIPE, SIG_IGN);
	/* each subcommand parses its options as if it were argv[0] */
	if (strcmp(argv[1], "serve") == 0)
		return serve_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "client") == 0)
		return client_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "bench") == 0)
		return bench_main(argc - 1, argv + 1);
	bench_usage();
}
