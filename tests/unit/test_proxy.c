/* The proxy's loop in-process, on the host's loopback, with short
 * timeouts: what hostile or broken peers get (a slow head, a huge head,
 * a server that never answers or hangs up, a client that leaves mid
 * tunnel), and that the proxy goes on serving the next client. The
 * sandbox side (network namespace, environment, curl through it) is in
 * tests/integration/test_network.c. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../common/err.h"
#include "../../proxy/proxy.h"

/* base64 of "latch:" and the token below */
#define AUTH "Proxy-Authorization: Basic bGF0Y2g6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=\r\n"

static struct proxy px;
static struct allowlist allow;
static int proxy_port;

/* A listening socket on 127.0.0.1, port chosen by the kernel. */
static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(s >= 0);
	cr_assert(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	cr_assert(listen(s, 64) == 0);
	cr_assert(getsockname(s, (struct sockaddr *)&a, &len) == 0);
	*port = ntohs(a.sin_port);
	return s;
}

/* A server that answers each request with "ok" and every byte it
 * received within 100 ms of the head's end, then closes. */
static void *answering(void *arg)
{
	int s = *(int *)arg, c;

	while ((c = accept(s, NULL, NULL)) >= 0) {
		char buf[4096], head[128];
		size_t have = 0;
		ssize_t n;
		struct pollfd p = { .fd = c, .events = POLLIN };

		while (have < sizeof(buf) - 1 && (n = read(c, buf + have, sizeof(buf) - 1 - have)) > 0) {
			have += (size_t)n;
			buf[have] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		while (have < sizeof(buf) - 1 && poll(&p, 1, 100) == 1 &&
		       (n = read(c, buf + have, sizeof(buf) - 1 - have)) > 0)
			have += (size_t)n;
		n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
			     "Connection: close\r\n\r\nok", have + 2);
		(void)!write(c, head, (size_t)n);
		(void)!write(c, buf, have);
		close(c);
	}
	return NULL;
}

/* A server that sends BLAST bytes and closes. */
#define BLAST (4 << 20)
static void *blasting(void *arg)
{
	int s = *(int *)arg, c;
	static char chunk[65536];

	memset(chunk, 'b', sizeof(chunk));
	while ((c = accept(s, NULL, NULL)) >= 0) {
		for (size_t sent = 0; sent < BLAST; sent += sizeof(chunk))
			if (write(c, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
				break;
		close(c);
	}
	return NULL;
}

static int blasting_port;
static int answering_port;
static int hanging_port;   /* accepts (backlog) and never answers */
static int closing_port;   /* accepts and closes at once */

static void *closing(void *arg)
{
	int s = *(int *)arg, c;

	while ((c = accept(s, NULL, NULL)) >= 0)
		close(c);
	return NULL;
}

static void serve(void *(*fn)(void *), int *port)
{
	static int fds[8];
	static int n;
	pthread_t t;

	fds[n] = listener(port);
	cr_assert(pthread_create(&t, NULL, fn, &fds[n]) == 0);
	pthread_detach(t);
	n++;
}

static void start(void)
{
	struct proxy_setup set = { .allow = &allow, .private_ok = true,
				   .head_timeout_ms = 300, .response_timeout_ms = 300,
				   .idle_timeout_ms = 400 };
	struct err e;
	int fd;

	memset(set.token, '0', PROXY_TOKEN_LEN);
	serve(answering, &answering_port);
	serve(closing, &closing_port);
	serve(blasting, &blasting_port);
	(void)listener(&hanging_port);
	cr_assert(allow_add(&allow, "127.0.0.1:*", &e) < 0); /* not an entry */
	for (int *p = (int[]){ answering_port, hanging_port, closing_port, blasting_port, 0 }; *p; p++) {
		char entry[64];

		snprintf(entry, sizeof(entry), "127.0.0.1:%d", *p);
		cr_assert(allow_add(&allow, entry, &e) == 0, "%s", e.msg);
	}
	fd = listener(&proxy_port);
	cr_assert(proxy_start(&px, &set) == 0);
	proxy_publish(&px, fd);
}

static void stop(void)
{
	proxy_stop(&px);
	allowlist_free(&allow);
}

TestSuite(proxy, .init = start, .fini = stop, .timeout = 20);

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static int client(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)proxy_port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(connect(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	return s;
}

/* Everything the proxy sends until it closes (or 5 s pass). */
static char *answer_of(int s)
{
	static char buf[8192];
	size_t have = 0;
	struct pollfd p = { .fd = s, .events = POLLIN };

	while (have < sizeof(buf) - 1 && poll(&p, 1, 5000) == 1) {
		ssize_t n = read(s, buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			break;
		have += (size_t)n;
	}
	buf[have] = '\0';
	close(s);
	return buf;
}

static char *ask(const char *request)
{
	int s = client();

	cr_assert(write(s, request, strlen(request)) == (ssize_t)strlen(request));
	return answer_of(s);
}

static char *get(int port)
{
	char req[256];

	snprintf(req, sizeof(req), "GET http://127.0.0.1:%d/x HTTP/1.1\r\nHost: 127.0.0.1\r\n" AUTH "\r\n", port);
	return ask(req);
}

Test(proxy, forwards_an_allowed_request)
{
	char *a = get(answering_port);

	cr_assert(strncmp(a, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", a);
	cr_assert(strstr(a, "\r\n\r\nok"), "%s", a);
}

Test(proxy, a_slow_head_gets_408_and_the_next_client_is_served)
{
	int s = client();

	cr_assert(write(s, "GET http://127.0.0.1/ HTTP/1.1\r\n", 32) == 32);
	cr_assert(strstr(answer_of(s), "HTTP/1.1 408 Request Timeout\r\n"));
	cr_assert(strstr(get(answering_port), "\r\n\r\nok"));
}

Test(proxy, a_huge_head_gets_431)
{
	static char req[PROXY_HEAD_MAX + 100];
	int n = snprintf(req, sizeof(req), "GET http://127.0.0.1:%d/ HTTP/1.1\r\nX-Big: ", answering_port);

	memset(req + n, 'a', sizeof(req) - (size_t)n - 1);
	cr_assert(strstr(ask(req), "HTTP/1.1 431 "));
}

Test(proxy, a_server_that_never_answers_gets_504)
{
	cr_assert(strstr(get(hanging_port), "HTTP/1.1 504 Gateway Timeout\r\n"));
}

Test(proxy, a_server_that_hangs_up_gets_502)
{
	char *a = get(closing_port);

	cr_assert(strstr(a, "HTTP/1.1 502 Bad Gateway\r\n"), "%s", a);
	cr_assert(strstr(a, "without answering"), "%s", a);
}

Test(proxy, a_client_leaving_mid_tunnel_does_not_stop_the_proxy)
{
	char req[256];
	int s = client();

	snprintf(req, sizeof(req), "CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: x\r\n" AUTH "\r\nhalf a hello",
		 hanging_port);
	cr_assert(write(s, req, strlen(req)) == (ssize_t)strlen(req));
	usleep(50000);
	close(s);
	cr_assert(strstr(get(answering_port), "\r\n\r\nok"));
}

/* A tunnel where nothing moves either way is closed after the idle limit
 * (here 400 ms; PROXY_IDLE_TIMEOUT_MS by default); one that moves is not. */
Test(proxy, an_idle_tunnel_is_closed)
{
	char req[256], buf[256];
	struct pollfd p;
	long start;
	int s = client();
	ssize_t n;

	snprintf(req, sizeof(req), "CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: x\r\n" AUTH "\r\n",
		 hanging_port);
	cr_assert(write(s, req, strlen(req)) == (ssize_t)strlen(req));
	start = now_ms();
	for (int i = 0; i < 4; i++) { /* bytes up keep it open past the limit */
		usleep(200000);
		cr_assert(write(s, "x", 1) == 1);
	}
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	do { /* the 200 response first, then the close */
		cr_assert(poll(&p, 1, 3000) == 1, "the idle tunnel was not closed");
		n = read(s, buf, sizeof(buf));
	} while (n > 0);
	cr_assert_geq(now_ms() - start, 800 + 300, "closed while it moved");
	close(s);
}

Test(proxy, a_host_not_listed_and_a_missing_token_are_refused)
{
	char *a = ask("GET http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\n" AUTH "\r\n");

	cr_assert(strstr(a, "HTTP/1.1 403 Forbidden\r\n"), "%s", a);
	a = ask("GET http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\n\r\n");
	cr_assert(strstr(a, "HTTP/1.1 407 "), "%s", a);
	cr_assert(strstr(a, "Proxy-Authenticate: Basic realm=\"latch\"\r\n"), "%s", a);
}

/* A tunnel whose client has half-closed and reads slowly, from a server
 * that sends and hangs up: every byte still arrives. */
Test(proxy, a_server_hanging_up_does_not_cut_what_it_sent)
{
	char req[256], buf[65536];
	int s = client();
	size_t got = 0;
	ssize_t n;

	snprintf(req, sizeof(req), "CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: x\r\n" AUTH "\r\n",
		 blasting_port);
	cr_assert(write(s, req, strlen(req)) == (ssize_t)strlen(req));
	shutdown(s, SHUT_WR);
	usleep(300000); /* the server has sent all and closed; buffers are full */
	while ((n = read(s, buf, sizeof(buf))) > 0) {
		got += (size_t)n;
		usleep(1000);
	}
	close(s);
	cr_assert_eq(got, strlen("HTTP/1.1 200 Connection established\r\n\r\n") + BLAST);
}

/* Bytes after a forwarded request's body are not passed on: a second,
 * pipelined request cannot ride along to the server. */
Test(proxy, nothing_after_the_body_reaches_the_server)
{
	char req[512];
	char *a;

	snprintf(req, sizeof(req),
		 "POST http://127.0.0.1:%d/x HTTP/1.1\r\nHost: x\r\n" AUTH "Content-Length: 2\r\n\r\nhi"
		 "GET http://127.0.0.1:%d/second HTTP/1.1\r\nHost: x\r\n\r\n",
		 answering_port, answering_port);
	a = ask(req);
	cr_assert(strstr(a, "\r\n\r\nokPOST /x HTTP/1.1\r\n"), "%s", a);
	cr_assert(strstr(a, "\r\n\r\nhi"), "the body passes: %s", a);
	cr_assert(strstr(a, "second") == NULL, "%s", a);
	cr_assert(strstr(a, "Proxy-Authorization") == NULL, "%s", a);
}
