/* fuzz_http.c — libFuzzer target for the network proxy's HTTP parser
 * (proxy/http.c), which reads what the sandboxed program sends and what
 * servers answer. The first byte picks a split point, the rest is the
 * message. It is parsed as a request (whole, and as its prefix up to the
 * split: a prefix may only be INCOMPLETE or the whole's result), as a
 * response to each kind of request, and as a chunked body (whole, in two
 * pieces and byte by byte: all must agree). Its bytes are tried as each
 * target form. A request that parses is built again for upstream: the
 * result must parse with the same body framing and no hop-by-hop field.
 * Any broken invariant aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../proxy/http.h"

#define LIMIT 4096

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Inside buf[0..len), or unset (the start line of the other kind). */
static bool inside(struct http_slice s, const char *buf, size_t len)
{
	if (s.p == NULL)
		return s.n == 0;
	return s.p >= buf && s.n <= len && s.p - buf <= (ptrdiff_t)(len - s.n);
}

/* What any result must hold: slices inside the head, sane numbers. */
static void check_head(const struct http_head *h, enum http_result r,
		       const char *buf, size_t len)
{
	if (r == HTTP_BAD)
		check(h->error == 400 || h->error == 431 || h->error == 501 ||
		      h->error == 505);
	if (r != HTTP_DONE)
		return;
	check(h->len <= len && h->len <= LIMIT && h->len >= 4);
	check(h->nfields <= HTTP_MAX_FIELDS && h->minor <= 1);
	check(inside(h->method, buf, h->len) && inside(h->target, buf, h->len));
	check(inside(h->reason, buf, h->len));
	for (size_t i = 0; i < h->nfields; i++)
		check(h->fields[i].name.n > 0 &&
		      inside(h->fields[i].name, buf, h->len) &&
		      inside(h->fields[i].value, buf, h->len));
	check(h->body == HTTP_BODY_LENGTH || h->length == 0);
}

/* A prefix is INCOMPLETE, or what the whole is. */
static void check_prefix(const struct http_head *p, enum http_result rp,
			 const struct http_head *w, enum http_result rw,
			 size_t k)
{
	if (rp == HTTP_INCOMPLETE) {
		check(rw != HTTP_DONE || k < w->len);
		return;
	}
	check(rp == rw);
	if (rp == HTTP_BAD) {
		check(p->error == w->error);
		return;
	}
	check(p->len == w->len && p->nfields == w->nfields &&
	      p->body == w->body && p->length == w->length &&
	      p->keep_alive == w->keep_alive && p->status == w->status);
}

static void requests(const char *m, size_t n, const char *pre, size_t k)
{
	static struct http_head w, p;
	enum http_result rw = http_parse_request(&w, m, n, LIMIT);
	enum http_result rp = http_parse_request(&p, pre, k, LIMIT);

	check_head(&w, rw, m, n);
	check_head(&p, rp, pre, k);
	check_prefix(&p, rp, &w, rw, k);
}

static void responses(const char *m, size_t n, const char *pre, size_t k)
{
	static const enum http_req reqs[] = { HTTP_REQ_OTHER, HTTP_REQ_HEAD,
					      HTTP_REQ_CONNECT };
	static struct http_head w, p;

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		enum http_result rw = http_parse_response(&w, m, n, LIMIT, reqs[i]);
		enum http_result rp = http_parse_response(&p, pre, k, LIMIT, reqs[i]);

		check_head(&w, rw, m, n);
		check_head(&p, rp, pre, k);
		check_prefix(&p, rp, &w, rw, k);
		check(rw != HTTP_DONE || reqs[i] != HTTP_REQ_HEAD ||
		      w.body == HTTP_BODY_NONE);
		check(rw != HTTP_DONE || w.body != HTTP_BODY_UNTIL_CLOSE ||
		      !w.keep_alive);
	}
}

static void chunked(const char *m, size_t n, size_t k)
{
	struct http_chunked whole = { 0 }, two = { 0 }, bytes = { 0 };
	enum http_result r, r2, rb = HTTP_INCOMPLETE;
	size_t used, u1, u2 = 0, ub = 0, u;

	r = http_chunked_feed(&whole, m, n, &used);
	check(used <= n && (r != HTTP_INCOMPLETE || used == n));
	check(r != HTTP_BAD || used < n);
	r2 = http_chunked_feed(&two, m, k, &u1);
	if (r2 == HTTP_INCOMPLETE)
		r2 = http_chunked_feed(&two, m + k, n - k, &u2);
	check(r2 == r && u1 + u2 == used);
	for (size_t i = 0; i < n && rb == HTTP_INCOMPLETE; i++) {
		rb = http_chunked_feed(&bytes, m + i, 1, &u);
		ub += u;
	}
	check(rb == r && ub == used);
}

static void check_target(const struct http_head *req, const char *m, size_t n)
{
	struct http_target t;

	if (http_request_target(req, &t) != 0)
		return;
	check(strlen(t.host) > 0 && strlen(t.host) <= HTTP_HOST_MAX);
	check(t.port != 0);
	for (const char *c = t.host; *c != '\0'; c++)
		check(!(*c >= 'A' && *c <= 'Z'));
	if (t.form == HTTP_FORM_AUTHORITY)
		check(t.path.n == 0);
	else
		check(t.path.n > 0 && t.path.p[0] == '/' &&
		      (inside(t.path, m, n) || t.path.n == 1));
}

/* The message's bytes as a credential route's target: its query
 * parameter found inside it, at most once; its dot segments looked for. */
static void route_target(const char *m, size_t n)
{
	struct http_slice t = { m, n }, v;
	int found = http_query_param(t, "key", &v);

	check(found >= -1 && found <= 1);
	if (found == 1)
		check(inside(v, m, n) || v.n == 0);
	(void)http_path_climbs(t);
}

/* The message's bytes as a CONNECT target, an absolute-form target and
 * a Host field, without the request line's checks. */
static void targets(const char *m, size_t n)
{
	static struct http_head h;

	route_target(m, n);
	memset(&h, 0, sizeof(h));
	h.method = (struct http_slice){ "CONNECT", 7 };
	h.target = (struct http_slice){ m, n };
	check_target(&h, m, n);
	h.method = (struct http_slice){ "GET", 3 };
	check_target(&h, m, n);
	h.target = (struct http_slice){ "/", 1 };
	h.fields[0].name = (struct http_slice){ "Host", 4 };
	h.fields[0].value = (struct http_slice){ m, n };
	h.nfields = 1;
	check_target(&h, m, n);
}

static bool hop_by_hop(struct http_slice name)
{
	static const char *const names[] = {
		"connection", "proxy-connection", "keep-alive",
		"proxy-authorization", "proxy-authenticate", "te",
		"trailer", "upgrade", "x-api-key",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (name.n == strlen(names[i]) &&
		    strncasecmp(name.p, names[i], name.n) == 0)
			return true;
	return false;
}

/* The head sent upstream parses again, frames the body the same way,
 * and carries no hop-by-hop field. */
static void rebuild(const char *m, size_t n, size_t cap)
{
	static const char *const drop[] = { "x-api-key", "host" };
	static const struct http_add add[] = { { "Host", "example.com" },
					       { "X-Api-Key", "secret" } };
	static struct http_head req, again;
	static char out[3 * LIMIT];
	struct http_upstream up = { { NULL, 0 }, drop, 2, add, 2 };
	enum http_result r;
	ptrdiff_t len;

	if (http_parse_request(&req, m, n, LIMIT) != HTTP_DONE)
		return;
	check_target(&req, m, n);
	up.target = req.target;
	len = http_build_request(out, cap < sizeof(out) ? cap : sizeof(out),
				 &req, &up);
	check(len <= (ptrdiff_t)cap);
	if (len < 0) {
		check(http_build_request(out, sizeof(out), &req, &up) >= 0);
		return;
	}
	r = http_parse_request(&again, out, (size_t)len, sizeof(out));
	if (r == HTTP_BAD && again.error == 431 &&
	    req.nfields + 1 > HTTP_MAX_FIELDS)
		return;
	check(r == HTTP_DONE && again.len == (size_t)len);
	check(again.body == req.body && again.length == req.length);
	check(again.minor == 1 && again.keep_alive);
	for (size_t i = 0; i + 1 < again.nfields; i++)
		check(!hop_by_hop(again.fields[i].name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n, k;
	char *m, *pre;

	if (size == 0)
		return 0;
	n = size - 1;
	k = n * data[0] / 255;
	/* own allocations of the exact sizes: reads past them are caught */
	m = malloc(n > 0 ? n : 1);
	pre = malloc(k > 0 ? k : 1);
	if (m == NULL || pre == NULL) {
		free(m);
		free(pre);
		return 0;
	}
	memcpy(m, data + 1, n);
	memcpy(pre, data + 1, k);
	requests(m, n, pre, k);
	responses(m, n, pre, k);
	chunked(m, n, k);
	targets(m, n);
	rebuild(m, n, (size_t)data[0] * 16);
	free(m);
	free(pre);
	return 0;
}
