/* allow.h — which destinations the network proxy lets the sandbox reach.
 * Pure: strings and socket addresses in, verdicts out; no I/O, no DNS.
 *
 * For each request the proxy refuses a metadata name (host_is_metadata),
 * checks the target against the allowlist (allow_check), resolves the
 * name, and connects only to an address addr_permitted accepts: a name
 * allowed by the list that resolves to 127.0.0.1 or 169.254.169.254 (DNS
 * rebinding) is still refused.
 *
 * Entries (--allow-domain, a profile's list): HOST[:PORT][/PATH]
 *  - HOST: a DNS name ("example.com": that name only), "*." and a name of
 *    at least two labels ("*.example.com": every name below it, not
 *    example.com itself), a dotted quad ("127.0.0.1") or an IPv6 address
 *    in brackets ("[::1]"). Names are lower-cased, one trailing '.'
 *    dropped; labels of 1–63 of [a-z0-9-], no '-' first or last, 253
 *    characters in all; a name whose last label is numeric must be a
 *    dotted quad of 0–255 without leading zeros. Not accepted: a scheme,
 *    a bare "*", "*" other than as the whole first label, a wildcard over
 *    a single label ("*.com") or over IP addresses. Public suffixes of two
 *    labels are not known ("*.co.uk" is accepted).
 *  - PORT: 1–65535, no leading zero: that port only. Without it, 80 and
 *    443.
 *  - PATH: a glob over the request's path (the part before '?'; the query
 *    is not matched), at most ALLOW_GLOB_MAX bytes of visible ASCII
 *    without '?' and '#'. '*' is any run of characters within a segment
 *    (not '/'), '**' any run across segments (three '*' in a row are
 *    refused), every other byte itself; the whole path must match:
 *    "/v1/item*" matches "/v1/item" and "/v1/items", not "/v1/items/3",
 *    which "/v1/item**" matches. Matching takes at most (path length + 1)
 *    x (glob length + 1) steps, without backtracking.
 *    A path is only seen in plain HTTP: inside a CONNECT tunnel (HTTPS)
 *    it is encrypted, so CONNECT is refused to a host and port whose
 *    every entry has a path.
 *    The path is matched as sent: percent-encoding is not decoded. So
 *    that a server's normalisation cannot lead a matching path elsewhere,
 *    where the entries of a host and port have paths, a request path is
 *    refused when it has a '\', "%2e", "%2f", "%5c" or "%25" in any case
 *    (encoded '.', '/', '\' and '%'), or a segment that is ".", ".." or
 *    empty before any ';' ("/../", "/..;/", "//"; an empty last segment,
 *    "/v1/", is fine). A glob with them is refused too.
 */
#ifndef LATCH_ALLOW_H
#define LATCH_ALLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../common/err.h"

#define ALLOW_GLOB_MAX 256

struct allow_entry; /* one parsed entry (allow.c) */

/* Zero-initialised: empty, every host refused. */
struct allowlist {
	struct allow_entry *v;
	size_t n;
};

/* Add one entry. -1 when it is malformed, with a message naming the entry
 * and what is wrong ("allow entry '*.com': a wildcard needs …"); the list
 * is unchanged. */
int allow_add(struct allowlist *a, const char *entry, struct err *e);
void allowlist_free(struct allowlist *a);

/* What the list says of a target; nearer to allowed in this order. */
enum allow_verdict {
	DENY_HOST, /* no entry names the host */
	DENY_PORT, /* entries name the host, not on this port */
	DENY_PATH, /* entries name host and port, all with a path that
		      this request's path does not match, or CONNECT */
	ALLOW,
};

/* The target as http_request_target gives it: host a lower-case name, a
 * dotted quad or an IPv6 address without brackets (compared by address:
 * "0:0::1" is "::1"; "::ffff:127.0.0.1" is not "127.0.0.1"); `path` the
 * NUL-terminated origin-form ("/a?b"), NULL for CONNECT. */
enum allow_verdict allow_check(const struct allowlist *a, const char *host,
			       uint16_t port, const char *path);

/* One sentence for the 403 body and the audit line. */
const char *allow_reason(enum allow_verdict v);

/* Cloud metadata names, refused whatever the list says (any case, one
 * trailing '.'): metadata.google.internal, metadata.goog and metadata
 * (Google Cloud; "metadata" through the VM's search domain),
 * instance-data and instance-data.ec2.internal (AWS),
 * metadata.tencentyun.com (Tencent Cloud). Azure, Alibaba, Oracle and
 * the others are reached by address only (addr_classify). */
bool host_is_metadata(const char *host);

/* Where a resolved address leads. */
enum addr_class {
	ADDR_PUBLIC,
	/* 10/8, 100.64/10 (CGNAT), 172.16/12, 192.168/16, 198.18/15
	 * (benchmarking; local test nets and fake-IP resolvers), fc00::/7
	 * (ULA), fec0::/10 (old site-local), 64:ff9b:1::/48 (local NAT64) */
	ADDR_PRIVATE,
	ADDR_LOOPBACK, /* 127/8, ::1 */
	/* 169.254/16 (169.254.169.254 among them), fe80::/10, and the cloud
	 * metadata services elsewhere: 100.100.100.200 (Alibaba),
	 * 168.63.129.16 (Azure WireServer), fd00:ec2::254 and fd00:ec2::23
	 * (AWS), fd20:ce::254 (Google), fd00:42::42 (Scaleway) */
	ADDR_LINK_LOCAL,
	/* never a TCP destination: 0/8, 192.0.0/24 (IETF protocol
	 * assignments), 192.0.2/24, 198.51.100/24, 203.0.113/24
	 * (documentation), 224/4 (multicast), 240/4 (reserved, broadcast);
	 * ::, ::/96 (IPv4-compatible, deprecated), ff00::/8 (multicast),
	 * 2001:db8::/32 and 3fff::/20 (documentation), whatever lies outside
	 * 2000::/3 (global unicast) and the ranges above; a family other than
	 * AF_INET and AF_INET6 */
	ADDR_UNROUTABLE,
};

/* The class of sa (AF_INET or AF_INET6). An IPv6 address carrying an IPv4
 * one has that one's class: ::ffff:0:0/96 (mapped), 64:ff9b::/96 (NAT64),
 * 2002::/16 (6to4, the address in its bits 16–47). */
enum addr_class addr_classify(const struct sockaddr *sa);

/* Whether the proxy may connect there: public always; private and
 * loopback only with private_ok; link-local and unroutable never. */
bool addr_permitted(enum addr_class c, bool private_ok);

#endif
