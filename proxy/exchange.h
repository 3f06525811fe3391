/* exchange.h — where one forwarded HTTP/1.1 request and its response end,
 * as their bytes stream through the proxy unchanged (pure: no I/O).
 *
 * The request's body is framed by its head (http.h): bytes past its end
 * belong to the client's next request, never to this server. The
 * response's head is read as it passes (bounded by EXCHANGE_HEAD_MAX;
 * interim 1xx heads skipped), then its body by its framing. When both
 * have ended, both sides said keep-alive and the body did not run until
 * the close, the connections may carry another exchange.
 */
#ifndef LATCH_EXCHANGE_H
#define LATCH_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

#define EXCHANGE_HEAD_MAX (64 * 1024)

struct exchange {
	const struct http_head *req;
	uint64_t req_left;
	struct http_chunked req_chunk;
	bool req_done;
	char *head;             /* the response head so far (allocated) */
	size_t head_len;
	size_t fed;             /* response bytes seen before the head ended */
	size_t dropped;         /* of which interim 1xx heads */
	bool head_done;
	struct http_head resp;
	uint64_t resp_left;
	struct http_chunked resp_chunk;
	bool resp_done;
};

/* A new exchange for the parsed request `req` (which must outlive it). */
void exchange_start(struct exchange *x, const struct http_head *req);
void exchange_free(struct exchange *x);

/* How many of d[0..n) belong to the request's body (0 once it ended);
 * -1 for a malformed chunked body. */
ptrdiff_t exchange_request(struct exchange *x, const char *d, size_t n);
/* How many of d[0..n) belong to the response (the rest is past its end);
 * -1 when its head is malformed or too large, or its chunked body is
 * malformed. */
ptrdiff_t exchange_response(struct exchange *x, const char *d, size_t n);
/* The response ended at a byte count (not at the close): both requests
 * and answers said keep-alive. */
bool exchange_reusable(const struct exchange *x);

#endif
