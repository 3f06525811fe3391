/* fuzz_exchange.c — libFuzzer target for where a forwarded request and its
 * response end (proxy/exchange.c). The proxy relays both streams unchanged
 * and reads only their framing: a client or a server that lies about it
 * must not make it pass a byte of the next message, or hold one back.
 *
 * Input: a byte whose low 3 bits are K-1, K schedule bytes, the client's
 * stream up to the first NUL, the server's stream after it. As
 * proxy/conn.c does, each exchange parses a request head from the client's
 * stream (a CONNECT is a tunnel: the end), starts, is fed nothing (the
 * head came alone), then the bytes of both sides in the pieces the
 * schedule says, cycled: bit 7 the side (server when set), the low 7 bits
 * the size (0: all that is left). Each piece is copied into an allocation
 * of its own size, so a read past it is caught. Every call must keep the
 * API's promises and the exchange's state consistent, and what the pieces
 * make of the streams must be what a model finds reading each stream
 * whole with the same http.c calls. When the exchange is reusable, the
 * next request follows in the rest of the client's stream and its
 * response in the rest of the server's. Any broken invariant aborts; the
 * exchange is freed (leaks fail the run). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../proxy/exchange.h"

#define REQ_HEAD_MAX (16 * 1024) /* proxy.h's PROXY_HEAD_MAX */
#define MAX_EXCHANGES 16

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* One side's stream: n bytes, the first `at` of them taken. */
struct stream {
	const char *d;
	size_t n, at;
};

/* The schedule's bytes, cycled. */
struct schedule {
	const uint8_t *b;
	size_t n, i;
};

/* Where a message ends in a stream, by the model or by the pieces. */
struct end {
	size_t used;  /* the stream's bytes that are the message's */
	bool done;    /* it ended within them */
	bool bad;     /* malformed */
	bool head;    /* a response: its final head has been read */
	size_t body_at; /* a response's model: where its body starts */
};

static bool is_head(const struct http_head *req)
{
	return req->method.n == 4 && memcmp(req->method.p, "HEAD", 4) == 0;
}

/* ---- the model: each stream read whole ---- */

/* A body framed by `body` and `length` at the start of d[0..n). */
static struct end model_body(enum http_body body, uint64_t length,
			     const char *d, size_t n)
{
	struct end e = { .used = n };
	struct http_chunked c = { 0 };

	switch (body) {
	case HTTP_BODY_NONE:
		e.used = 0;
		e.done = true;
		break;
	case HTTP_BODY_LENGTH:
		e.used = length < n ? (size_t)length : n;
		e.done = length <= n;
		break;
	case HTTP_BODY_CHUNKED:
		switch (http_chunked_feed(&c, d, n, &e.used)) {
		case HTTP_BAD:
			e.bad = true;
			break;
		case HTTP_DONE:
			e.done = true;
			break;
		case HTTP_INCOMPLETE:
			break;
		}
		break;
	case HTTP_BODY_UNTIL_CLOSE:
		break;
	}
	return e;
}

/* A response to `req` at the start of d[0..n): interim 1xx heads (not
 * 101) skipped, the final head in *h, then its body. */
static struct end model_response(const struct http_head *req, struct http_head *h,
				 const char *d, size_t n)
{
	enum http_req kind = is_head(req) ? HTTP_REQ_HEAD : HTTP_REQ_OTHER;
	size_t off = 0;
	struct end e;

	for (;;) {
		switch (http_parse_response(h, d + off, n - off, EXCHANGE_HEAD_MAX, kind)) {
		case HTTP_INCOMPLETE:
			return (struct end){ .used = n, .bad = n - off >= EXCHANGE_HEAD_MAX };
		case HTTP_BAD:
			return (struct end){ .bad = true };
		case HTTP_DONE:
			break;
		}
		if (h->status < 100 || h->status >= 200 || h->status == 101)
			break;
		off += h->len;
	}
	off += h->len;
	e = model_body(h->body, h->length, d + off, n - off);
	e.used += off;
	e.head = true;
	e.body_at = off;
	return e;
}

/* ---- the pieces ---- */

/* One call with d[0..n) copied into an allocation of exactly n bytes. */
static ptrdiff_t feed(struct exchange *x, bool response, const char *d, size_t n)
{
	char *piece = malloc(n > 0 ? n : 1);
	ptrdiff_t k;

	check(piece != NULL);
	memcpy(piece, d, n);
	k = response ? exchange_response(x, piece, n) : exchange_request(x, piece, n);
	free(piece);
	check(k >= -1 && k <= (ptrdiff_t)n);
	return k;
}

/* What the exchange's fields must say after a call, `e` the request's
 * or the response's end so far. */
static void consistent(const struct exchange *x, bool response, const struct end *e)
{
	const struct http_head *req = x->req;

	if (!response) {
		check(!e->done || req->body != HTTP_BODY_UNTIL_CLOSE);
		if (req->body == HTTP_BODY_LENGTH)
			check(e->used + x->req_left == req->length);
		return;
	}
	check(!x->resp_done || x->head_done);
	if (!x->head_done) {
		/* every byte taken is in the head buffer or an interim head */
		check(x->fed == e->used && x->head_len + x->dropped == x->fed);
		check(x->head_len <= EXCHANGE_HEAD_MAX);
		return;
	}
	check(x->dropped + x->resp.len <= e->used);
	check(x->resp.status < 100 || x->resp.status >= 200 || x->resp.status == 101);
	if (is_head(req) || x->resp.status < 200 || x->resp.status == 204 ||
	    x->resp.status == 304)
		check(x->resp.body == HTTP_BODY_NONE);
	if (x->resp.body == HTTP_BODY_UNTIL_CLOSE)
		check(!x->resp.keep_alive && !x->resp_done);
	if (x->resp.body == HTTP_BODY_LENGTH)
		check(e->used - x->dropped - x->resp.len + x->resp_left == x->resp.length);
}

/* Feed one side a piece of up to `size` bytes (0: all left); true when
 * that side is over: its message ended or is malformed, or the stream
 * is all taken. */
static bool piece(struct exchange *x, bool response, struct stream *s,
		  size_t size, struct end *e)
{
	size_t left = s->n - s->at;
	bool was = response ? x->resp_done : x->req_done;
	ptrdiff_t k;

	if (size == 0 || size > left)
		size = left;
	k = feed(x, response, s->d + s->at, size);
	if (k < 0) {
		e->bad = true;
		return true;
	}
	check(!was || k == 0);   /* nothing more once it has ended */
	s->at += (size_t)k;
	e->used += (size_t)k;
	e->done = response ? x->resp_done : x->req_done;
	e->head = x->head_done;
	consistent(x, response, e);
	/* bytes left over only past the message's end */
	check((size_t)k == size || e->done);
	return e->done || s->at == s->n;
}

/* One exchange for `req` over what is left of both streams; true when the
 * connections may carry another. */
static bool one_exchange(struct exchange *x, const struct http_head *req,
			 struct stream *cli, struct stream *srv, struct schedule *sch)
{
	static struct http_head resp;
	struct end mreq = model_body(req->body, req->length, cli->d + cli->at, cli->n - cli->at);
	struct end mresp = model_response(req, &resp, srv->d + srv->at, srv->n - srv->at);
	struct end ereq = { 0 }, eresp = { 0 };
	bool req_over, resp_over, reusable;

	exchange_start(x, req);
	check(x->req == req && x->head == NULL && !x->head_done && !x->resp_done);
	/* relay_start feeds what came with the head: here nothing */
	check(feed(x, false, "", 0) == 0);
	ereq.done = x->req_done;
	req_over = ereq.done || cli->at == cli->n;
	resp_over = srv->at == srv->n;
	while (!req_over || !resp_over) {
		uint8_t b = sch->b[sch->i++ % sch->n];
		bool response = (b & 0x80) != 0;

		if (response ? resp_over : req_over)
			response = !response;
		if (response)
			resp_over = piece(x, true, srv, b & 0x7f, &eresp);
		else
			req_over = piece(x, false, cli, b & 0x7f, &ereq);
	}
	/* what follows an ended message is not its (conn.c keeps feeding the
	 * client's bytes: they are its next request) */
	if (ereq.done && cli->at < cli->n)
		check(feed(x, false, cli->d + cli->at, cli->n - cli->at) == 0);
	if (eresp.done && srv->at < srv->n)
		check(feed(x, true, srv->d + srv->at, srv->n - srv->at) == 0);

	/* the pieces found what the model found */
	check(ereq.bad == mreq.bad && eresp.bad == mresp.bad);
	if (!ereq.bad)
		check(ereq.used == mreq.used && ereq.done == mreq.done);
	if (!eresp.bad) {
		check(eresp.used == mresp.used && eresp.done == mresp.done &&
		      eresp.head == mresp.head);
		if (eresp.head)
			check(x->resp.status == resp.status && x->resp.body == resp.body &&
			      x->resp.length == resp.length &&
			      x->resp.keep_alive == resp.keep_alive &&
			      x->dropped + x->resp.len == mresp.body_at);
	}

	reusable = exchange_reusable(x);
	check(reusable == (!ereq.bad && !eresp.bad && ereq.done && eresp.done &&
			   req->keep_alive && x->resp.keep_alive &&
			   x->resp.body != HTTP_BODY_UNTIL_CLOSE && x->resp.status != 101));
	return reusable;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_head req;
	struct exchange x = { 0 };
	struct schedule sch;
	struct stream cli, srv;
	const char *nul;
	char *buf;
	size_t n;

	if (size == 0 || size < 1 + (size_t)(data[0] & 7) + 1)
		return 0;
	sch = (struct schedule){ data + 1, (size_t)(data[0] & 7) + 1, 0 };
	n = size - 1 - sch.n;
	buf = malloc(n > 0 ? n : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1 + sch.n, n);
	nul = memchr(buf, '\0', n);
	cli = (struct stream){ buf, nul ? (size_t)(nul - buf) : n, 0 };
	srv = nul ? (struct stream){ nul + 1, n - cli.n - 1, 0 }
		  : (struct stream){ buf + n, 0, 0 };

	for (int i = 0; i < MAX_EXCHANGES; i++) {
		/* the next head is parsed where it stands, as conn.c's (whose
		 * buffer is bigger than the head's limit) */
		if (http_parse_request(&req, cli.d + cli.at, cli.n - cli.at,
				       REQ_HEAD_MAX) != HTTP_DONE)
			break;
		if (req.method.n == 7 && memcmp(req.method.p, "CONNECT", 7) == 0)
			break;
		cli.at += req.len;
		if (!one_exchange(&x, &req, &cli, &srv, &sch))
			break;
	}
	exchange_free(&x);
	free(buf);
	return 0;
}
