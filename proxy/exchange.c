/* exchange.c — the ends of a forwarded request and of its response. */
#include "exchange.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

void exchange_start(struct exchange *x, const struct http_head *req)
{
	free(x->head);
	*x = (struct exchange){ .req = req, .req_left = req->length };
	x->req_done = req->body == HTTP_BODY_NONE ||
		      (req->body == HTTP_BODY_LENGTH && req->length == 0);
}

void exchange_free(struct exchange *x)
{
	free(x->head);
	x->head = NULL;
}

/* How many of d[0..n) a body framed by (body, *left, chunk) takes;
 * *done once it has ended; -1 malformed. */
static ptrdiff_t framed(enum http_body body, uint64_t *left,
			struct http_chunked *chunk, bool *done,
			const char *d, size_t n)
{
	size_t used = n;

	if (*done)
		return 0;
	switch (body) {
	case HTTP_BODY_LENGTH:
		used = n < *left ? n : (size_t)*left;
		*left -= used;
		*done = *left == 0;
		return (ptrdiff_t)used;
	case HTTP_BODY_CHUNKED:
		switch (http_chunked_feed(chunk, d, n, &used)) {
		case HTTP_BAD:
			return -1;
		case HTTP_DONE:
			*done = true;
			break;
		case HTTP_INCOMPLETE:
			break;
		}
		return (ptrdiff_t)used;
	case HTTP_BODY_UNTIL_CLOSE:
		return (ptrdiff_t)n;
	default:
		*done = true;
		return 0;
	}
}

ptrdiff_t exchange_request(struct exchange *x, const char *d, size_t n)
{
	return framed(x->req->body, &x->req_left, &x->req_chunk, &x->req_done, d, n);
}

/* The response head from the bytes so far: 0 not yet, 1 read (the body's
 * framing set), -1 malformed or too large. An interim 1xx head is dropped
 * and the next one awaited. */
static int take_head(struct exchange *x)
{
	enum http_req kind = x->req->method.n == 4 && memcmp(x->req->method.p, "HEAD", 4) == 0
			     ? HTTP_REQ_HEAD : HTTP_REQ_OTHER;

	for (;;) {
		switch (http_parse_response(&x->resp, x->head, x->head_len, EXCHANGE_HEAD_MAX, kind)) {
		case HTTP_INCOMPLETE:
			return x->head_len >= EXCHANGE_HEAD_MAX ? -1 : 0;
		case HTTP_BAD:
			return -1;
		case HTTP_DONE:
			break;
		}
		if (x->resp.status >= 100 && x->resp.status < 200 && x->resp.status != 101) {
			memmove(x->head, x->head + x->resp.len, x->head_len - x->resp.len);
			x->head_len -= x->resp.len;
			x->dropped += x->resp.len;
			continue;
		}
		x->head_done = true;
		x->resp_left = x->resp.length;
		x->resp_done = x->resp.body == HTTP_BODY_NONE ||
			       (x->resp.body == HTTP_BODY_LENGTH && x->resp.length == 0);
		return 1;
	}
}

ptrdiff_t exchange_response(struct exchange *x, const char *d, size_t n)
{
	size_t copied, used = 0, in_head;
	ptrdiff_t body;
	int rc;

	if (x->head_done)
		return framed(x->resp.body, &x->resp_left, &x->resp_chunk, &x->resp_done, d, n);
	if (x->head == NULL)
		x->head = xmalloc(EXCHANGE_HEAD_MAX);
	/* as much as the head buffer holds; again when interim heads dropped
	 * from it made room (a head never ends unseen inside these bytes) */
	do {
		copied = n - used < EXCHANGE_HEAD_MAX - x->head_len ? n - used
								    : EXCHANGE_HEAD_MAX - x->head_len;
		memcpy(x->head + x->head_len, d + used, copied);
		x->head_len += copied;
		used += copied;
		rc = take_head(x);
	} while (rc == 0 && used < n);
	if (rc <= 0) {
		x->fed += used;
		return rc < 0 ? -1 : (ptrdiff_t)used;
	}
	/* the head (and any interim ones) ends inside these bytes: the rest
	 * is the body's */
	in_head = x->dropped + x->resp.len - x->fed;
	body = framed(x->resp.body, &x->resp_left, &x->resp_chunk, &x->resp_done,
		      d + in_head, n - in_head);
	return body < 0 ? -1 : (ptrdiff_t)(in_head + (size_t)body);
}

bool exchange_reusable(const struct exchange *x)
{
	return x->req_done && x->head_done && x->resp_done && x->req->keep_alive &&
	       x->resp.keep_alive && x->resp.body != HTTP_BODY_UNTIL_CLOSE &&
	       x->resp.status != 101;
}
