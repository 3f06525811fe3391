/* allow.c — the destination allowlist and address classes. See allow.h. */
#include "allow.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

#define NAME_MAX_LEN 253
#define LABEL_MAX 63
#define PORT_MAX 65535
#define N(a) (sizeof(a) / sizeof((a)[0]))

enum host_kind { HOST_NAME, HOST_WILDCARD, HOST_IPV4, HOST_IPV6 };

struct allow_entry {
	enum host_kind kind;
	char *name;              /* NAME: the name; WILDCARD: after "*." */
	unsigned char addr[16];  /* IPV4 (4 bytes), IPV6 */
	uint16_t port;           /* 0: 80 and 443 */
	char *glob;              /* NULL: any path */
};

/* ---- characters and names ---- */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

/* s[0..n) and t[0..n) equal, ASCII case ignored. */
static bool ieq(const char *s, const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != lower(t[i]))
			return false;
	return true;
}

/* The length of host without one trailing '.'. */
static size_t host_len(const char *host)
{
	size_t n = strlen(host);

	return n > 0 && host[n - 1] == '.' ? n - 1 : n;
}

/* host (any case, one trailing '.') is `name`. */
static bool host_is(const char *host, const char *name)
{
	size_t n = host_len(host);

	return strlen(name) == n && ieq(host, name, n);
}

/* ---- parsing entries ---- */

static int bad(struct err *e, const char *entry, const char *what)
{
	return err_set(e, "allow entry '%s': %s", entry, what);
}

/* A label s[0..n) of a name: letters (lower case by now), digits, '-'. */
static int check_label(const char *entry, const char *s, size_t n,
		       struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80)
			return bad(e, entry,
				   "a host name is ASCII: write an "
				   "internationalised name in its xn-- form");
		if (c == '*')
			return bad(e, entry,
				   "'*' can only be the whole first label, "
				   "e.g. '*.example.com'");
		if (!is_lower(c) && !is_digit(c) && c != '-')
			return err_set(e,
				       "allow entry '%s': '%c' cannot be in a "
				       "host name (letters, digits, '-' and "
				       "'.' only)",
				       entry, c);
	}
	if (n == 0)
		return bad(e, entry,
			   "a host name cannot have an empty label ('..', "
			   "or a '.' first)");
	if (n > LABEL_MAX)
		return bad(e, entry, "a label is longer than 63 characters");
	if (s[0] == '-' || s[n - 1] == '-')
		return bad(e, entry, "a label cannot start or end with '-'");
	return 0;
}

/* The labels of name s[0..n); *count set to how many. */
static int check_labels(const char *entry, const char *s, size_t n,
			size_t *count, struct err *e)
{
	size_t start = 0;

	*count = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (check_label(entry, s + start, i - start, e) != 0)
			return -1;
		(*count)++;
		start = i + 1;
	}
	return 0;
}

/* Whether the last label of s is numeric: the name reads as an IPv4
 * address (digits, or 0x and hex, as inet_aton takes it). */
static bool numeric_tail(const char *s)
{
	const char *l = strrchr(s, '.');

	l = l ? l + 1 : s;
	if (l[0] == '0' && l[1] == 'x')
		return l[strspn(l + 2, "0123456789abcdef") + 2] == '\0';
	return l[strspn(l, "0123456789")] == '\0';
}

/* "*.name": at least two labels after the star, not numeric. */
static int wildcard(const char *entry, const char *s, struct allow_entry *en,
		    struct err *e)
{
	size_t labels;

	if (s[1] == '\0')
		return bad(e, entry,
			   "a bare '*' would allow every host: name the "
			   "domains instead, e.g. '*.example.com'");
	if (s[1] != '.')
		return bad(e, entry,
			   "'*' can only be the whole first label, "
			   "e.g. '*.example.com'");
	if (check_labels(entry, s + 2, strlen(s + 2), &labels, e) != 0)
		return -1;
	if (numeric_tail(s + 2))
		return bad(e, entry,
			   "a wildcard cannot cover IP addresses: name the "
			   "domain, e.g. '*.example.com'");
	if (labels < 2)
		return err_set(e,
			       "allow entry '%s': a wildcard needs at least "
			       "two labels after it (e.g. '*.example.com'): "
			       "'%s' would allow every name in '%s'; name the "
			       "domain instead",
			       entry, s, s + 2);
	en->kind = HOST_WILDCARD;
	en->name = xstrdup(s + 2);
	return 0;
}

/* A name, a wildcard or a dotted quad, s lower-cased, no trailing dot. */
static int name_host(const char *entry, const char *s, struct allow_entry *en,
		     struct err *e)
{
	size_t labels;

	if (strlen(s) > NAME_MAX_LEN)
		return bad(e, entry, "the name is longer than 253 characters");
	if (s[0] == '*')
		return wildcard(entry, s, en, e);
	if (check_labels(entry, s, strlen(s), &labels, e) != 0)
		return -1;
	if (!numeric_tail(s)) {
		en->kind = HOST_NAME;
		en->name = xstrdup(s);
		return 0;
	}
	if (inet_pton(AF_INET, s, en->addr) != 1)
		return bad(e, entry,
			   "a name ending in a number is an IPv4 address: "
			   "write it as a dotted quad of 0-255 without "
			   "leading zeros, e.g. '127.0.0.1'");
	en->kind = HOST_IPV4;
	return 0;
}

/* The address between the brackets of "[IPv6]", h[0..n). */
static int ipv6_host(const char *entry, const char *h, size_t n,
		     struct allow_entry *en, struct err *e)
{
	char *s = xstrndup(h, n);
	int r = 0;

	if (inet_pton(AF_INET6, s, en->addr) == 1)
		en->kind = HOST_IPV6;
	else
		r = err_set(e,
			    "allow entry '%s': '%s' is not an IPv6 address "
			    "(no zone, e.g. '[fe80::1]')",
			    entry, s);
	free(s);
	return r;
}

/* A name, a wildcard or a dotted quad h[0..n), in any case, maybe with
 * a trailing dot. */
static int text_host(const char *entry, const char *h, size_t n,
		     struct allow_entry *en, struct err *e)
{
	char *s = xstrndup(h, n);
	int r;

	for (char *p = s; *p; p++)
		*p = lower(*p);
	if (n > 0 && s[n - 1] == '.')
		s[n - 1] = '\0';
	r = s[0] == '\0' ? bad(e, entry,
				"no host: write one, e.g. 'example.com', "
				"'example.com:8080' or '*.example.com'")
			  : name_host(entry, s, en, e);
	free(s);
	return r;
}

/* ":PORT" text p[0..n): decimal 1–65535, no leading zero. */
static int parse_port(const char *entry, const char *p, size_t n,
		      struct allow_entry *en, struct err *e)
{
	unsigned long v = 0;
	size_t i = 0;

	while (i < n && i < 5 && is_digit((unsigned char)p[i]))
		v = v * 10 + (unsigned long)(p[i++] - '0');
	if (n == 0 || i != n || p[0] == '0' || v > PORT_MAX)
		return err_set(e,
			       "allow entry '%s': '%.*s' is not a port: write "
			       "a number from 1 to 65535 (e.g. "
			       "'example.com:8443')",
			       entry, (int)n, p);
	en->port = (uint16_t)v;
	return 0;
}

/* Whether path p[0..n) cannot be led elsewhere by a server's
 * normalisation (allow.h): no '\\', no %2e %2f %5c %25, no segment that
 * is ".", ".." or empty before any ';', but an empty last one. */
static bool plain_path(const char *p, size_t n)
{
	static const char *const encoded[] = { "%2e", "%2f", "%5c", "%25" };
	size_t start = 1;

	if (n == 0 || p[0] != '/' || memchr(p, '\\', n) != NULL)
		return false;
	for (size_t i = 0; i + 3 <= n; i++)
		for (size_t k = 0; k < N(encoded); k++)
			if (ieq(p + i, encoded[k], 3))
				return false;
	for (size_t i = 1; i <= n; i++) {
		const char *semi;
		size_t seg;

		if (i < n && p[i] != '/')
			continue;
		semi = memchr(p + start, ';', i - start);
		seg = semi ? (size_t)(semi - (p + start)) : i - start;
		if ((seg == 0 && !(i == n && start == n)) ||
		    (seg == 1 && p[start] == '.') ||
		    (seg == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
		start = i + 1;
	}
	return true;
}

/* The path glob g, starting with '/'. */
static int parse_glob(const char *entry, const char *g,
		      struct allow_entry *en, struct err *e)
{
	size_t n = strlen(g);

	if (n > ALLOW_GLOB_MAX)
		return err_set(e,
			       "allow entry '%s': the path is longer than %d "
			       "characters",
			       entry, ALLOW_GLOB_MAX);
	for (size_t i = 0; i < n; i++) {
		if (g[i] == '?' || g[i] == '#')
			return bad(e, entry,
				   "a path rule matches the path only: leave "
				   "out the query ('?…') and fragment ('#…')");
		if ((unsigned char)g[i] <= ' ' || (unsigned char)g[i] >= 0x7f)
			return bad(e, entry,
				   "a path rule is visible ASCII: "
				   "percent-encode other bytes as requests "
				   "send them");
	}
	if (strstr(g, "***") != NULL)
		return bad(e, entry,
			   "three '*' in a row: use '*' within a segment or "
			   "'**' across segments");
	if (!plain_path(g, n))
		return bad(e, entry,
			   "a path rule cannot have '.' or '..' segments, "
			   "'//', '\\' or %2e %2f %5c %25 (requests with "
			   "them are refused)");
	en->glob = xstrdup(g);
	return 0;
}

/* Where the host ends: after ']' for "[IPv6]", else at ':' or '/'. */
static int host_end(const char *entry, size_t *end, struct err *e)
{
	const char *rb;

	if (entry[0] != '[') {
		*end = strcspn(entry, ":/");
		return 0;
	}
	rb = strchr(entry, ']');
	if (rb == NULL)
		return bad(e, entry,
			   "an IPv6 address needs its closing ']', e.g. "
			   "'[::1]'");
	*end = (size_t)(rb - entry) + 1;
	if (entry[*end] != '\0' && entry[*end] != ':' && entry[*end] != '/')
		return bad(e, entry,
			   "after ']' only ':PORT' or a path ('/…') may "
			   "follow");
	return 0;
}

/* An IPv6 address written without brackets, e.g. "::1" or "fe80::1". */
static bool bare_ipv6(const char *entry)
{
	size_t n = strcspn(entry, "/");
	char *s = xstrndup(entry, n);
	unsigned char a[16];
	bool r = inet_pton(AF_INET6, s, a) == 1;

	free(s);
	return r;
}

static int parse(const char *entry, struct allow_entry *en, struct err *e)
{
	const char *scheme = strstr(entry, "://");
	const char *rest;
	size_t end = 0;

	if (scheme != NULL && (size_t)(scheme - entry) < strcspn(entry, "/"))
		return err_set(e,
			       "allow entry '%s': write it without '%.*s': "
			       "'%s'",
			       entry, (int)(scheme - entry) + 3, entry,
			       scheme + 3);
	if (bare_ipv6(entry))
		return bad(e, entry,
			   "write an IPv6 address in brackets, e.g. '[::1]' "
			   "or '[::1]:8080'");
	if (host_end(entry, &end, e) != 0)
		return -1;
	if (entry[0] == '[' ? ipv6_host(entry, entry + 1, end - 2, en, e)
			    : text_host(entry, entry, end, en, e))
		return -1;
	rest = entry + end;
	if (rest[0] == ':') {
		size_t n = strcspn(rest + 1, "/");

		if (parse_port(entry, rest + 1, n, en, e) != 0)
			return -1;
		rest += 1 + n;
	}
	return rest[0] == '/' ? parse_glob(entry, rest, en, e) : 0;
}

static void entry_free(struct allow_entry *en)
{
	free(en->name);
	free(en->glob);
}

int allow_add(struct allowlist *a, const char *entry, struct err *e)
{
	struct allow_entry en = { 0 };

	if (parse(entry, &en, e) != 0) {
		entry_free(&en);
		return -1;
	}
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = en;
	return 0;
}

void allowlist_free(struct allowlist *a)
{
	for (size_t i = 0; i < a->n; i++)
		entry_free(&a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* ---- matching ---- */

/* The target host, read once. */
struct target {
	const char *name;
	size_t len;            /* without a trailing '.' */
	int family;            /* AF_INET, AF_INET6, or 0 for a name */
	unsigned char addr[16];
};

static struct target read_target(const char *host)
{
	struct target t = { host, host_len(host), 0, { 0 } };

	if (inet_pton(AF_INET6, host, t.addr) == 1)
		t.family = AF_INET6;
	else if (inet_pton(AF_INET, host, t.addr) == 1)
		t.family = AF_INET;
	return t;
}

/* A name entry never equals an address's text: a name's last label is
 * not numeric, nor has it a ':'. */
static bool names_host(const struct allow_entry *en, const struct target *t)
{
	size_t n;

	switch (en->kind) {
	case HOST_NAME:
		return strlen(en->name) == t->len &&
		       ieq(t->name, en->name, t->len);
	case HOST_WILDCARD:
		n = strlen(en->name);
		return t->len > n + 1 &&
		       t->name[t->len - n - 1] == '.' &&
		       ieq(t->name + t->len - n, en->name, n);
	case HOST_IPV4:
		return t->family == AF_INET &&
		       memcmp(t->addr, en->addr, 4) == 0;
	case HOST_IPV6:
		return t->family == AF_INET6 &&
		       memcmp(t->addr, en->addr, 16) == 0;
	}
	return false;
}

static bool on_port(const struct allow_entry *en, uint16_t port)
{
	return en->port != 0 ? port == en->port : port == 80 || port == 443;
}

/* The length of the glob token at g: 2 for "**", else 1. */
static size_t token(const char *g)
{
	return g[0] == '*' && g[1] == '*' ? 2 : 1;
}

/* Add to the states `on` (positions of tokens in g[0..m)) those reached
 * by letting a star match nothing. */
static void skip_stars(const char *g, size_t m, bool *on)
{
	for (size_t i = 0; i < m; i++)
		if (on[i] && g[i] == '*')
			on[i + token(g + i)] = true;
}

/* Glob g (starting with '/', not a star) against s[0..n), as a set of
 * states over g's positions, one pass over s: (n + 1) x (m + 1) steps at
 * most; it stops when no state is left. */
static bool glob_match(const char *g, const char *s, size_t n)
{
	size_t m = strlen(g);
	bool on[ALLOW_GLOB_MAX + 1] = { false }, next[ALLOW_GLOB_MAX + 1];

	on[0] = true;
	for (size_t k = 0; k < n; k++) {
		bool any = false;

		memset(next, 0, m + 1);
		for (size_t i = 0; i < m; i++) {
			if (!on[i])
				continue;
			if (g[i] == '*' && (token(g + i) == 2 || s[k] != '/'))
				next[i] = any = true;
			else if (g[i] != '*' && g[i] == s[k])
				next[i + 1] = any = true;
		}
		if (!any)
			return false;
		skip_stars(g, m, next);
		memcpy(on, next, m + 1);
	}
	return on[m];
}

/* The request path, read once: what comes before '?', and whether a glob
 * may look at it: seen (not CONNECT) and plain (plain_path). */
struct path {
	const char *p;
	size_t n;
	bool matchable;
};

static enum allow_verdict verdict(const struct allow_entry *en,
				  const struct target *t, uint16_t port,
				  const struct path *path)
{
	if (!names_host(en, t))
		return DENY_HOST;
	if (!on_port(en, port))
		return DENY_PORT;
	if (en->glob == NULL)
		return ALLOW;
	if (!path->matchable || !glob_match(en->glob, path->p, path->n))
		return DENY_PATH;
	return ALLOW;
}

enum allow_verdict allow_check(const struct allowlist *a, const char *host,
			       uint16_t port, const char *path)
{
	struct target t = read_target(host);
	struct path p = { path, 0, false };
	enum allow_verdict best = DENY_HOST;

	if (path != NULL) {
		p.n = strcspn(path, "?");
		p.matchable = plain_path(path, p.n);
	}
	for (size_t i = 0; i < a->n && best != ALLOW; i++) {
		enum allow_verdict v = verdict(&a->v[i], &t, port, &p);

		if (v > best)
			best = v;
	}
	return best;
}

const char *allow_reason(enum allow_verdict v)
{
	switch (v) {
	case DENY_HOST:
		return "the host is not on latch's network allowlist";
	case DENY_PORT:
		return "the host is on latch's network allowlist, not for "
		       "this port";
	case DENY_PATH:
		return "the host is on latch's network allowlist for some "
		       "paths only, and this request is not one of them "
		       "(HTTPS hides the path: path rules refuse CONNECT)";
	case ALLOW:
		return "allowed by latch's network allowlist";
	}
	return "refused by latch's network allowlist";
}

bool host_is_metadata(const char *host)
{
	static const char *const metadata_names[] = {
		"metadata.google.internal", "metadata.goog", "metadata",
		"instance-data", "instance-data.ec2.internal",
		"metadata.tencentyun.com",
	};

	for (size_t i = 0; i < N(metadata_names); i++)
		if (host_is(host, metadata_names[i]))
			return true;
	return false;
}

/* ---- address classes ---- */

/* A range of addresses; for IPv6 ones that carry an IPv4 address, where
 * it is (the class is that address's). */
struct range {
	const char *prefix;
	unsigned bits;
	enum addr_class c;
	size_t v4_at; /* 0: none */
};

/* First match wins; an IPv4 address in none is public, an IPv6 one
 * unroutable. */
static const struct range ranges4[] = {
	{ "100.100.100.200", 32, ADDR_LINK_LOCAL, 0 },
	{ "168.63.129.16", 32, ADDR_LINK_LOCAL, 0 },
	{ "0.0.0.0", 8, ADDR_UNROUTABLE, 0 },
	{ "10.0.0.0", 8, ADDR_PRIVATE, 0 },
	{ "100.64.0.0", 10, ADDR_PRIVATE, 0 },
	{ "127.0.0.0", 8, ADDR_LOOPBACK, 0 },
	{ "169.254.0.0", 16, ADDR_LINK_LOCAL, 0 },
	{ "172.16.0.0", 12, ADDR_PRIVATE, 0 },
	{ "192.0.0.0", 24, ADDR_UNROUTABLE, 0 },
	{ "192.0.2.0", 24, ADDR_UNROUTABLE, 0 },
	{ "192.168.0.0", 16, ADDR_PRIVATE, 0 },
	{ "198.18.0.0", 15, ADDR_PRIVATE, 0 },
	{ "198.51.100.0", 24, ADDR_UNROUTABLE, 0 },
	{ "203.0.113.0", 24, ADDR_UNROUTABLE, 0 },
	{ "224.0.0.0", 4, ADDR_UNROUTABLE, 0 },
	{ "240.0.0.0", 4, ADDR_UNROUTABLE, 0 },
};

static const struct range ranges6[] = {
	{ "::ffff:0:0", 96, ADDR_PUBLIC, 12 },
	{ "64:ff9b::", 96, ADDR_PUBLIC, 12 },
	{ "2002::", 16, ADDR_PUBLIC, 2 },
	{ "::", 128, ADDR_UNROUTABLE, 0 },
	{ "::1", 128, ADDR_LOOPBACK, 0 },
	{ "::", 96, ADDR_UNROUTABLE, 0 },
	{ "fd00:ec2::254", 128, ADDR_LINK_LOCAL, 0 },
	{ "fd00:ec2::23", 128, ADDR_LINK_LOCAL, 0 },
	{ "fd20:ce::254", 128, ADDR_LINK_LOCAL, 0 },
	{ "fd00:42::42", 128, ADDR_LINK_LOCAL, 0 },
	{ "64:ff9b:1::", 48, ADDR_PRIVATE, 0 },
	{ "fe80::", 10, ADDR_LINK_LOCAL, 0 },
	{ "fec0::", 10, ADDR_PRIVATE, 0 },
	{ "fc00::", 7, ADDR_PRIVATE, 0 },
	{ "ff00::", 8, ADDR_UNROUTABLE, 0 },
	{ "2001:db8::", 32, ADDR_UNROUTABLE, 0 },
	{ "3fff::", 20, ADDR_UNROUTABLE, 0 },
	{ "2000::", 3, ADDR_PUBLIC, 0 },
};

/* The first `bits` bits of a and p are the same. */
static bool prefix_is(const unsigned char *a, const unsigned char *p,
		      unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));

	return memcmp(a, p, whole) == 0 &&
	       (rest == 0 || ((a[whole] ^ p[whole]) & mask) == 0);
}

static enum addr_class classify(int family, const unsigned char *a);

static enum addr_class in_ranges(int family, const unsigned char *a,
				 const struct range *r, size_t n,
				 enum addr_class otherwise)
{
	unsigned char p[16];

	for (size_t i = 0; i < n; i++) {
		if (inet_pton(family, r[i].prefix, p) != 1 ||
		    !prefix_is(a, p, r[i].bits))
			continue;
		return r[i].v4_at != 0 ? classify(AF_INET, a + r[i].v4_at)
				       : r[i].c;
	}
	return otherwise;
}

static enum addr_class classify(int family, const unsigned char *a)
{
	if (family == AF_INET)
		return in_ranges(family, a, ranges4, N(ranges4), ADDR_PUBLIC);
	return in_ranges(family, a, ranges6, N(ranges6), ADDR_UNROUTABLE);
}

enum addr_class addr_classify(const struct sockaddr *sa)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;

	switch (sa->sa_family) {
	case AF_INET:
		memcpy(&in, sa, sizeof(in));
		return classify(AF_INET, (const unsigned char *)&in.sin_addr);
	case AF_INET6:
		memcpy(&in6, sa, sizeof(in6));
		return classify(AF_INET6, in6.sin6_addr.s6_addr);
	default:
		return ADDR_UNROUTABLE;
	}
}

bool addr_permitted(enum addr_class c, bool private_ok)
{
	switch (c) {
	case ADDR_PUBLIC:
		return true;
	case ADDR_PRIVATE:
	case ADDR_LOOPBACK:
		return private_ok;
	case ADDR_LINK_LOCAL:
	case ADDR_UNROUTABLE:
		return false;
	}
	return false;
}
