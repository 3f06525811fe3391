/* Where a forwarded request and its response end (proxy/exchange.h), fed
 * as the bytes arrive: whole, split anywhere, with interim answers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proxy/exchange.h"

static struct http_head req;
static struct exchange x;

static void request(const char *head)
{
	cr_assert_eq(http_parse_request(&req, head, strlen(head), 16384), HTTP_DONE, "%s", head);
	memset(&x, 0, sizeof(x));
	exchange_start(&x, &req);
}

static void teardown(void)
{
	exchange_free(&x);
}

TestSuite(proxy_exchange, .fini = teardown);

/* Feed `s` in pieces of `step` bytes; the total the exchange took. */
static size_t response(const char *s, size_t step)
{
	size_t n = strlen(s), took = 0;

	for (size_t at = 0; at < n; at += step) {
		size_t piece = n - at < step ? n - at : step;
		ptrdiff_t k = exchange_response(&x, s + at, piece);

		cr_assert(k >= 0, "malformed at %zu", at);
		took += (size_t)k;
		if ((size_t)k < piece)
			break;
	}
	return took;
}

Test(proxy_exchange, a_request_body_ends_at_its_length)
{
	request("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n");
	cr_assert_not(x.req_done);
	cr_assert_eq(exchange_request(&x, "abc", 3), 3);
	cr_assert_eq(exchange_request(&x, "deGET /next", 11), 2);
	cr_assert(x.req_done);
	cr_assert_eq(exchange_request(&x, "more", 4), 0);
}

Test(proxy_exchange, a_chunked_request_body_ends_at_its_last_chunk)
{
	request("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
	cr_assert_eq(exchange_request(&x, "3\r\nabc\r\n0\r\n\r\nGET", 16), 13);
	cr_assert(x.req_done);
}

Test(proxy_exchange, a_response_is_found_whatever_the_pieces)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbodyEXTRA";

	for (size_t step = 1; step <= sizeof(resp); step++) {
		request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
		cr_assert_eq(response(resp, step), strlen(resp) - 5, "step %zu", step);
		cr_assert(x.resp_done, "step %zu", step);
		cr_assert(exchange_reusable(&x), "step %zu", step);
		exchange_free(&x);
	}
}

Test(proxy_exchange, interim_answers_are_passed_and_skipped)
{
	static const char resp[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
				   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";

	for (size_t step = 1; step <= sizeof(resp); step += 7) {
		request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
		cr_assert_eq(response(resp, step), strlen(resp), "step %zu", step);
		cr_assert_eq(x.resp.status, 200);
		cr_assert(x.resp_done, "step %zu", step);
		exchange_free(&x);
	}
}

/* Found by fuzz_exchange: an interim head split across reads, then a read
 * larger than the room left, the final head filling what its drop freed. */
Test(proxy_exchange, a_final_head_after_an_interim_one_is_found_in_a_full_read)
{
	static const char first[] = "HTTP/1.1 100 Con";
	size_t big = 65536, pad;
	char *rest = malloc(big);
	ptrdiff_t k;
	int n;

	cr_assert_not_null(rest);
	n = snprintf(rest, big, "tinue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ");
	/* the final head ends past what the first copy into the head buffer
	 * holds (its 64 KiB less the 16 bytes before), still below its bound */
	pad = EXCHANGE_HEAD_MAX - 6 - 4 - (size_t)n;
	memset(rest + n, 'p', pad);
	memcpy(rest + n + pad, "\r\n\r\n", 4);
	memset(rest + n + pad + 4, 'z', big - (size_t)n - pad - 4); /* the next response's bytes */
	request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
	cr_assert_eq(exchange_response(&x, first, strlen(first)), (ptrdiff_t)strlen(first));
	k = exchange_response(&x, rest, big);
	cr_assert(x.head_done && x.resp_done, "the final head was not found");
	cr_assert_eq(x.resp.status, 200);
	cr_assert_eq(k, (ptrdiff_t)((size_t)n + pad + 4), "took %td", k);
	free(rest);
}

Test(proxy_exchange, a_head_answer_has_no_body_and_304_neither)
{
	request("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
	cr_assert_eq(response("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 100), 39);
	cr_assert(x.resp_done);
	exchange_free(&x);
	request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	cr_assert_eq(response("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 100), 49);
	cr_assert(x.resp_done);
}

Test(proxy_exchange, what_ends_the_reuse)
{
	request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	response("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 100);
	cr_assert(x.resp_done);
	cr_assert_not(exchange_reusable(&x), "the server closes");
	exchange_free(&x);
	request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	response("HTTP/1.1 200 OK\r\n\r\nuntil the close", 100);
	cr_assert_not(x.resp_done);
	cr_assert_not(exchange_reusable(&x), "a body until the close");
	exchange_free(&x);
	request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
	response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 100);
	cr_assert_not(exchange_reusable(&x), "the client closes");
}

Test(proxy_exchange, malformed_or_huge_answers_are_refused)
{
	static char big[EXCHANGE_HEAD_MAX + 64];
	static const char smuggled[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";

	request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	cr_assert_eq(exchange_response(&x, smuggled, sizeof(smuggled) - 1), -1);
	exchange_free(&x);
	request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', sizeof(big) - 20);
	cr_assert_eq(exchange_response(&x, big, sizeof(big)), -1);
}
