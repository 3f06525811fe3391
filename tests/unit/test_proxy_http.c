/* HTTP/1.1 heads, targets, chunked bodies and the upstream head of the
 * network proxy (proxy/http.h), with the requests a hostile program would
 * send to smuggle, split or overflow. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxy/http.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LIMIT 16384

static struct http_head h;

static bool is(struct http_slice s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static enum http_result request(const char *s)
{
	return http_parse_request(&h, s, strlen(s), LIMIT);
}

static enum http_result response(const char *s, enum http_req req)
{
	return http_parse_response(&h, s, strlen(s), LIMIT, req);
}

/* The status a request is refused with (0 if it is not refused). */
static unsigned refused(const char *s)
{
	return request(s) == HTTP_BAD ? h.error : 0;
}

static unsigned refused_response(const char *s)
{
	return response(s, HTTP_REQ_OTHER) == HTTP_BAD ? h.error : 0;
}

/* ---- requests ---- */

Test(proxy_http, a_request_head_in_slices_of_the_buffer)
{
	const char *s = "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\n"
			"X-Pad:   spaced value \t\r\nEmpty:\r\n\r\nBODY";

	cr_assert_eq(request(s), HTTP_DONE);
	cr_assert(is(h.method, "GET"));
	cr_assert(is(h.target, "/a?b=c"));
	cr_assert_eq(h.minor, 1);
	cr_assert_eq(h.nfields, 3);
	cr_assert(is(h.fields[0].name, "Host"));
	cr_assert(is(h.fields[0].value, "example.com"));
	cr_assert(is(h.fields[1].value, "spaced value"));
	cr_assert(is(h.fields[2].name, "Empty"));
	cr_assert_eq(h.fields[2].value.n, 0);
	cr_assert_eq(h.len, strlen(s) - 4);
	cr_assert_eq(h.fields[0].name.p, s + 21);
	cr_assert_eq(h.body, HTTP_BODY_NONE);
	cr_assert(h.keep_alive);
}

Test(proxy_http, malformed_request_lines_are_400)
{
	static const char *const bad[] = {
		"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
		"GET /\r\nHost: a\r\n\r\n",
		"GET / a HTTP/1.1\r\nHost: a\r\n\r\n",
		" GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GETGETGETGETGETGE / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /\t HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / http/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.x\r\nHost: a\r\n\r\n",
		"GET / HTTP/11\r\nHost: a\r\n\r\n",
		"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"\r\n\r\n",
	};

	for (size_t i = 0; i < N(bad); i++)
		cr_expect_eq(refused(bad[i]), 400, "%s", bad[i]);
	cr_expect_eq(request("GETGETGETGETGETG / HTTP/1.1\r\nHost: a\r\n\r\n"),
		     HTTP_DONE);
}

Test(proxy_http, versions_other_than_1_0_and_1_1_are_505)
{
	cr_expect_eq(refused("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
	cr_expect_eq(refused("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), 505);
	cr_expect_eq(refused("GET / HTTP/0.9\r\n\r\n"), 505);
	cr_expect_eq(refused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505);
	cr_assert_eq(request("GET / HTTP/1.0\r\n\r\n"), HTTP_DONE);
	cr_expect_eq(h.minor, 0);
}

Test(proxy_http, lines_end_in_crlf_only)
{
	cr_expect_eq(refused("GET / HTTP/1.1\nHost: a\r\n\r\n"), 400);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\n\r\n"), 400);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\r\n\n"), 400);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"), 400);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n"), 400);
	/* refused as soon as the line is seen, before the head ends */
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\nX"), 400);
}

Test(proxy_http, field_lines_are_strict)
{
	static const char *const bad[] = {
		"GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nNo-Colon\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX(y): b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01" "b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f" "b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\x0b\r\n\r\n",
		/* obs-fold */
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n",
		"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
	};
	static const char nul[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";

	for (size_t i = 0; i < N(bad); i++)
		cr_expect_eq(refused(bad[i]), 400, "%s", bad[i]);
	cr_expect_eq(http_parse_request(&h, nul, sizeof(nul) - 1, LIMIT), HTTP_BAD);
	cr_expect_eq(h.error, 400);
	cr_assert_eq(request("GET / HTTP/1.1\r\nHost: a\r\nX: a\tb \xff\r\n\r\n"),
		     HTTP_DONE);
	cr_expect(is(h.fields[1].value, "a\tb \xff"));
}

Test(proxy_http, one_host_required_in_1_1)
{
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nX: y\r\n\r\n"), 400);
	cr_expect_eq(refused("GET / HTTP/1.0\r\nHost: a\r\nHOST: a\r\n\r\n"), 400);
	cr_expect_eq(request("GET / HTTP/1.0\r\nX: y\r\n\r\n"), HTTP_DONE);
}

Test(proxy_http, a_head_past_the_limit_is_431)
{
	const char *s = "GET / HTTP/1.1\r\nHost: a\r\nX: 0123456789\r\n\r\n";
	size_t n = strlen(s);

	cr_expect_eq(http_parse_request(&h, s, n, n), HTTP_DONE);
	cr_expect_eq(http_parse_request(&h, s, n, n - 1), HTTP_BAD);
	cr_expect_eq(h.error, 431);
	/* not yet at the limit: wait; at it: refuse */
	cr_expect_eq(http_parse_request(&h, s, 20, 21), HTTP_INCOMPLETE);
	cr_expect_eq(http_parse_request(&h, s, 21, 21), HTTP_BAD);
	cr_expect_eq(h.error, 431);
	cr_expect_eq(http_parse_request(&h, s, n, 0), HTTP_BAD);
	cr_expect_eq(h.error, 431);
}

Test(proxy_http, a_long_request_line_is_431)
{
	static char s[LIMIT + 64];

	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', sizeof(s) - 5);
	cr_expect_eq(http_parse_request(&h, s, sizeof(s), LIMIT), HTTP_BAD);
	cr_expect_eq(h.error, 431);
	cr_expect_eq(http_parse_request(&h, s, LIMIT - 1, LIMIT), HTTP_INCOMPLETE);
}

static size_t with_fields(char *s, size_t cap, size_t n)
{
	size_t len = (size_t)snprintf(s, cap, "GET / HTTP/1.1\r\nHost: a\r\n");

	for (size_t i = 1; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "X-%zu: v\r\n", i);
	len += (size_t)snprintf(s + len, cap - len, "\r\n");
	return len;
}

Test(proxy_http, more_than_64_fields_is_431)
{
	char s[4096];
	size_t len = with_fields(s, sizeof(s), HTTP_MAX_FIELDS);

	cr_assert_eq(http_parse_request(&h, s, len, LIMIT), HTTP_DONE);
	cr_expect_eq(h.nfields, HTTP_MAX_FIELDS);
	len = with_fields(s, sizeof(s), HTTP_MAX_FIELDS + 1);
	cr_expect_eq(http_parse_request(&h, s, len, LIMIT), HTTP_BAD);
	cr_expect_eq(h.error, 431);
}

/* ---- body framing (request smuggling) ---- */

Test(proxy_http, content_length_and_chunked)
{
	cr_assert_eq(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
		     HTTP_DONE);
	cr_expect_eq(h.body, HTTP_BODY_LENGTH);
	cr_expect_eq(h.length, 5);
	cr_assert_eq(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"),
		     HTTP_DONE);
	cr_expect_eq(h.body, HTTP_BODY_LENGTH);
	cr_expect_eq(h.length, 0);
	cr_assert_eq(request("POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 007\r\n"
			     "Content-Length: 7\r\n\r\n"),
		     HTTP_DONE);
	cr_expect_eq(h.length, 7);
	cr_assert_eq(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: "
			     "18446744073709551615\r\n\r\n"),
		     HTTP_DONE);
	cr_expect_eq(h.length, UINT64_MAX);
	cr_assert_eq(request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChUnKeD\r\n\r\n"),
		     HTTP_DONE);
	cr_expect_eq(h.body, HTTP_BODY_CHUNKED);
}

Test(proxy_http, ambiguous_framing_is_refused)
{
	static const struct {
		const char *fields;
		unsigned status;
	} cases[] = {
		{ "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400 },
		{ "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", 400 },
		{ "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n", 400 },
		{ "Transfer-Encoding: chunked, identity\r\n", 501 },
		{ "Transfer-Encoding: identity\r\n", 501 },
		{ "Transfer-Encoding: gzip, chunked\r\n", 501 },
		{ "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 501 },
		{ "Transfer-Encoding: chunked, chunked\r\n", 501 },
		{ "Transfer-Encoding: xchunked\r\n", 501 },
		{ "Transfer-Encoding:\r\n", 501 },
		{ "Content-Length: 5\r\nContent-Length: 6\r\n", 400 },
		{ "Content-Length: 5, 5\r\n", 400 },
		{ "Content-Length: +5\r\n", 400 },
		{ "Content-Length: -5\r\n", 400 },
		{ "Content-Length: 5 5\r\n", 400 },
		{ "Content-Length: 0x5\r\n", 400 },
		{ "Content-Length:\r\n", 400 },
		{ "Content-Length: 18446744073709551616\r\n", 400 },
		{ "Content-Length: 99999999999999999999999\r\n", 400 },
	};
	char s[512];

	for (size_t i = 0; i < N(cases); i++) {
		snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: a\r\n%s\r\n",
			 cases[i].fields);
		cr_expect_eq(refused(s), cases[i].status, "%s", cases[i].fields);
	}
	/* HTTP/1.0 has no chunked coding: its framing would be guessed */
	cr_expect_eq(refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
		     400);
}

Test(proxy_http, keep_alive_from_version_and_connection)
{
	cr_assert_eq(request("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_DONE);
	cr_expect(h.keep_alive);
	cr_assert_eq(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n"),
		     HTTP_DONE);
	cr_expect(!h.keep_alive);
	cr_assert_eq(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: x, keep-alive\r\n"
			     "Connection: , close,\r\n\r\n"),
		     HTTP_DONE);
	cr_expect(!h.keep_alive);
	cr_assert_eq(request("GET / HTTP/1.0\r\n\r\n"), HTTP_DONE);
	cr_expect(!h.keep_alive);
	cr_assert_eq(request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
		     HTTP_DONE);
	cr_expect(h.keep_alive);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep alive\r\n\r\n"),
		     400);
	cr_expect_eq(refused("GET / HTTP/1.1\r\nHost: a\r\nConnection: \"close\"\r\n\r\n"),
		     400);
}

/* Every prefix of `s` is INCOMPLETE (or, for a refused head, the same
 * refusal) until the head has arrived, then the same head. */
static void check_prefixes(const char *s, bool is_response)
{
	size_t n = strlen(s);
	struct http_head whole;
	enum http_result r, w;

	w = is_response ? http_parse_response(&whole, s, n, LIMIT, HTTP_REQ_OTHER)
			: http_parse_request(&whole, s, n, LIMIT);
	for (size_t k = 0; k <= n; k++) {
		r = is_response ? http_parse_response(&h, s, k, LIMIT, HTTP_REQ_OTHER)
				: http_parse_request(&h, s, k, LIMIT);
		if (r == HTTP_INCOMPLETE) {
			cr_assert(w != HTTP_DONE || k < whole.len, "%zu: %s", k, s);
			continue;
		}
		cr_assert_eq(r, w, "%zu: %s", k, s);
		if (r == HTTP_BAD) {
			cr_assert_eq(h.error, whole.error, "%zu: %s", k, s);
			continue;
		}
		cr_assert_geq(k, whole.len);
		cr_assert_eq(h.len, whole.len);
		cr_assert_eq(h.nfields, whole.nfields);
		cr_assert_eq(h.body, whole.body);
		cr_assert_eq(h.length, whole.length);
		cr_assert_eq(h.keep_alive, whole.keep_alive);
		cr_assert_eq(h.status, whole.status);
		cr_assert_eq(h.method.p, whole.method.p);
		cr_assert_eq(h.target.n, whole.target.n);
		for (size_t i = 0; i < h.nfields; i++)
			cr_assert_eq(h.fields[i].value.n, whole.fields[i].value.n);
	}
}

Test(proxy_http, any_split_gives_the_same_head)
{
	check_prefixes("POST /upload HTTP/1.1\r\nHost: api.example.com\r\n"
		       "Content-Length: 11\r\nConnection: close\r\n\r\nhello world",
		       false);
	check_prefixes("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n"
		       "Proxy-Authorization: Basic eDp5\r\n\r\n",
		       false);
	check_prefixes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		       "5\r\nhello\r\n0\r\n\r\n",
		       true);
	check_prefixes("GET / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n", false);
	check_prefixes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
		       "Transfer-Encoding: chunked\r\n\r\n",
		       false);
}

/* ---- responses ---- */

Test(proxy_http, a_response_head)
{
	cr_assert_eq(response("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n",
			      HTTP_REQ_OTHER),
		     HTTP_DONE);
	cr_expect_eq(h.status, 404);
	cr_expect(is(h.reason, "Not Found"));
	cr_expect_eq(h.body, HTTP_BODY_LENGTH);
	cr_expect_eq(h.length, 9);
	cr_expect(h.keep_alive);
	cr_assert_eq(response("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
			      HTTP_REQ_OTHER),
		     HTTP_DONE);
	cr_expect_eq(h.reason.n, 0);
	cr_assert_eq(response("HTTP/1.0 200\r\nContent-Length: 0\r\n\r\n",
			      HTTP_REQ_OTHER),
		     HTTP_DONE);
	cr_expect_eq(h.status, 200);
	cr_expect(!h.keep_alive);
}

Test(proxy_http, malformed_status_lines)
{
	cr_expect_eq(refused_response("HTTP/1.1 20 OK\r\n\r\n"), 400);
	cr_expect_eq(refused_response("HTTP/1.1 2000 OK\r\n\r\n"), 400);
	cr_expect_eq(refused_response("HTTP/1.1 099 Early\r\n\r\n"), 400);
	cr_expect_eq(refused_response("HTTP/1.1  200 OK\r\n\r\n"), 400);
	cr_expect_eq(refused_response("HTTP/1.1 200 O\x01K\r\n\r\n"), 400);
	cr_expect_eq(refused_response("HTTP/1.1 2x0 OK\r\n\r\n"), 400);
	cr_expect_eq(refused_response("ICY 200 OK\r\n\r\n"), 400);
	cr_expect_eq(refused_response("HTTP/2.0 200 OK\r\n\r\n"), 505);
	cr_expect_eq(refused_response("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n"), 400);
}

Test(proxy_http, response_framing_rfc9112_6_3)
{
	static const struct {
		const char *head;
		enum http_req req;
		enum http_body body;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_UNTIL_CLOSE },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_LENGTH },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_CHUNKED },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", HTTP_REQ_HEAD, HTTP_BODY_NONE },
		{ "HTTP/1.1 200 OK\r\n\r\n", HTTP_REQ_HEAD, HTTP_BODY_NONE },
		{ "HTTP/1.1 204 No Content\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_NONE },
		{ "HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_NONE },
		{ "HTTP/1.1 100 Continue\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_NONE },
		{ "HTTP/1.1 101 Switching Protocols\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_NONE },
		{ "HTTP/1.1 200 Connection established\r\n\r\n", HTTP_REQ_CONNECT, HTTP_BODY_NONE },
		{ "HTTP/1.1 407 Auth\r\nContent-Length: 3\r\n\r\n", HTTP_REQ_CONNECT, HTTP_BODY_LENGTH },
		{ "HTTP/1.1 205 Reset\r\n\r\n", HTTP_REQ_OTHER, HTTP_BODY_UNTIL_CLOSE },
	};

	for (size_t i = 0; i < N(cases); i++) {
		cr_assert_eq(response(cases[i].head, cases[i].req), HTTP_DONE, "%s",
			     cases[i].head);
		cr_expect_eq(h.body, cases[i].body, "%s", cases[i].head);
		if (h.body == HTTP_BODY_UNTIL_CLOSE)
			cr_expect(!h.keep_alive, "%s", cases[i].head);
		if (h.body == HTTP_BODY_NONE)
			cr_expect_eq(h.length, 0);
	}
}

Test(proxy_http, responses_get_the_smuggling_checks)
{
	cr_expect_eq(refused_response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
				      "Transfer-Encoding: chunked\r\n\r\n"),
		     400);
	cr_expect_eq(refused_response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
				      "Content-Length: 4\r\n\r\n"),
		     400);
	cr_expect_eq(refused_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
		     501);
	cr_expect_eq(refused_response("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
		     400);
	cr_expect_eq(response("HTTP/1.1 304 Not Modified\r\nContent-Length: x\r\n\r\n",
			      HTTP_REQ_HEAD),
		     HTTP_BAD);
}

Test(proxy_http, lookup_any_case_and_count)
{
	struct http_slice v = { NULL, 0 };

	cr_assert_eq(request("GET / HTTP/1.1\r\nHost: a\r\nProxy-Authorization: one\r\n"
			     "proxy-authorization: two\r\n\r\n"),
		     HTTP_DONE);
	cr_expect_eq(http_lookup(&h, "PROXY-AUTHORIZATION", &v), 2);
	cr_expect(is(v, "one"));
	cr_expect_eq(http_lookup(&h, "host", &v), 1);
	cr_expect(is(v, "a"));
	cr_expect_eq(http_lookup(&h, "cookie", &v), 0);
	cr_expect(is(v, "a"));
	cr_expect_eq(http_lookup(&h, "hos", &v), 0);
}

/* ---- chunked bodies ---- */

/* Feed s whole, then one byte at a time: both must agree. */
static enum http_result feed(const char *s, size_t n, size_t *used)
{
	struct http_chunked whole = { 0 }, bytes = { 0 };
	enum http_result r, rb = HTTP_INCOMPLETE;
	size_t u, at = 0;

	r = http_chunked_feed(&whole, s, n, used);
	for (; at < n && rb == HTTP_INCOMPLETE; at++) {
		rb = http_chunked_feed(&bytes, s + at, 1, &u);
		cr_assert_eq(u, rb == HTTP_INCOMPLETE || rb == HTTP_DONE, "%s", s);
	}
	cr_assert_eq(rb, r, "%s", s);
	if (r == HTTP_INCOMPLETE)
		cr_assert_eq(*used, n, "%s", s);
	else
		cr_assert_eq(at - (r == HTTP_BAD), *used, "%s", s);
	return r;
}

static enum http_result feed_str(const char *s, size_t *used)
{
	return feed(s, strlen(s), used);
}

Test(proxy_http, chunked_bodies_end_after_the_last_chunk_and_trailers)
{
	static const char *const good[] = {
		"5\r\nhello\r\n0\r\n\r\n",
		"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
		"A\r\n0123456789\r\n0\r\n\r\n",
		"a;name\r\n0123456789\r\n0;last=yes\r\n\r\n",
		"5 ; a = b ;c=\"quoted \\\" ;\";d\r\nhello\r\n0\r\n\r\n",
		"0\r\nExpires: never\r\nX-Sum:\tab c\r\n\r\n",
		"000000000000000000000005\r\nhello\r\n0000\r\n\r\n",
		"0\r\n\r\n",
	};
	size_t used;

	for (size_t i = 0; i < N(good); i++) {
		cr_expect_eq(feed_str(good[i], &used), HTTP_DONE, "%s", good[i]);
		cr_expect_eq(used, strlen(good[i]), "%s", good[i]);
	}
}

Test(proxy_http, chunked_stops_at_the_end_of_the_body)
{
	const char *s = "3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n";
	struct http_chunked c = { 0 };
	size_t used;

	cr_expect_eq(feed_str(s, &used), HTTP_DONE);
	cr_expect_eq(used, 13);
	/* in pieces; once done it stays done */
	cr_expect_eq(http_chunked_feed(&c, s, 4, &used), HTTP_INCOMPLETE);
	cr_expect_eq(used, 4);
	cr_expect_eq(http_chunked_feed(&c, s + 4, 20, &used), HTTP_DONE);
	cr_expect_eq(used, 9);
	cr_expect_eq(http_chunked_feed(&c, "0\r\n\r\n", 5, &used), HTTP_DONE);
	cr_expect_eq(used, 0);
	cr_expect_eq(http_chunked_feed(&c, s, 0, &used), HTTP_DONE);
}

Test(proxy_http, large_chunk_sizes_and_data_in_pieces)
{
	struct http_chunked c = { 0 };
	static char data[4096];
	size_t used;

	cr_expect_eq(feed_str("7fffffffffffffff\r\n", &used), HTTP_INCOMPLETE);
	cr_expect_eq(used, 18);
	cr_expect_eq(http_chunked_feed(&c, "2000\r\n", 6, &used), HTTP_INCOMPLETE);
	for (int i = 0; i < 2; i++) {
		cr_expect_eq(http_chunked_feed(&c, data, sizeof(data), &used),
			     HTTP_INCOMPLETE);
		cr_expect_eq(used, sizeof(data));
	}
	cr_expect_eq(http_chunked_feed(&c, "\r\n0\r\n\r\n", 7, &used), HTTP_DONE);
	cr_expect_eq(used, 7);
}

Test(proxy_http, malformed_chunked_bodies)
{
	static const struct {
		const char *body;
		size_t at; /* the offending byte */
	} bad[] = {
		{ "g\r\n", 0 },
		{ "\r\n", 0 },
		{ " 5\r\nhello\r\n0\r\n\r\n", 0 },
		{ "-5\r\n", 0 },
		{ "0x5\r\n", 1 },
		{ "5\nhello\r\n0\r\n\r\n", 1 },
		{ "5\r\nhelloX\r\n0\r\n\r\n", 8 },
		{ "5\r\nhello\n0\r\n\r\n", 8 },
		{ "5\r\nhello\r\r\n", 9 },
		{ "5 \r\nhello\r\n", 2 },
		{ "5;\r\nhello\r\n", 2 },
		{ "5;a=\r\nhello\r\n", 4 },
		{ "5;a b\r\n", 4 },
		{ "5;a=b c\r\n", 6 },
		{ "5;a=\"x\r\n", 6 },
		{ "5;a=\"x\"y\r\n", 7 },
		{ "5;a=\"\x01\"\r\n", 5 },
		{ "5;a\x7f\r\n", 3 },
		{ "5;a\rb", 4 },
		{ "0\r\n X: y\r\n\r\n", 3 },
		{ "0\r\nX y\r\n\r\n", 4 },
		{ "0\r\nX: y\n\r\n", 7 },
		{ "0\r\nX: y\x01\r\n\r\n", 7 },
		{ "0\r\n\n", 3 },
		{ "0\r\n\r\r", 4 },
		/* 2^63 and beyond */
		{ "8000000000000000\r\n", 15 },
		{ "10000000000000000\r\n", 16 },
		{ "ffffffffffffffffffff\r\n", 15 },
	};
	size_t used;

	for (size_t i = 0; i < N(bad); i++) {
		cr_expect_eq(feed_str(bad[i].body, &used), HTTP_BAD, "%s", bad[i].body);
		cr_expect_eq(used, bad[i].at, "%s", bad[i].body);
	}
}

Test(proxy_http, a_refused_body_stays_refused)
{
	struct http_chunked c = { 0 };
	size_t used;

	cr_expect_eq(http_chunked_feed(&c, "z", 1, &used), HTTP_BAD);
	cr_expect_eq(http_chunked_feed(&c, "5\r\n", 3, &used), HTTP_BAD);
	cr_expect_eq(used, 0);
}

Test(proxy_http, chunk_lines_and_trailers_are_bounded)
{
	static char s[HTTP_TRAILER_MAX + 64];
	size_t used, n;

	/* a size line (CRLF included) of exactly the limit, then one more */
	n = HTTP_CHUNK_LINE_MAX;
	memcpy(s, "1;x=", 4);
	memset(s + 4, 'a', n - 6);
	memcpy(s + n - 2, "\r\nZ\r\n0\r\n\r\n", 10);
	cr_expect_eq(feed(s, n + 8, &used), HTTP_DONE);
	cr_expect_eq(used, n + 8);
	memcpy(s, "1;xx=", 5);
	memset(s + 5, 'a', n - 6);
	memcpy(s + n - 1, "\r\nZ\r\n0\r\n\r\n", 10);
	cr_expect_eq(feed(s, n + 9, &used), HTTP_BAD);
	cr_expect_eq(used, n);
	/* trailers (their blank line included) of exactly the limit, then
	 * one more */
	n = HTTP_TRAILER_MAX;
	memcpy(s, "0\r\nX:", 5);
	memset(s + 5, 'v', n - 6);
	memcpy(s + n - 1, "\r\n\r\n", 4);
	cr_expect_eq(feed(s, n + 3, &used), HTTP_DONE);
	cr_expect_eq(used, n + 3);
	memset(s + 5, 'v', n - 5);
	memcpy(s + n, "\r\n\r\n", 4);
	cr_expect_eq(feed(s, n + 4, &used), HTTP_BAD);
	cr_expect_eq(used, n + 3);
}

/* ---- targets ---- */

static struct http_target t;

static int target(const char *head)
{
	cr_assert_eq(request(head), HTTP_DONE, "%s", head);
	return http_request_target(&h, &t);
}

/* The target of "METHOD TARGET HTTP/1.1" with Host: a (the head's
 * slices, and t.path, point into s). */
static int target_of(const char *method, const char *tgt)
{
	static char s[1024];

	snprintf(s, sizeof(s), "%s %s HTTP/1.1\r\nHost: a\r\n\r\n", method, tgt);
	return target(s);
}

static int connect_to(const char *authority)
{
	return target_of("CONNECT", authority);
}

Test(proxy_http, origin_form_goes_to_the_host_field)
{
	cr_assert_eq(target("GET /p?q=1 HTTP/1.1\r\nHost: API.Example.com:8080\r\n\r\n"), 0);
	cr_expect_eq(t.form, HTTP_FORM_ORIGIN);
	cr_expect_str_eq(t.host, "api.example.com");
	cr_expect_eq(t.kind, HTTP_HOST_NAME);
	cr_expect_eq(t.port, 8080);
	cr_expect(is(t.path, "/p?q=1"));
	cr_assert_eq(target("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), 0);
	cr_expect_eq(t.port, 80);
	cr_expect_eq(target("GET / HTTP/1.0\r\n\r\n"), -1);
	cr_expect_eq(target("GET / HTTP/1.1\r\nHost:\r\n\r\n"), -1);
	cr_expect_eq(target("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), -1);
	cr_expect_eq(target_of("GET", "/a#frag"), -1);
	cr_expect_eq(target_of("OPTIONS", "*"), -1);
}

Test(proxy_http, absolute_form_http_only)
{
	cr_assert_eq(target_of("GET", "HTTP://Example.COM:8080/a/b?c=d"), 0);
	cr_expect_eq(t.form, HTTP_FORM_ABSOLUTE);
	cr_expect_str_eq(t.host, "example.com");
	cr_expect_eq(t.port, 8080);
	cr_expect(is(t.path, "/a/b?c=d"));
	cr_assert_eq(target_of("POST", "http://example.com"), 0);
	cr_expect_eq(t.port, 80);
	cr_expect(is(t.path, "/"));
	cr_assert_eq(target_of("GET", "http://[::1]/x"), 0);
	cr_expect_str_eq(t.host, "::1");
	cr_expect_eq(t.kind, HTTP_HOST_IPV6);
	cr_expect_eq(target_of("GET", "https://example.com/"), -1);
	cr_expect_eq(target_of("GET", "ftp://example.com/"), -1);
	cr_expect_eq(target_of("GET", "http:/example.com/"), -1);
	cr_expect_eq(target_of("GET", "http://user@example.com/"), -1);
	cr_expect_eq(target_of("GET", "http://user:pw@example.com/"), -1);
	cr_expect_eq(target_of("GET", "http://example.com?q"), -1);
	cr_expect_eq(target_of("GET", "http://example.com/#f"), -1);
	cr_expect_eq(target_of("GET", "http:///path"), -1);
	cr_expect_eq(target_of("GET", "http://example.com:/"), -1);
	cr_expect_eq(target_of("GET", "example.com:80"), -1);
}

Test(proxy_http, authority_form_for_connect)
{
	cr_assert_eq(connect_to("Example.com:443"), 0);
	cr_expect_eq(t.form, HTTP_FORM_AUTHORITY);
	cr_expect_str_eq(t.host, "example.com");
	cr_expect_eq(t.port, 443);
	cr_expect_eq(t.path.n, 0);
	cr_assert_eq(connect_to("[2001:DB8::A]:443"), 0);
	cr_expect_str_eq(t.host, "2001:db8::a");
	cr_expect_eq(t.kind, HTTP_HOST_IPV6);
	cr_assert_eq(connect_to("10.0.0.1:65535"), 0);
	cr_expect_eq(t.kind, HTTP_HOST_IPV4);
	cr_expect_eq(t.port, 65535);
	cr_assert_eq(connect_to("a:1"), 0);
	cr_expect_eq(t.port, 1);
	cr_expect_eq(connect_to("example.com"), -1);
	cr_expect_eq(connect_to("example.com:"), -1);
	cr_expect_eq(connect_to("example.com:0"), -1);
	cr_expect_eq(connect_to("example.com:65536"), -1);
	cr_expect_eq(connect_to("example.com:99999999999999999999999"), -1);
	cr_expect_eq(connect_to("example.com:abc"), -1);
	cr_expect_eq(connect_to("example.com:0443"), -1);
	cr_expect_eq(connect_to("example.com:+443"), -1);
	cr_expect_eq(connect_to("example.com:443:1"), -1);
	cr_expect_eq(connect_to("user@example.com:443"), -1);
	cr_expect_eq(connect_to("/path"), -1);
	cr_expect_eq(connect_to("http://example.com:443"), -1);
	cr_expect_eq(connect_to("[::1]"), -1);
	cr_expect_eq(connect_to("::1:443"), -1);
	cr_expect_eq(target_of("connect", "example.com:443"), -1);
}

Test(proxy_http, ipv6_literals)
{
	static const char *const good[] = {
		"[::]:1", "[::1]:1", "[1::]:1", "[1:2:3:4:5:6:7:8]:1",
		"[1:2:3:4:5:6:7::]:1", "[::ffff:192.0.2.1]:1",
		"[1:2:3:4:5:6:1.2.3.4]:1", "[fe80::abcd:1]:1",
	};
	static const char *const bad[] = {
		"[]:1", "[:]:1", "[:::]:1", "[1:2]:1", "[1::2::3]:1",
		"[12345::]:1", "[1:2:3:4:5:6:7:8:9]:1", "[1:2:3:4:5:6:7:8::]:1",
		"[:1::]:1", "[1:]:1", "[g::1]:1", "[fe80::1%25eth0]:1",
		"[::1.2.3]:1", "[::1.2.3.4.5]:1", "[::01.2.3.4]:1",
		"[1.2.3.4::]:1", "[::1]x:1", "[::1]]:1", "[::1:1",
		"[v1.fe]:1", "[1:2:3:4:5:6:7:1.2.3.4]:1",
	};

	for (size_t i = 0; i < N(good); i++)
		cr_expect_eq(connect_to(good[i]), 0, "%s", good[i]);
	for (size_t i = 0; i < N(bad); i++)
		cr_expect_eq(connect_to(bad[i]), -1, "%s", bad[i]);
	cr_assert_eq(connect_to("[::FFFF:192.0.2.1]:1"), 0);
	cr_expect_str_eq(t.host, "::ffff:192.0.2.1");
}

/* A host name of n characters in labels of 63, then `tail`. */
static void long_name(char *s, size_t cap, size_t n, const char *tail)
{
	for (size_t i = 0; i < n; i++)
		s[i] = i % 64 == 63 ? '.' : 'a';
	snprintf(s + n, cap - n, "%s", tail);
}

Test(proxy_http, host_names_and_ipv4)
{
	static const char *const bad[] = {
		"127.1:1", "0177.0.0.1:1", "0x7f.0.0.1:1", "1.2.3.256:1",
		"1.2.3.4.5:1", "123:1", "2130706433:1", "example.0x1f:1",
		"foo.123:1", "a..b:1", ".a:1", ".:1", "a.com..:1", "-a.com:1",
		"a-.com:1", "a_b.com:1", "a%62:1", "a[1]:1",
	};
	char name[HTTP_HOST_MAX + 16], label[70];

	for (size_t i = 0; i < N(bad); i++)
		cr_expect_eq(connect_to(bad[i]), -1, "%s", bad[i]);
	cr_assert_eq(connect_to("192.168.0.10:1"), 0);
	cr_expect_eq(t.kind, HTTP_HOST_IPV4);
	cr_expect_str_eq(t.host, "192.168.0.10");
	cr_assert_eq(connect_to("0.0.0.0:1"), 0);
	cr_assert_eq(connect_to("Example.COM.:1"), 0);
	cr_expect_str_eq(t.host, "example.com");
	cr_expect_eq(t.kind, HTTP_HOST_NAME);
	cr_assert_eq(connect_to("x-1.0x7g.a1:1"), 0);
	cr_assert_eq(connect_to("1.2.3.com:1"), 0);
	/* labels up to 63, names up to 253 */
	memset(label, 'a', 63);
	snprintf(label + 63, sizeof(label) - 63, ".b:1");
	cr_expect_eq(connect_to(label), 0);
	memset(label, 'a', 64);
	snprintf(label + 64, sizeof(label) - 64, ".b:1");
	cr_expect_eq(connect_to(label), -1);
	long_name(name, sizeof(name), HTTP_HOST_MAX, ".:1");
	cr_assert_eq(connect_to(name), 0);
	cr_expect_eq(strlen(t.host), HTTP_HOST_MAX);
	long_name(name, sizeof(name), HTTP_HOST_MAX + 1, ":1");
	cr_expect_eq(connect_to(name), -1);
}

/* ---- the head sent upstream ---- */

static char out[1024];

static ptrdiff_t build(const struct http_upstream *up)
{
	memset(out, 0, sizeof(out));
	return http_build_request(out, sizeof(out) - 1, &h, up);
}

Test(proxy_http, upstream_head_without_hop_by_hop_fields)
{
	static const char *const drop[] = { "X-Api-Key", "host" };
	static const struct http_add add[] = {
		{ "Host", "api.example.com" }, { "x-api-key", "real\tkey" },
	};
	struct http_upstream up = { { "/v1/m?x=1", 9 }, drop, N(drop), add, N(add) };
	const char *want = "POST /v1/m?x=1 HTTP/1.1\r\n"
			   "Content-Type: text/plain\r\n"
			   "Content-Length: 2\r\n"
			   "Accept: */*\r\n"
			   "Host: api.example.com\r\n"
			   "x-api-key: real\tkey\r\n"
			   "\r\n";

	cr_assert_eq(request("POST http://api.example.com/v1/m?x=1 HTTP/1.0\r\n"
			     "Host: api.example.com\r\n"
			     "Connection: keep-alive, X-Secret , content-length\r\n"
			     "Content-Type:  text/plain \r\n"
			     "Proxy-Connection: keep-alive\r\nKeep-Alive: 300\r\n"
			     "Proxy-Authorization: Basic eDp5\r\n"
			     "Proxy-Authenticate: x\r\nTE: trailers\r\nTrailer: X\r\n"
			     "Upgrade: websocket\r\nx-secret: s\r\n"
			     "X-API-KEY: phantom\r\nContent-Length: 2\r\n"
			     "connection: Accept-Encoding\r\nAccept-Encoding: gzip\r\n"
			     "Accept: */*\r\n\r\nhi"),
		     HTTP_DONE);
	cr_assert_eq(build(&up), (ptrdiff_t)strlen(want));
	cr_expect_str_eq(out, want);
}

Test(proxy_http, upstream_head_keeps_the_chunked_framing)
{
	struct http_upstream up = { { "/", 1 }, NULL, 0, NULL, 0 };
	const char *want = "PUT / HTTP/1.1\r\nHost: a\r\n"
			   "Transfer-Encoding: chunked\r\n\r\n";

	cr_assert_eq(request("PUT / HTTP/1.1\r\nHost: a\r\n"
			     "Connection: transfer-encoding\r\n"
			     "Transfer-Encoding: chunked\r\n\r\n"),
		     HTTP_DONE);
	cr_assert_eq(build(&up), (ptrdiff_t)strlen(want));
	cr_expect_str_eq(out, want);
}

Test(proxy_http, added_headers_cannot_inject)
{
	static const struct http_add bad[][1] = {
		{ { "X-Key", "a\r\nHost: evil" } }, { { "X-Key", "a\nb" } },
		{ { "X-Key", "a\rb" } },           { { "X-Key", "a\x01" "b" } },
		{ { "X Key", "v" } },              { { "X:Key", "v" } },
		{ { "", "v" } },                   { { "X\r\nY", "v" } },
		{ { "X-Key", "a\x7f" } },
	};
	struct http_upstream up = { { "/", 1 }, NULL, 0, NULL, 1 };

	cr_assert_eq(request("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_DONE);
	for (size_t i = 0; i < N(bad); i++) {
		up.add = bad[i];
		cr_expect_eq(build(&up), -1, "%s: %s", bad[i][0].name, bad[i][0].value);
		cr_expect_eq(out[0], '\0');
	}
	up.target = (struct http_slice){ "/a b", 4 };
	up.nadd = 0;
	cr_expect_eq(build(&up), -1);
	up.target = (struct http_slice){ "/\r\nX: y", 7 };
	cr_expect_eq(build(&up), -1);
	up.target = (struct http_slice){ "", 0 };
	cr_expect_eq(build(&up), -1);
}

Test(proxy_http, upstream_head_must_fit)
{
	static const struct http_add add[] = { { "X-Key", "value" } };
	struct http_upstream up = { { "/x", 2 }, NULL, 0, add, 1 };
	const char *want = "GET /x HTTP/1.1\r\nHost: a\r\nX-Key: value\r\n\r\n";
	size_t n = strlen(want);
	char small[64];

	cr_assert_eq(request("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_DONE);
	cr_assert_eq(http_build_request(small, n, &h, &up), (ptrdiff_t)n);
	cr_expect(memcmp(small, want, n) == 0);
	for (size_t cap = 0; cap < n; cap++)
		cr_expect_eq(http_build_request(small, cap, &h, &up), -1, "%zu", cap);
}

Test(proxy_http, query_parameters_are_found_once_or_refused)
{
	struct http_slice v;
	const char *q = "/v1/x?a=1&key=abc&b=&key2=z#key=frag";

	cr_assert_eq(http_query_param((struct http_slice){ q, strlen(q) }, "key", &v), 1);
	cr_assert(v.n == 3 && memcmp(v.p, "abc", 3) == 0);
	cr_assert_eq(http_query_param((struct http_slice){ q, strlen(q) }, "b", &v), 1);
	cr_assert_eq(v.n, 0);
	cr_assert_eq(http_query_param((struct http_slice){ q, strlen(q) }, "frag", &v), 0);
	q = "/x?key=1&key=2";
	cr_assert_eq(http_query_param((struct http_slice){ q, strlen(q) }, "key", &v), -1);
	q = "/x/key=1";
	cr_assert_eq(http_query_param((struct http_slice){ q, strlen(q) }, "key", &v), 0);
	q = "/x?key";
	cr_assert_eq(http_query_param((struct http_slice){ q, strlen(q) }, "key", &v), 0);
}

Test(proxy_http, query_values_are_percent_encoded)
{
	char *e = http_query_encode("a b/c&d=é~-._");

	cr_assert_str_eq(e, "a%20b%2Fc%26d%3D%C3%A9~-._");
	free(e);
}

Test(proxy_http, dot_segments_are_found_raw_or_encoded)
{
	static const char *const climb[] = { "/../admin", "/a/..", "/./x", "/%2e%2E/x", "/a/.%2e/b", "/..?q=1" };
	static const char *const stay[] = { "/a/b", "/...", "/a.b/c", "/x?p=../..", "/x#../", "/.well-known/x", "" };
	struct http_slice v;
	const char *q = "/r/x#?key=P";

	for (size_t i = 0; i < sizeof(climb) / sizeof(climb[0]); i++)
		cr_expect(http_path_climbs((struct http_slice){ climb[i], strlen(climb[i]) }), "%s", climb[i]);
	for (size_t i = 0; i < sizeof(stay) / sizeof(stay[0]); i++)
		cr_expect(!http_path_climbs((struct http_slice){ stay[i], strlen(stay[i]) }), "%s", stay[i]);
	/* a '?' after the fragment's '#' starts no query */
	cr_expect_eq(http_query_param((struct http_slice){ q, strlen(q) }, "key", &v), 0);
}
