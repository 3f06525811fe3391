/* http.c — HTTP/1.1 message heads, targets, chunked bodies. See http.h. */
#include "http.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

#define METHOD_MAX 16
#define LABEL_MAX 63
#define IPV6_TEXT_MAX 45 /* ffff:…:ffff:255.255.255.255 */

/* ---- characters (RFC 9110 §5.6) ---- */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_tchar(unsigned char c)
{
	return is_digit(c) || is_alpha(c) ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static bool is_vchar(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

/* A character of a field value: visible, obs-text, SP or HTAB. */
static bool is_field_char(unsigned char c)
{
	return is_vchar(c) || c >= 0x80 || is_ows(c);
}

static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* ---- slices ---- */

static struct http_slice slice(const char *p, size_t n)
{
	struct http_slice s = { p, n };

	return s;
}

static bool slices_ieq(struct http_slice a, struct http_slice b)
{
	if (a.n != b.n)
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (lower(a.p[i]) != lower(b.p[i]))
			return false;
	return true;
}

static bool slice_ieq(struct http_slice s, const char *lit)
{
	return slices_ieq(s, slice(lit, strlen(lit)));
}

static bool all_of(struct http_slice s, bool (*ok)(unsigned char))
{
	for (size_t i = 0; i < s.n; i++)
		if (!ok((unsigned char)s.p[i]))
			return false;
	return true;
}

static bool is_token(struct http_slice s)
{
	return s.n > 0 && all_of(s, is_tchar);
}

static struct http_slice trim(struct http_slice s)
{
	while (s.n > 0 && is_ows((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_ows((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

/* The next element of the comma-separated list *rest, OWS trimmed, empty
 * elements skipped (RFC 9110 §5.6.1); false at the list's end. */
static bool list_next(struct http_slice *rest, struct http_slice *el)
{
	while (rest->n > 0) {
		const char *comma = memchr(rest->p, ',', rest->n);
		size_t n = comma ? (size_t)(comma - rest->p) : rest->n;
		size_t skip = n + (comma != NULL);

		*el = trim(slice(rest->p, n));
		rest->p += skip;
		rest->n -= skip;
		if (el->n > 0)
			return true;
	}
	return false;
}

/* Digits only, at least one, below 2^64. */
static bool decimal(struct http_slice s, uint64_t *v)
{
	uint64_t n = 0;

	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned)((unsigned char)s.p[i] - '0');

		if (!is_digit((unsigned char)s.p[i]) ||
		    n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	return true;
}

size_t http_lookup(const struct http_head *h, const char *name,
		   struct http_slice *value)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nfields; i++) {
		if (!slice_ieq(h->fields[i].name, name))
			continue;
		if (n++ == 0)
			*value = h->fields[i].value;
	}
	return n;
}

/* ---- lines of a head ---- */

/* The line at buf[at..end), without its CRLF, in *l: 1; 0 when its end
 * has not arrived; -1 at a bare LF or a CR not followed by LF. */
static int next_line(const char *buf, size_t at, size_t end,
		     struct http_slice *l)
{
	for (size_t i = at; i < end; i++) {
		if (buf[i] == '\n')
			return -1;
		if (buf[i] != '\r')
			continue;
		if (i + 1 == end)
			return 0;
		if (buf[i + 1] != '\n')
			return -1;
		*l = slice(buf + at, i - at);
		return 1;
	}
	return 0;
}

/* "HTTP/1.0" or "HTTP/1.1" in s[0..8): 0, or the status to answer. */
static unsigned version(struct http_head *h, const char *s)
{
	if (memcmp(s, "HTTP/", 5) != 0 || !is_digit((unsigned char)s[5]) ||
	    s[6] != '.' || !is_digit((unsigned char)s[7]))
		return 400;
	if (s[5] != '1' || s[7] > '1')
		return 505;
	h->minor = (unsigned)(s[7] - '0');
	return 0;
}

/* METHOD SP TARGET SP VERSION */
static unsigned request_line(struct http_head *h, struct http_slice l)
{
	size_t i = 0, t;

	while (i < l.n && is_tchar((unsigned char)l.p[i]))
		i++;
	if (i == 0 || i > METHOD_MAX || i == l.n || l.p[i] != ' ')
		return 400;
	h->method = slice(l.p, i);
	t = ++i;
	while (i < l.n && is_vchar((unsigned char)l.p[i]))
		i++;
	if (i == t || i == l.n || l.p[i] != ' ' || l.n - i - 1 != 8)
		return 400;
	h->target = slice(l.p + t, i - t);
	return version(h, l.p + i + 1);
}

/* VERSION SP 3DIGIT [SP reason] */
static unsigned status_line(struct http_head *h, struct http_slice l)
{
	unsigned err;

	if (l.n < 12 || l.p[8] != ' ')
		return 400;
	err = version(h, l.p);
	if (err != 0)
		return err;
	for (size_t i = 9; i < 12; i++) {
		if (!is_digit((unsigned char)l.p[i]))
			return 400;
		h->status = h->status * 10 + (unsigned)(l.p[i] - '0');
	}
	if (h->status < 100 || (l.n > 12 && l.p[12] != ' '))
		return 400;
	h->reason = l.n > 12 ? slice(l.p + 13, l.n - 13) : slice(l.p + 12, 0);
	return all_of(h->reason, is_field_char) ? 0 : 400;
}

/* NAME ":" OWS VALUE OWS; a line starting with SP or HTAB (obs-fold)
 * has no name. */
static unsigned field_line(struct http_head *h, struct http_slice l)
{
	struct http_slice value;
	size_t i = 0;

	while (i < l.n && is_tchar((unsigned char)l.p[i]))
		i++;
	if (i == 0 || i == l.n || l.p[i] != ':')
		return 400;
	value = trim(slice(l.p + i + 1, l.n - i - 1));
	if (!all_of(value, is_field_char))
		return 400;
	if (h->nfields == HTTP_MAX_FIELDS)
		return 431;
	h->fields[h->nfields].name = slice(l.p, i);
	h->fields[h->nfields].value = value;
	h->nfields++;
	return 0;
}

static enum http_result bad(struct http_head *h, unsigned status)
{
	h->error = status;
	return HTTP_BAD;
}

/* The start line (read by `start`) and the field lines, up to the blank
 * line; only the first `limit` bytes are looked at. */
static enum http_result read_head(struct http_head *h, const char *buf,
				  size_t len, size_t limit,
				  unsigned (*start)(struct http_head *,
						    struct http_slice))
{
	size_t end = len < limit ? len : limit;

	memset(h, 0, sizeof(*h));
	for (size_t at = 0;;) {
		struct http_slice l;
		int r = next_line(buf, at, end, &l);
		unsigned err;

		if (r == 0)
			return len >= limit ? bad(h, 431) : HTTP_INCOMPLETE;
		if (r < 0)
			return bad(h, 400);
		if (at == 0) {
			err = start(h, l);
		} else if (l.n == 0) {
			h->len = at + 2;
			return HTTP_DONE;
		} else {
			err = field_line(h, l);
		}
		if (err != 0)
			return bad(h, err);
		at += l.n + 2;
	}
}

/* ---- what the fields mean ---- */

/* Every Content-Length line: digits, all the same value. */
static unsigned content_length(const struct http_head *h, size_t *count,
			       uint64_t *length)
{
	*count = 0;
	for (size_t i = 0; i < h->nfields; i++) {
		uint64_t v;

		if (!slice_ieq(h->fields[i].name, "content-length"))
			continue;
		if (!decimal(h->fields[i].value, &v) ||
		    (*count > 0 && v != *length))
			return 400;
		*length = v;
		(*count)++;
	}
	return 0;
}

/* The body's framing from Transfer-Encoding and Content-Length. */
static unsigned framing(struct http_head *h)
{
	struct http_slice te;
	size_t nte = http_lookup(h, "transfer-encoding", &te), ncl;
	uint64_t length = 0;
	unsigned err = content_length(h, &ncl, &length);

	if (err != 0)
		return err;
	if (nte > 0 && (ncl > 0 || h->minor == 0))
		return 400;
	if (nte > 1 || (nte == 1 && !slice_ieq(te, "chunked")))
		return 501;
	if (nte == 1) {
		h->body = HTTP_BODY_CHUNKED;
	} else if (ncl > 0) {
		h->body = HTTP_BODY_LENGTH;
		h->length = length;
	}
	return 0;
}

/* keep_alive from the version and the Connection tokens. */
static unsigned connection(struct http_head *h)
{
	bool close = false, keep = false;

	for (size_t i = 0; i < h->nfields; i++) {
		struct http_slice rest = h->fields[i].value, el;

		if (!slice_ieq(h->fields[i].name, "connection"))
			continue;
		while (list_next(&rest, &el)) {
			if (!is_token(el))
				return 400;
			close = close || slice_ieq(el, "close");
			keep = keep || slice_ieq(el, "keep-alive");
		}
	}
	h->keep_alive = !close && (h->minor == 1 || keep);
	return 0;
}

/* One Host; none only in HTTP/1.0. */
static unsigned host_count(const struct http_head *h)
{
	struct http_slice v;
	size_t n = http_lookup(h, "host", &v);

	return n > 1 || (n == 0 && h->minor == 1) ? 400 : 0;
}

enum http_result http_parse_request(struct http_head *h, const char *buf,
				   size_t len, size_t limit)
{
	enum http_result r = read_head(h, buf, len, limit, request_line);
	unsigned err;

	if (r != HTTP_DONE)
		return r;
	err = framing(h);
	if (err == 0)
		err = connection(h);
	if (err == 0)
		err = host_count(h);
	return err != 0 ? bad(h, err) : HTTP_DONE;
}

static bool bodiless(unsigned status, enum http_req req)
{
	return req == HTTP_REQ_HEAD || status < 200 || status == 204 ||
	       status == 304 || (req == HTTP_REQ_CONNECT && status < 300);
}

enum http_result http_parse_response(struct http_head *h, const char *buf,
				     size_t len, size_t limit,
				     enum http_req req)
{
	enum http_result r = read_head(h, buf, len, limit, status_line);
	unsigned err;

	if (r != HTTP_DONE)
		return r;
	err = framing(h);
	if (err == 0)
		err = connection(h);
	if (err != 0)
		return bad(h, err);
	if (bodiless(h->status, req)) {
		h->body = HTTP_BODY_NONE;
		h->length = 0;
	} else if (h->body == HTTP_BODY_NONE) {
		h->body = HTTP_BODY_UNTIL_CLOSE;
		h->keep_alive = false;
	}
	return HTTP_DONE;
}

/* ---- hosts and targets ---- */

/* A dotted quad of 0–255 without leading zeros, all of s. */
static bool ipv4(const char *s, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t b;
		unsigned v = 0;

		if (part > 0 && (i == n || s[i++] != '.'))
			return false;
		b = i;
		while (i < n && i - b < 3 && is_digit((unsigned char)s[i]))
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == b || v > 255 || (s[b] == '0' && i - b > 1))
			return false;
	}
	return i == n;
}

/* The groups of an IPv6 address (RFC 4291 §2.2: 1–4 hex digits, one "::"
 * at most, an IPv4 tail), no zone. */
static bool ipv6(const char *s, size_t n)
{
	size_t groups = 0, i = 0;
	bool gap = false;

	if (n < 2 || n > IPV6_TEXT_MAX || (s[0] == ':' && s[1] != ':'))
		return false;
	if (s[0] == ':') {
		gap = true;
		i = 2;
	}
	while (i < n) {
		size_t b = i;

		while (i < n && i - b < 4 && hex_value((unsigned char)s[i]) >= 0)
			i++;
		if (i < n && s[i] == '.') {
			if (!ipv4(s + b, n - b))
				return false;
			groups += 2;
			break;
		}
		if (i == b)
			return false;
		groups++;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return false;
		if (s[i] == ':') {
			if (gap)
				return false;
			gap = true;
			i++;
		}
	}
	return gap ? groups <= 7 : groups == 8;
}

/* Labels of 1–63 of [a-z0-9-], no '-' first or last (s in lower case). */
static bool dns_name(const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_digit((unsigned char)s[i]) &&
			    !is_alpha((unsigned char)s[i]) && s[i] != '-')
				return false;
			continue;
		}
		if (i == start || i - start > LABEL_MAX || s[start] == '-' ||
		    s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* Whether the last label reads as a number (digits, or 0x and hex), as
 * URL parsers and inet_aton take it: then the name is an IPv4 address. */
static bool numeric_tail(const char *s, size_t n)
{
	size_t b = n;

	while (b > 0 && s[b - 1] != '.')
		b--;
	if (n - b >= 2 && s[b] == '0' && s[b + 1] == 'x') {
		for (size_t i = b + 2; i < n; i++)
			if (hex_value((unsigned char)s[i]) < 0)
				return false;
		return true;
	}
	return all_of(slice(s + b, n - b), is_digit);
}

static void copy_lower(char *out, struct http_slice s)
{
	for (size_t i = 0; i < s.n; i++)
		out[i] = lower(s.p[i]);
	out[s.n] = '\0';
}

/* "[IPv6]", a dotted quad or a DNS name into t->host and t->kind. */
static int host(struct http_slice s, struct http_target *t)
{
	if (s.n >= 2 && s.p[0] == '[' && s.p[s.n - 1] == ']') {
		s = slice(s.p + 1, s.n - 2);
		if (!ipv6(s.p, s.n))
			return -1;
		t->kind = HTTP_HOST_IPV6;
		copy_lower(t->host, s);
		return 0;
	}
	if (s.n > 0 && s.p[s.n - 1] == '.')
		s.n--;
	if (s.n == 0 || s.n > HTTP_HOST_MAX)
		return -1;
	copy_lower(t->host, s);
	if (!dns_name(t->host, s.n))
		return -1;
	if (!numeric_tail(t->host, s.n)) {
		t->kind = HTTP_HOST_NAME;
		return 0;
	}
	t->kind = HTTP_HOST_IPV4;
	return ipv4(t->host, s.n) ? 0 : -1;
}

static int port(struct http_slice s, uint16_t *p)
{
	uint64_t v;

	if (!decimal(s, &v) || s.p[0] == '0' || v > 65535)
		return -1;
	*p = (uint16_t)v;
	return 0;
}

/* host[:port]; the port required when default_port is 0. Userinfo has
 * no place here: an '@' is refused as a host character. */
static int authority(struct http_slice s, uint16_t default_port,
		     struct http_target *t)
{
	size_t end = 0;

	if (s.n > 0 && s.p[0] == '[') {
		const char *rb = memchr(s.p, ']', s.n);

		if (rb == NULL)
			return -1;
		end = (size_t)(rb - s.p) + 1;
	}
	while (end < s.n && s.p[end] != ':')
		end++;
	if (host(slice(s.p, end), t) != 0)
		return -1;
	if (end == s.n) {
		t->port = default_port;
		return default_port != 0 ? 0 : -1;
	}
	return port(slice(s.p + end + 1, s.n - end - 1), &t->port);
}

/* http://authority[/path?query] */
static int absolute(struct http_slice s, struct http_target *t)
{
	static const char scheme[] = "http://";
	const size_t n = sizeof(scheme) - 1;
	size_t i = n;

	if (s.n < n || !slice_ieq(slice(s.p, n), scheme))
		return -1;
	while (i < s.n && s.p[i] != '/' && s.p[i] != '?')
		i++;
	if (i < s.n && s.p[i] == '?')
		return -1;
	t->path = i < s.n ? slice(s.p + i, s.n - i) : slice("/", 1);
	return authority(slice(s.p + n, i - n), 80, t);
}

int http_request_target(const struct http_head *req, struct http_target *t)
{
	struct http_slice s = req->target, h;

	memset(t, 0, sizeof(*t));
	if (memchr(s.p, '#', s.n) != NULL)
		return -1;
	if (req->method.n == 7 && memcmp(req->method.p, "CONNECT", 7) == 0) {
		t->form = HTTP_FORM_AUTHORITY;
		return authority(s, 0, t);
	}
	if (s.n > 0 && s.p[0] == '/') {
		t->form = HTTP_FORM_ORIGIN;
		t->path = s;
		if (http_lookup(req, "host", &h) != 1)
			return -1;
		return authority(h, 80, t);
	}
	t->form = HTTP_FORM_ABSOLUTE;
	return absolute(s, t);
}

/* ---- chunked bodies (RFC 9112 §7.1) ---- */

enum chunk_state {
	CK_SIZE0,      /* before a chunk size (zero: the start) */
	CK_SIZE,       /* in its hex digits */
	CK_WS,         /* BWS after the size or a value: ';' follows */
	CK_NAME0,      /* BWS after ';': an extension name follows */
	CK_NAME,       /* in the name */
	CK_NAME_WS,    /* BWS after the name: '=' or ';' follows */
	CK_VALUE0,     /* BWS after '=': a token or a quoted string */
	CK_TOKEN,      /* in a token value */
	CK_QUOTED,     /* in a quoted string */
	CK_ESCAPE,     /* after its backslash */
	CK_QUOTED_END, /* after its closing quote */
	CK_SIZE_LF,    /* the size line's CR seen */
	CK_DATA,       /* `left` bytes of data to go */
	CK_DATA_CR,    /* the CRLF after the data */
	CK_DATA_LF,
	CK_TRAILER0,   /* a trailer line's start, or the final CR */
	CK_TR_NAME,
	CK_TR_VALUE,
	CK_TR_LF,
	CK_END_LF,     /* the final LF */
	CK_DONE,
	CK_BAD,
};

/* After a size, a name or a value: ';', BWS, or the line's end. */
static int after_item(unsigned char b)
{
	if (b == ';')
		return CK_NAME0;
	if (is_ows(b))
		return CK_WS;
	return b == '\r' ? CK_SIZE_LF : CK_BAD;
}

static int size_digit(struct http_chunked *c, unsigned char b)
{
	int d = hex_value(b);

	if (d < 0)
		return c->state == CK_SIZE ? after_item(b) : CK_BAD;
	if (c->left >= (UINT64_C(1) << 59)) /* 16 * left + d >= 2^63 */
		return CK_BAD;
	c->left = c->left * 16 + (uint64_t)d;
	return CK_SIZE;
}

/* chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted ) ] ) */
static int extension(int state, unsigned char b)
{
	switch (state) {
	case CK_WS:
		return is_ows(b) ? CK_WS : b == ';' ? CK_NAME0 : CK_BAD;
	case CK_NAME0:
		return is_ows(b) ? CK_NAME0 : is_tchar(b) ? CK_NAME : CK_BAD;
	case CK_NAME:
		if (is_tchar(b))
			return CK_NAME;
		if (b == '=')
			return CK_VALUE0;
		return is_ows(b) ? CK_NAME_WS : after_item(b);
	case CK_NAME_WS:
		if (b == '=')
			return CK_VALUE0;
		return is_ows(b) ? CK_NAME_WS : b == ';' ? CK_NAME0 : CK_BAD;
	case CK_VALUE0:
		if (is_ows(b))
			return CK_VALUE0;
		return is_tchar(b) ? CK_TOKEN : b == '"' ? CK_QUOTED : CK_BAD;
	case CK_TOKEN:
		return is_tchar(b) ? CK_TOKEN : after_item(b);
	case CK_QUOTED:
		if (b == '"')
			return CK_QUOTED_END;
		if (b == '\\')
			return CK_ESCAPE;
		return is_field_char(b) ? CK_QUOTED : CK_BAD;
	case CK_ESCAPE:
		return is_field_char(b) ? CK_QUOTED : CK_BAD;
	case CK_QUOTED_END:
		return after_item(b);
	default:
		return CK_BAD;
	}
}

/* One byte of a chunk-size line. */
static int size_line(struct http_chunked *c, unsigned char b)
{
	if (++c->count > HTTP_CHUNK_LINE_MAX)
		return CK_BAD;
	if (c->state == CK_SIZE0 || c->state == CK_SIZE)
		return size_digit(c, b);
	if (c->state != CK_SIZE_LF)
		return extension(c->state, b);
	if (b != '\n')
		return CK_BAD;
	c->count = 0;
	return c->left > 0 ? CK_DATA : CK_TRAILER0;
}

/* One byte of the trailer section: field lines, then a blank line. */
static int trailer(struct http_chunked *c, unsigned char b)
{
	if (++c->count > HTTP_TRAILER_MAX)
		return CK_BAD;
	switch (c->state) {
	case CK_TRAILER0:
		return b == '\r' ? CK_END_LF : is_tchar(b) ? CK_TR_NAME : CK_BAD;
	case CK_TR_NAME:
		return is_tchar(b) ? CK_TR_NAME : b == ':' ? CK_TR_VALUE : CK_BAD;
	case CK_TR_VALUE:
		if (b == '\r')
			return CK_TR_LF;
		return is_field_char(b) ? CK_TR_VALUE : CK_BAD;
	case CK_TR_LF:
		return b == '\n' ? CK_TRAILER0 : CK_BAD;
	case CK_END_LF:
		return b == '\n' ? CK_DONE : CK_BAD;
	default:
		return CK_BAD;
	}
}

/* One byte outside a chunk's data. */
static int step(struct http_chunked *c, unsigned char b)
{
	if (c->state >= CK_SIZE0 && c->state <= CK_SIZE_LF)
		return size_line(c, b);
	if (c->state == CK_DATA_CR)
		return b == '\r' ? CK_DATA_LF : CK_BAD;
	if (c->state == CK_DATA_LF) {
		if (b != '\n')
			return CK_BAD;
		c->left = 0;
		return CK_SIZE0;
	}
	if (c->state >= CK_TRAILER0 && c->state <= CK_END_LF)
		return trailer(c, b);
	return CK_BAD;
}

/* Up to `avail` bytes of a chunk's data: how many were taken. */
static size_t data(struct http_chunked *c, size_t avail)
{
	size_t take = c->left < avail ? (size_t)c->left : avail;

	c->left -= take;
	if (c->left == 0)
		c->state = CK_DATA_CR;
	return take;
}

enum http_result http_chunked_feed(struct http_chunked *c, const char *buf,
				   size_t len, size_t *used)
{
	size_t i = 0;

	while (i < len && c->state != CK_DONE && c->state != CK_BAD) {
		if (c->state == CK_DATA) {
			i += data(c, len - i);
			continue;
		}
		c->state = step(c, (unsigned char)buf[i]);
		if (c->state != CK_BAD)
			i++;
	}
	*used = i;
	if (c->state == CK_DONE)
		return HTTP_DONE;
	return c->state == CK_BAD ? HTTP_BAD : HTTP_INCOMPLETE;
}

/* ---- the head sent upstream ---- */

struct out {
	char *p;
	size_t n, cap;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n > o->cap - o->n) {
		o->full = true;
		return;
	}
	if (n > 0)
		memcpy(o->p + o->n, s, n);
	o->n += n;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_field(struct out *o, struct http_slice name,
		      struct http_slice value)
{
	put(o, name.p, name.n);
	put_str(o, ": ");
	put(o, value.p, value.n);
	put_str(o, "\r\n");
}

/* Whether a Connection field of the request names `name`. */
static bool named_by_connection(const struct http_head *req,
				struct http_slice name)
{
	for (size_t i = 0; i < req->nfields; i++) {
		struct http_slice rest = req->fields[i].value, el;

		if (!slice_ieq(req->fields[i].name, "connection"))
			continue;
		while (list_next(&rest, &el))
			if (slices_ieq(el, name))
				return true;
	}
	return false;
}

static bool hop_by_hop(const struct http_head *req, struct http_slice name)
{
	static const char *const fixed[] = {
		"connection", "proxy-connection", "keep-alive",
		"proxy-authorization", "proxy-authenticate", "te",
		"trailer", "upgrade",
	};

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (slice_ieq(name, fixed[i]))
			return true;
	if (slice_ieq(name, "content-length") ||
	    slice_ieq(name, "transfer-encoding"))
		return false; /* the body's framing */
	return named_by_connection(req, name);
}

static bool dropped(const struct http_upstream *up, struct http_slice name)
{
	for (size_t i = 0; i < up->ndrop; i++)
		if (slice_ieq(name, up->drop[i]))
			return true;
	return false;
}

static bool safe_add(const struct http_add *a)
{
	struct http_slice name = slice(a->name, strlen(a->name));
	struct http_slice value = slice(a->value, strlen(a->value));

	return is_token(name) && all_of(value, is_field_char);
}

static bool safe_request(const struct http_upstream *up)
{
	if (up->target.n == 0 || !all_of(up->target, is_vchar))
		return false;
	for (size_t i = 0; i < up->nadd; i++)
		if (!safe_add(&up->add[i]))
			return false;
	return true;
}

ptrdiff_t http_build_request(char *out, size_t cap,
			     const struct http_head *req,
			     const struct http_upstream *up)
{
	struct out o = { out, 0, cap, false };

	if (!safe_request(up))
		return -1;
	put(&o, req->method.p, req->method.n);
	put_str(&o, " ");
	put(&o, up->target.p, up->target.n);
	put_str(&o, " HTTP/1.1\r\n");
	for (size_t i = 0; i < req->nfields; i++) {
		const struct http_field *f = &req->fields[i];

		if (!hop_by_hop(req, f->name) && !dropped(up, f->name))
			put_field(&o, f->name, f->value);
	}
	for (size_t i = 0; i < up->nadd; i++)
		put_field(&o, slice(up->add[i].name, strlen(up->add[i].name)),
			  slice(up->add[i].value, strlen(up->add[i].value)));
	put_str(&o, "\r\n");
	return o.full ? -1 : (ptrdiff_t)o.n;
}

/* Where the path ends: at the first '?' or '#'. */
static size_t path_len(struct http_slice t)
{
	size_t i = 0;

	while (i < t.n && t.p[i] != '?' && t.p[i] != '#')
		i++;
	return i;
}

bool http_path_climbs(struct http_slice target)
{
	size_t end = path_len(target);

	for (size_t i = 0; i < end;) {
		size_t dots = 0, j = i;

		/* one segment: its characters up to the next '/' */
		for (; j < end && target.p[j] != '/'; j++) {
			if (target.p[j] == '.')
				dots++;
			else if (j + 2 < end && target.p[j] == '%' && target.p[j + 1] == '2' &&
				 (target.p[j + 2] == 'e' || target.p[j + 2] == 'E'))
				dots++, j += 2;
			else
				dots = 3; /* anything else: not a dot segment */
		}
		if (j > i && (dots == 1 || dots == 2))
			return true;
		i = j + 1;
	}
	return false;
}

int http_query_param(struct http_slice target, const char *name,
		     struct http_slice *value)
{
	size_t at = path_len(target);
	const char *q = at < target.n && target.p[at] == '?' ? target.p + at : NULL;
	const char *end = target.p + target.n;
	size_t nl = strlen(name);
	int found = 0;

	if (q == NULL)
		return 0;
	for (const char *hash = memchr(q, '#', (size_t)(end - q)); hash; hash = NULL)
		end = hash;
	for (const char *p = q + 1; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));

		if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0) {
			if (found++)
				return -1;
			*value = (struct http_slice){ eq + 1, (size_t)(stop - eq - 1) };
		}
		p = stop + 1;
	}
	return found;
}

char *http_query_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(3 * strlen(s) + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
