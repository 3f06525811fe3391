/* http.h — HTTP/1.1 message heads for the network proxy (RFC 9110, 9112).
 * The bytes come from the sandboxed program (requests) or from the
 * servers it talks to (responses): the parser is strict and bounded. Pure:
 * buffers in, structs out; no allocation, no I/O.
 *
 * A head is parsed from the bytes received so far, from the start each
 * time: INCOMPLETE until its blank line has arrived, then DONE; the answer
 * is the same whatever the pieces the bytes came in (a caller may wait for
 * a '\n' before calling again). Each complete line is checked as it
 * arrives, so a malformed line is refused before the head ends (framing
 * and Host wait for its end). Refused (BAD, with the status to answer in
 * `error`):
 *  - 400: a line not ending in CRLF (a bare LF or CR is refused, not read
 *    as an end of line), a blank line before the start line, a request
 *    line other than METHOD SP TARGET SP VERSION (method a token of at
 *    most 16 characters, target visible ASCII), a status line other than
 *    VERSION SP 3DIGIT [SP reason] (100–999), a field line other than
 *    NAME ":" OWS VALUE OWS (name a token; value without controls other
 *    than HTAB), a continuation line (obs-fold), a Connection value that
 *    is not a list of tokens; and body framing open to smuggling:
 *    Transfer-Encoding with Content-Length, Transfer-Encoding in an
 *    HTTP/1.0 message, a Content-Length other than digits (no sign, no
 *    list "5, 5") or past 2^64-1, Content-Length lines that disagree;
 *    in requests, more than one Host, or none in HTTP/1.1;
 *  - 431: no blank line within the first `limit` bytes, or more than
 *    HTTP_MAX_FIELDS field lines;
 *  - 501: a Transfer-Encoding other than one line "chunked" (any case);
 *  - 505: a version other than HTTP/1.0 and HTTP/1.1.
 * For a response the status says why; the proxy answers 502 whatever it is.
 */
#ifndef LATCH_HTTP_H
#define LATCH_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_FIELDS 64
#define HTTP_HOST_MAX 253        /* a DNS name, without the trailing dot */
#define HTTP_CHUNK_LINE_MAX 4096 /* a chunk-size line, extensions and CRLF */
#define HTTP_TRAILER_MAX 8192    /* the trailer section, its blank line too */

/* Bytes of the caller's buffer (not NUL-terminated). */
struct http_slice {
	const char *p;
	size_t n;
};

struct http_field {
	struct http_slice name, value; /* value: without the OWS around it */
};

enum http_result { HTTP_INCOMPLETE, HTTP_DONE, HTTP_BAD };

/* Where the body after the head ends (RFC 9112 §6.3). */
enum http_body {
	HTTP_BODY_NONE,
	HTTP_BODY_LENGTH,      /* after `length` bytes (0 included) */
	HTTP_BODY_CHUNKED,     /* when struct http_chunked says so */
	HTTP_BODY_UNTIL_CLOSE, /* when the server closes (responses only) */
};

struct http_head {
	struct http_slice method, target; /* requests */
	unsigned status;                  /* responses */
	struct http_slice reason;         /* responses; may be empty */
	unsigned minor;                   /* HTTP/1.minor: 0 or 1 */
	struct http_field fields[HTTP_MAX_FIELDS]; /* in order */
	size_t nfields;
	size_t len; /* DONE: the head's bytes, its blank line included */
	enum http_body body;
	uint64_t length;
	bool keep_alive; /* the version's default, or Connection's close /
			    keep-alive (close wins) */
	unsigned error;  /* BAD: 400, 431, 501 or 505 */
};

/* A request head from buf[0..len), at most `limit` bytes long. */
enum http_result http_parse_request(struct http_head *h, const char *buf,
				   size_t len, size_t limit);

/* What the request of a response was: a response to HEAD has no body,
 * nor does a 2xx response to CONNECT (a tunnel follows). */
enum http_req { HTTP_REQ_OTHER, HTTP_REQ_HEAD, HTTP_REQ_CONNECT };

/* A response head, as http_parse_request. No body for 1xx, 204, 304 and
 * the cases of `req`; else chunked, Content-Length, or until close (then
 * keep_alive is false). */
enum http_result http_parse_response(struct http_head *h, const char *buf,
				     size_t len, size_t limit,
				     enum http_req req);

/* How many field lines are named `name` (any case); the first one's value
 * in *value when there is one. */
size_t http_lookup(const struct http_head *h, const char *name,
		   struct http_slice *value);

/* Where a request goes. Host names: letters, digits, '-' (not first or
 * last in a label), labels of 1–63 separated by '.', one trailing '.'
 * dropped, lower-cased. A name whose last label is numeric (digits, or
 * 0x and hex) must be a dotted quad of 0–255 without leading zeros
 * (127.1, 0x7f.0.0.1, 0177.0.0.1 are refused: resolvers read them as
 * addresses). IPv6 literals in brackets, without zone. Ports 1–65535,
 * decimal, no leading zero. */
enum http_form {
	HTTP_FORM_ORIGIN,    /* /path?query, the host from Host (port 80) */
	HTTP_FORM_ABSOLUTE,  /* http://host[:port][/path?query] (port 80) */
	HTTP_FORM_AUTHORITY, /* CONNECT host:port (port required) */
};
enum http_host { HTTP_HOST_NAME, HTTP_HOST_IPV4, HTTP_HOST_IPV6 };

struct http_target {
	enum http_form form;
	enum http_host kind;
	char host[HTTP_HOST_MAX + 1]; /* lower case; IPv6 without brackets */
	uint16_t port;
	struct http_slice path; /* the origin-form to send on ("/" for an
				   empty path); empty for CONNECT */
};

/* The target of a parsed request: authority-form for CONNECT, else
 * absolute-form (scheme http, any case; no userinfo) or origin-form. -1
 * (answer 400) for any other: https:// (not proxied), "*", a fragment,
 * "http://host?query" (no path), a bad host or port. */
int http_request_target(const struct http_head *req, struct http_target *t);

/* The end of a chunked body, fed the body's bytes as they pass.
 * Zero-initialise before the first chunk; the fields are the tracker's.
 * Strict RFC 9112 §7.1 grammar: chunk extensions (tokens, quoted
 * strings) and trailer field lines are checked, lines end in CRLF, a
 * chunk size is hex below 2^63, lines and trailers are bounded (above). */
struct http_chunked {
	uint64_t left; /* the chunk size being read; the data left of it */
	size_t count;  /* bytes of the current size line or of the trailers */
	int state;
};

/* Feed buf[0..len): *used is how many of them belong to the body.
 * INCOMPLETE: all of them, the body goes on; DONE: the body ended after
 * *used bytes (the last chunk, the trailers and their blank line); BAD:
 * malformed at buf[*used] (the connection must be closed). Once DONE or
 * BAD, it stays so. */
enum http_result http_chunked_feed(struct http_chunked *c, const char *buf,
				   size_t len, size_t *used);

/* A header the proxy adds: name a token, value a field value (no CR, LF,
 * NUL or other control than HTAB). NUL-terminated. */
struct http_add {
	const char *name, *value;
};

/* How the request goes on upstream. */
struct http_upstream {
	struct http_slice target;   /* visible ASCII (e.g. the path) */
	const char *const *drop;    /* header names left out (any case) */
	size_t ndrop;
	const struct http_add *add; /* headers added after the request's */
	size_t nadd;
};

/* Whether a target's path (before '?' or '#') has a "." or ".." segment,
 * raw or percent-encoded (%2e): one that would leave a route's base. */
bool http_path_climbs(struct http_slice target);

/* The value (as sent) of query parameter `name` in a target
 * "path?query#…": 1 when it is there once (*value), 0 when not, -1 when
 * more than once. */
int http_query_param(struct http_slice target, const char *name,
		     struct http_slice *value);
/* `s` percent-encoded for a query value (unreserved characters kept). */
char *http_query_encode(const char *s);

/* Write into out[0..cap) "METHOD SP target SP HTTP/1.1" CRLF, the request's
 * field lines as "name: value" CRLF without the hop-by-hop ones
 * (Connection, Proxy-Connection, Keep-Alive, Proxy-Authorization,
 * Proxy-Authenticate, TE, Trailer, Upgrade, those Connection names except
 * Content-Length and Transfer-Encoding, which always stay) and the
 * dropped ones, the added ones, then CRLF. The length, or -1 when it does
 * not fit or the target or an added header is unsafe. */
ptrdiff_t http_build_request(char *out, size_t cap,
			     const struct http_head *req,
			     const struct http_upstream *up);

#endif
