/* The network proxy's destination allowlist, metadata names and address
 * classes (proxy/allow.h): every entry form and parse error, wildcards,
 * ports, path rules and the paths that try to escape them, and each
 * address range at its edges. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "../../proxy/allow.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct allowlist list;
static struct err err;

static void fini(void)
{
	allowlist_free(&list);
}

TestSuite(proxy_allow, .fini = fini);

static void add(const char *entry)
{
	cr_assert_eq(allow_add(&list, entry, &err), 0, "%s: %s", entry,
		     err.msg);
}

/* The message allow_add refuses `entry` with (the list must not grow). */
static const char *refused(const char *entry)
{
	size_t n = list.n;

	memset(&err, 0, sizeof(err));
	cr_assert_eq(allow_add(&list, entry, &err), -1, "%s accepted", entry);
	cr_assert_eq(list.n, n);
	return err.msg;
}

static void assert_refused(const char *entry, const char *needle)
{
	const char *msg = refused(entry);
	char prefix[600];

	snprintf(prefix, sizeof(prefix), "allow entry '%s': ", entry);
	cr_assert(strncmp(msg, prefix, strlen(prefix)) == 0,
		  "%s: message does not name the entry: %s", entry, msg);
	cr_assert(strstr(msg, needle) != NULL, "%s: '%s' not in: %s", entry,
		  needle, msg);
}

static enum allow_verdict get(const char *host, const char *path)
{
	return allow_check(&list, host, 80, path);
}

static enum allow_verdict connect_to(const char *host, uint16_t port)
{
	return allow_check(&list, host, port, NULL);
}

/* ---- entry forms ---- */

Test(proxy_allow, an_empty_list_refuses_every_host)
{
	cr_assert_eq(get("example.com", "/"), DENY_HOST);
	cr_assert_eq(connect_to("127.0.0.1", 443), DENY_HOST);
}

Test(proxy_allow, a_name_allows_that_name_only)
{
	add("example.com");
	cr_assert_eq(get("example.com", "/"), ALLOW);
	cr_assert_eq(connect_to("example.com", 443), ALLOW);
	cr_assert_eq(get("www.example.com", "/"), DENY_HOST);
	cr_assert_eq(get("example.org", "/"), DENY_HOST);
	cr_assert_eq(get("badexample.com", "/"), DENY_HOST);
	cr_assert_eq(get("example.co", "/"), DENY_HOST);
}

Test(proxy_allow, a_wildcard_allows_names_below_not_the_apex)
{
	add("*.example.com");
	cr_assert_eq(connect_to("a.example.com", 443), ALLOW);
	cr_assert_eq(connect_to("a.b.example.com", 443), ALLOW);
	cr_assert_eq(connect_to("example.com", 443), DENY_HOST);
	cr_assert_eq(connect_to("badexample.com", 443), DENY_HOST);
	cr_assert_eq(connect_to("a.badexample.com", 443), DENY_HOST);
	cr_assert_eq(connect_to("example.com.evil.net", 443), DENY_HOST);
	cr_assert_eq(connect_to("a.example.com.evil.net", 443),
		     DENY_HOST);
	cr_assert_eq(connect_to(".example.com", 443), DENY_HOST);
}

Test(proxy_allow, names_are_lower_cased_and_one_trailing_dot_dropped)
{
	add("Api.GitHub.COM.");
	add("*.Example.ORG.");
	cr_assert_eq(connect_to("api.github.com", 443), ALLOW);
	cr_assert_eq(connect_to("a.example.org", 443), ALLOW);
	/* the host too, should a caller pass it as received */
	cr_assert_eq(connect_to("API.github.com.", 443), ALLOW);
	cr_assert_eq(connect_to("A.EXAMPLE.org.", 443), ALLOW);
	cr_assert_eq(connect_to("api.github.com..", 443), DENY_HOST);
}

Test(proxy_allow, longest_names_and_labels_are_accepted)
{
	char label[64], name[254];

	memset(label, 'a', 63);
	label[63] = '\0';
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
	snprintf(name, sizeof(name), "%s.%s.%s.%.61s", label, label, label,
		 label);
	cr_assert_eq(strlen(name), 253);
	add(label);
	add(name);
	cr_assert_eq(connect_to(label, 443), ALLOW);
	cr_assert_eq(connect_to(name, 443), ALLOW);
}

Test(proxy_allow, ipv4_literals_are_exact_hosts)
{
	add("127.0.0.1");
	add("10.1.2.3:8080");
	cr_assert_eq(connect_to("127.0.0.1", 443), ALLOW);
	cr_assert_eq(get("127.0.0.1", "/"), ALLOW);
	cr_assert_eq(connect_to("127.0.0.2", 443), DENY_HOST);
	cr_assert_eq(connect_to("10.1.2.3", 8080), ALLOW);
	cr_assert_eq(connect_to("10.1.2.3", 443), DENY_PORT);
	/* the same address, another family: not the entry */
	cr_assert_eq(connect_to("::ffff:127.0.0.1", 443), DENY_HOST);
	cr_assert_eq(connect_to("7f00:1::", 443), DENY_HOST);
}

Test(proxy_allow, ipv6_literals_compare_by_address)
{
	add("[::1]");
	add("[2001:DB8::A]:8080");
	cr_assert_eq(connect_to("::1", 443), ALLOW);
	cr_assert_eq(connect_to("0:0::1", 80), ALLOW);
	cr_assert_eq(connect_to("0000:0000:0000:0000:0000:0000:0000:0001", 443),
		     ALLOW);
	cr_assert_eq(connect_to("::2", 443), DENY_HOST);
	cr_assert_eq(connect_to("::1", 8080), DENY_PORT);
	cr_assert_eq(connect_to("2001:db8:0::a", 8080), ALLOW);
	cr_assert_eq(connect_to("2001:db8::a", 443), DENY_PORT);
	cr_assert_eq(connect_to("127.0.0.1", 443), DENY_HOST);
	cr_assert_eq(connect_to("localhost", 443), DENY_HOST);
	/* its bytes begin as 127.0.0.1's: still another family */
	add("[7f00:1::]");
	cr_assert_eq(connect_to("7f00:1::", 443), ALLOW);
	cr_assert_eq(connect_to("127.0.0.1", 443), DENY_HOST);
}

/* ---- ports ---- */

Test(proxy_allow, without_a_port_80_and_443_only)
{
	add("example.com");
	cr_assert_eq(connect_to("example.com", 80), ALLOW);
	cr_assert_eq(connect_to("example.com", 443), ALLOW);
	cr_assert_eq(connect_to("example.com", 8080), DENY_PORT);
	cr_assert_eq(connect_to("example.com", 22), DENY_PORT);
	cr_assert_eq(connect_to("example.com", 1), DENY_PORT);
	cr_assert_eq(connect_to("other.com", 8080), DENY_HOST);
}

Test(proxy_allow, an_explicit_port_is_the_only_one)
{
	add("example.com:8443");
	add("low.example:1");
	add("high.example:65535");
	cr_assert_eq(connect_to("example.com", 8443), ALLOW);
	cr_assert_eq(connect_to("example.com", 443), DENY_PORT);
	cr_assert_eq(connect_to("example.com", 80), DENY_PORT);
	cr_assert_eq(connect_to("low.example", 1), ALLOW);
	cr_assert_eq(connect_to("high.example", 65535), ALLOW);
	cr_assert_eq(connect_to("high.example", 65534), DENY_PORT);
}

Test(proxy_allow, entries_for_one_host_add_up)
{
	add("example.com:8080");
	add("*.example.com:9000");
	add("example.com");
	cr_assert_eq(connect_to("example.com", 8080), ALLOW);
	cr_assert_eq(connect_to("example.com", 443), ALLOW);
	cr_assert_eq(connect_to("example.com", 9000), DENY_PORT);
	cr_assert_eq(connect_to("a.example.com", 9000), ALLOW);
	cr_assert_eq(connect_to("a.example.com", 443), DENY_PORT);
}

/* ---- path rules ---- */

Test(proxy_allow, a_star_matches_within_one_segment)
{
	add("api.github.com/repos/myorg/*");
	cr_assert_eq(get("api.github.com", "/repos/myorg/tool"), ALLOW);
	cr_assert_eq(get("api.github.com", "/repos/myorg/"), ALLOW);
	cr_assert_eq(get("api.github.com", "/repos/myorg/tool/issues"),
		     DENY_PATH);
	cr_assert_eq(get("api.github.com", "/repos/myorg"), DENY_PATH);
	cr_assert_eq(get("api.github.com", "/repos/myorgx/tool"),
		     DENY_PATH);
	cr_assert_eq(get("api.github.com", "/repos/other/tool"),
		     DENY_PATH);
	cr_assert_eq(get("api.github.com", "/"), DENY_PATH);
}

Test(proxy_allow, stars_inside_segments_and_paths_are_case_sensitive)
{
	add("example.com/v1/item*.json");
	cr_assert_eq(get("example.com", "/v1/item.json"), ALLOW);
	cr_assert_eq(get("example.com", "/v1/items-2.json"), ALLOW);
	cr_assert_eq(get("example.com", "/v1/items/2.json"), DENY_PATH);
	cr_assert_eq(get("example.com", "/v1/items.jsonx"), DENY_PATH);
	cr_assert_eq(get("example.com", "/V1/item.json"), DENY_PATH);
}

Test(proxy_allow, a_double_star_matches_across_segments)
{
	add("example.com/repos/myorg/**");
	add("example.com/a/**/z");
	cr_assert_eq(get("example.com", "/repos/myorg/"), ALLOW);
	cr_assert_eq(get("example.com", "/repos/myorg/x/y/z"), ALLOW);
	cr_assert_eq(get("example.com", "/repos/myorg"), DENY_PATH);
	cr_assert_eq(get("example.com", "/repos/other/x"), DENY_PATH);
	cr_assert_eq(get("example.com", "/a/b/c/z"), ALLOW);
	cr_assert_eq(get("example.com", "/a/z"), DENY_PATH);
	cr_assert_eq(get("example.com", "/a/b/c/zz"), DENY_PATH);
}

Test(proxy_allow, a_glob_without_stars_is_the_exact_path)
{
	add("example.com/");
	add("example.com/health");
	cr_assert_eq(get("example.com", "/"), ALLOW);
	cr_assert_eq(get("example.com", "/health"), ALLOW);
	cr_assert_eq(get("example.com", "/health/"), DENY_PATH);
	cr_assert_eq(get("example.com", "/healthz"), DENY_PATH);
}

Test(proxy_allow, the_query_is_not_matched)
{
	add("example.com/search");
	cr_assert_eq(get("example.com", "/search?q=a/../b"), ALLOW);
	cr_assert_eq(get("example.com", "/search?"), ALLOW);
	cr_assert_eq(get("example.com", "/searchx?q"), DENY_PATH);
}

Test(proxy_allow, connect_to_a_host_with_path_rules_only_is_refused)
{
	add("api.github.com/repos/myorg/*");
	add("*.example.com:8443/**");
	cr_assert_eq(connect_to("api.github.com", 443), DENY_PATH);
	cr_assert_eq(connect_to("a.example.com", 8443), DENY_PATH);
	cr_assert_eq(connect_to("api.github.com", 8443), DENY_PORT);
	cr_assert_eq(allow_check(&list, "api.github.com", 8080,
				 "/repos/myorg/x"),
		     DENY_PORT);
	cr_assert_eq(get("github.com", "/repos/myorg/x"), DENY_HOST);
	/* an entry without a path opens the tunnel */
	add("api.github.com");
	cr_assert_eq(connect_to("api.github.com", 443), ALLOW);
	cr_assert_eq(get("api.github.com", "/anything"), ALLOW);
}

Test(proxy_allow, paths_a_server_would_normalise_elsewhere_are_refused)
{
	static const char *const tricks[] = {
		"/repos/myorg/../other",
		"/repos/myorg/..",
		"/repos/myorg/./x",
		"/repos/myorg/.",
		"/repos/myorg/..;/other",
		"/repos/myorg/..;x=1/other",
		"/repos/myorg/.;/x",
		"/repos/myorg/;/x",
		"/repos/myorg//x",
		"/repos/myorg/%2e%2e/other",
		"/repos/myorg/%2E%2E/other",
		"/repos/myorg/.%2e/other",
		"/repos/myorg/x%2fother",
		"/repos/myorg/x%2F..%2Fother",
		"/repos/myorg/x%5c..%5cother",
		"/repos/myorg/x%5C",
		"/repos/myorg/%252e%252e/other",
		"/repos/myorg/x\\..\\other",
	};

	add("api.github.com/repos/myorg/**");
	cr_assert_eq(get("api.github.com", "/repos/myorg/x/.y/..z"), ALLOW);
	cr_assert_eq(get("api.github.com", "/repos/myorg/%41;a=1"), ALLOW);
	for (size_t i = 0; i < N(tricks); i++)
		cr_assert_eq(get("api.github.com", tricks[i]), DENY_PATH,
			     "%s", tricks[i]);
}

Test(proxy_allow, paths_are_not_inspected_for_hosts_without_path_rules)
{
	add("example.com");
	add("api.github.com/repos/**");
	cr_assert_eq(get("example.com", "/a/../b%2f"), ALLOW);
	cr_assert_eq(get("api.github.com", "/repos/../admin"), DENY_PATH);
	/* another entry for the host without a path allows it as sent */
	add("api.github.com");
	cr_assert_eq(get("api.github.com", "/repos/../admin"), ALLOW);
}

Test(proxy_allow, matching_is_bounded_for_pathological_globs, .timeout = 10)
{
	static char path[20002];

	add("example.com/**a**a**a**a**a**a**a**a**a**a**a**a**b");
	add("example.com/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
	path[0] = '/';
	memset(path + 1, 'a', sizeof(path) - 2);
	cr_assert_eq(get("example.com", path), DENY_PATH);
	path[sizeof(path) - 2] = 'b';
	cr_assert_eq(get("example.com", path), ALLOW);
}

/* ---- parse errors ---- */

Test(proxy_allow, a_wildcard_over_one_label_is_refused_as_too_broad)
{
	cr_assert_str_eq(refused("*.com"),
			 "allow entry '*.com': a wildcard needs at least two "
			 "labels after it (e.g. '*.example.com'): '*.com' "
			 "would allow every name in 'com'; name the domain "
			 "instead");
	assert_refused("*.localhost.", "at least two labels");
}

Test(proxy_allow, a_bare_star_is_refused)
{
	assert_refused("*", "a bare '*' would allow every host: name the "
			    "domains instead, e.g. '*.example.com'");
	assert_refused("*.", "a bare '*'");
	assert_refused("*:443", "a bare '*'");
}

Test(proxy_allow, a_star_is_only_the_whole_first_label)
{
	static const char *const bad[] = {
		"a.*.example.com", "*a.example.com", "a*.example.com",
		"**.example.com", "example.*", "*.*.example.com",
	};

	for (size_t i = 0; i < N(bad); i++)
		assert_refused(bad[i], "'*' can only be the whole first label");
}

Test(proxy_allow, a_wildcard_does_not_cover_addresses)
{
	assert_refused("*.0.0.1", "a wildcard cannot cover IP addresses");
	assert_refused("*.example.0x10", "cannot cover IP addresses");
}

Test(proxy_allow, malformed_names_are_refused_with_the_reason)
{
	char label[65], name[256];

	assert_refused("", "no host");
	assert_refused(".", "no host");
	assert_refused(":443", "no host");
	assert_refused("/path", "no host");
	assert_refused("exa_mple.com", "'_' cannot be in a host name");
	assert_refused("exa mple.com", "' ' cannot be in a host name");
	assert_refused("user@example.com", "'@' cannot be in a host name");
	assert_refused("example.com?x", "'?' cannot be in a host name");
	assert_refused("b\xc3\xbc" "cher.de", "xn--");
	assert_refused("-a.example.com", "cannot start or end with '-'");
	assert_refused("a-.example.com", "cannot start or end with '-'");
	assert_refused("a..example.com", "empty label");
	assert_refused(".example.com", "empty label");
	assert_refused("example.com..", "empty label");
	assert_refused("*..example.com", "empty label");
	memset(label, 'a', 64);
	label[64] = '\0';
	assert_refused(label, "longer than 63 characters");
	memset(name, 'a', 63);
	memset(name + 64, 'a', 63);
	memset(name + 128, 'a', 63);
	memset(name + 192, 'a', 62);
	name[63] = name[127] = name[191] = '.';
	name[254] = '\0';
	cr_assert_eq(strlen(name), 254);
	assert_refused(name, "longer than 253 characters");
}

Test(proxy_allow, numeric_names_must_be_dotted_quads)
{
	static const char *const bad[] = {
		"127.1", "0x7f.0.0.1", "01.2.3.4", "256.1.1.1",
		"1.2.3.4.5", "2130706433", "example.123", "a.0x1f",
	};

	for (size_t i = 0; i < N(bad); i++)
		assert_refused(bad[i], "write it as a dotted quad of 0-255");
	add("example.0x1g");
	add("1.2.3.4.");
	cr_assert_eq(connect_to("1.2.3.4", 443), ALLOW);
}

Test(proxy_allow, ports_must_be_1_to_65535)
{
	static const char *const bad[] = {
		"example.com:", "example.com:0", "example.com:65536",
		"example.com:080", "example.com:8a", "example.com:-1",
		"example.com:+80", "example.com:100000", "example.com:80:90",
		"example.com:18446744073709551696", /* 2^64 + 80 */
		"[::1]:", "[::1]:0",
	};

	for (size_t i = 0; i < N(bad); i++)
		assert_refused(bad[i], "is not a port: write a number from 1 "
				       "to 65535");
	cr_assert_str_eq(refused("example.com:0/x"),
			 "allow entry 'example.com:0/x': '0' is not a port: "
			 "write a number from 1 to 65535 (e.g. "
			 "'example.com:8443')");
}

Test(proxy_allow, ipv6_addresses_need_brackets_and_must_parse)
{
	assert_refused("::1", "write an IPv6 address in brackets, e.g. "
			      "'[::1]' or '[::1]:8080'");
	assert_refused("fe80::1", "in brackets");
	assert_refused("2001:db8::1/x", "in brackets");
	assert_refused("[::1", "needs its closing ']'");
	assert_refused("[::1]x", "after ']' only ':PORT' or a path");
	assert_refused("[::g]", "'::g' is not an IPv6 address");
	assert_refused("[fe80::1%eth0]", "is not an IPv6 address");
	assert_refused("[127.0.0.1]", "is not an IPv6 address");
	assert_refused("[]", "'' is not an IPv6 address");
	assert_refused("[example.com]", "is not an IPv6 address");
}

Test(proxy_allow, a_scheme_is_refused_with_the_entry_to_write)
{
	cr_assert_str_eq(refused("https://api.github.com/repos/*"),
			 "allow entry 'https://api.github.com/repos/*': write "
			 "it without 'https://': 'api.github.com/repos/*'");
	assert_refused("HTTP://example.com", "without 'HTTP://'");
	/* "://" inside a path is not a scheme */
	assert_refused("example.com/go/http://x", "'//'");
}

Test(proxy_allow, malformed_path_rules_are_refused)
{
	char longest[ALLOW_GLOB_MAX + 16], too_long[ALLOW_GLOB_MAX + 16];

	assert_refused("example.com/a?b=1", "leave out the query");
	assert_refused("example.com/a#top", "leave out the query ('?…') and "
					    "fragment");
	assert_refused("example.com/a b", "visible ASCII");
	assert_refused("example.com/a\x7f", "visible ASCII");
	assert_refused("example.com/caf\xc3\xa9", "visible ASCII");
	assert_refused("example.com/a/***", "three '*' in a row");
	assert_refused("example.com/a/../b",
		       "cannot have '.' or '..' segments");
	assert_refused("example.com/a/./b", "'.' or '..' segments");
	assert_refused("example.com/a//b", "'//'");
	assert_refused("example.com/a\\b", "'\\'");
	assert_refused("example.com/%2e%2e/b", "%2e %2f %5c %25");
	assert_refused("example.com/a%2Fb", "%2e %2f %5c %25");
	snprintf(longest, sizeof(longest), "x.io/%0*d", ALLOW_GLOB_MAX - 1, 0);
	snprintf(too_long, sizeof(too_long), "x.io/%0*d", ALLOW_GLOB_MAX, 0);
	add(longest);
	assert_refused(too_long, "the path is longer than 256 characters");
}

Test(proxy_allow, a_refused_entry_leaves_the_list_as_it_was)
{
	add("example.com");
	refused("*.com");
	refused("example.org:0");
	cr_assert_eq(list.n, 1);
	cr_assert_eq(connect_to("example.com", 443), ALLOW);
	cr_assert_eq(connect_to("example.org", 443), DENY_HOST);
}

/* ---- reasons ---- */

Test(proxy_allow, each_verdict_has_its_own_reason)
{
	static const enum allow_verdict v[] = {
		DENY_HOST, DENY_PORT, DENY_PATH, ALLOW,
	};

	cr_assert(strstr(allow_reason(DENY_HOST), "not on") != NULL);
	cr_assert(strstr(allow_reason(DENY_PORT), "port") != NULL);
	cr_assert(strstr(allow_reason(DENY_PATH), "CONNECT") != NULL);
	cr_assert(strstr(allow_reason(ALLOW), "allowed") != NULL);
	for (size_t i = 0; i < N(v); i++)
		for (size_t j = i + 1; j < N(v); j++)
			cr_assert_str_neq(allow_reason(v[i]),
					  allow_reason(v[j]));
}

/* ---- metadata names ---- */

Test(proxy_allow, cloud_metadata_names_are_known)
{
	static const char *const yes[] = {
		"metadata.google.internal", "metadata.goog", "metadata",
		"instance-data", "instance-data.ec2.internal",
		"metadata.tencentyun.com", "METADATA.Google.Internal.",
		"Metadata.", "Instance-Data.EC2.internal",
	};
	static const char *const no[] = {
		"metadata.google.internal.evil.com",
		"x.metadata.google.internal",
		"xmetadata", "metadata.google", "metadata.google.internal..",
		"instance-data.ec2", "metadata.goog.com", "", ".",
		"169.254.169.254",
	};

	for (size_t i = 0; i < N(yes); i++)
		cr_assert(host_is_metadata(yes[i]), "%s", yes[i]);
	for (size_t i = 0; i < N(no); i++)
		cr_assert(!host_is_metadata(no[i]), "%s", no[i]);
}

/* ---- address classes ---- */

static enum addr_class v4(const char *text)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(443) };

	cr_assert_eq(inet_pton(AF_INET, text, &sa.sin_addr), 1, "%s", text);
	return addr_classify((const struct sockaddr *)&sa);
}

static enum addr_class v6(const char *text)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

	cr_assert_eq(inet_pton(AF_INET6, text, &sa.sin6_addr), 1, "%s", text);
	return addr_classify((const struct sockaddr *)&sa);
}

struct case_ {
	const char *addr;
	enum addr_class c;
};

#define PUB ADDR_PUBLIC
#define PRIV ADDR_PRIVATE
#define LOOP ADDR_LOOPBACK
#define LINK ADDR_LINK_LOCAL
#define UNR ADDR_UNROUTABLE

Test(proxy_allow, ipv4_ranges_at_their_edges)
{
	static const struct case_ cases[] = {
		{ "0.0.0.0", UNR }, { "0.255.255.255", UNR },
		{ "1.0.0.0", PUB }, { "8.8.8.8", PUB },
		{ "9.255.255.255", PUB }, { "10.0.0.0", PRIV },
		{ "10.255.255.255", PRIV }, { "11.0.0.0", PUB },
		{ "100.63.255.255", PUB }, { "100.64.0.0", PRIV },
		{ "100.127.255.255", PRIV }, { "100.128.0.0", PUB },
		{ "126.255.255.255", PUB }, { "127.0.0.0", LOOP },
		{ "127.0.0.1", LOOP }, { "127.255.255.255", LOOP },
		{ "128.0.0.0", PUB }, { "169.253.255.255", PUB },
		{ "169.254.0.0", LINK }, { "169.254.169.254", LINK },
		{ "169.254.170.2", LINK }, { "169.254.255.255", LINK },
		{ "169.255.0.0", PUB }, { "172.15.255.255", PUB },
		{ "172.16.0.0", PRIV }, { "172.31.255.255", PRIV },
		{ "172.32.0.0", PUB }, { "191.255.255.255", PUB },
		{ "192.0.0.0", UNR }, { "192.0.0.192", UNR },
		{ "192.0.0.255", UNR }, { "192.0.1.0", PUB },
		{ "192.0.2.0", UNR }, { "192.0.2.255", UNR },
		{ "192.0.3.0", PUB }, { "192.167.255.255", PUB },
		{ "192.168.0.0", PRIV }, { "192.168.255.255", PRIV },
		{ "192.169.0.0", PUB }, { "198.17.255.255", PUB },
		{ "198.18.0.0", PRIV }, { "198.19.255.255", PRIV },
		{ "198.20.0.0", PUB }, { "198.51.99.255", PUB },
		{ "198.51.100.0", UNR }, { "198.51.100.255", UNR },
		{ "198.51.101.0", PUB }, { "203.0.112.255", PUB },
		{ "203.0.113.0", UNR }, { "203.0.113.255", UNR },
		{ "203.0.114.0", PUB }, { "223.255.255.255", PUB },
		{ "224.0.0.0", UNR }, { "239.255.255.255", UNR },
		{ "240.0.0.0", UNR }, { "255.255.255.254", UNR },
		{ "255.255.255.255", UNR },
	};

	for (size_t i = 0; i < N(cases); i++)
		cr_assert_eq(v4(cases[i].addr), cases[i].c, "%s",
			     cases[i].addr);
}

Test(proxy_allow, ipv4_metadata_services_are_never_reachable)
{
	cr_assert_eq(v4("100.100.100.200"), LINK);
	cr_assert_eq(v4("100.100.100.199"), PRIV);
	cr_assert_eq(v4("100.100.100.201"), PRIV);
	cr_assert_eq(v4("168.63.129.16"), LINK);
	cr_assert_eq(v4("168.63.129.15"), PUB);
	cr_assert_eq(v4("168.63.129.17"), PUB);
}

Test(proxy_allow, ipv6_ranges_at_their_edges)
{
	static const struct case_ cases[] = {
		{ "::", UNR }, { "::1", LOOP }, { "::2", UNR },
		{ "::8.8.8.8", UNR }, { "::1:0:0", UNR },
		{ "fe7f:ffff::", UNR }, { "fe80::", LINK }, { "fe80::1", LINK },
		{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", LINK },
		{ "fec0::1", PRIV },
		{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRIV },
		{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", UNR },
		{ "fc00::", PRIV }, { "fd12:3456::1", PRIV },
		{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PRIV },
		{ "ff00::", UNR }, { "ff02::1", UNR },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", UNR },
		{ "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", UNR },
		{ "2000::", PUB }, { "2606:4700:4700::1111", PUB },
		{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", PUB },
		{ "2001:db8::", UNR }, { "2001:db8:ffff::1", UNR },
		{ "2001:db9::", PUB }, { "3ffe:ffff::", PUB },
		{ "3fff::1", UNR },
		{ "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", UNR },
		{ "3fff:1000::", PUB },
		{ "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PUB },
		{ "4000::", UNR }, { "100::1", UNR },
		{ "64:ff9b:1::1", PRIV }, { "64:ff9b:1:ffff::1", PRIV },
		{ "64:ff9b:2::1", UNR },
	};

	for (size_t i = 0; i < N(cases); i++)
		cr_assert_eq(v6(cases[i].addr), cases[i].c, "%s",
			     cases[i].addr);
}

Test(proxy_allow, ipv6_addresses_carrying_ipv4_have_its_class)
{
	static const struct case_ cases[] = {
		{ "::ffff:127.0.0.1", LOOP }, { "::ffff:8.8.8.8", PUB },
		{ "::ffff:10.0.0.1", PRIV }, { "::ffff:169.254.169.254", LINK },
		{ "::ffff:0.0.0.0", UNR }, { "::ffff:100.100.100.200", LINK },
		{ "64:ff9b::a9fe:a9fe", LINK }, { "64:ff9b::808:808", PUB },
		{ "64:ff9b::7f00:1", LOOP }, { "64:ff9b::c0a8:1", PRIV },
		{ "64:ff9b::1:a9fe:a9fe", UNR },
		{ "2002:7f00:1::", LOOP }, { "2002:a9fe:a9fe::1", LINK },
		{ "2002:808:808::1", PUB }, { "2002:c0a8:101::", PRIV },
		{ "::fffe:127.0.0.1", UNR }, { "::ffff:0:127.0.0.1", UNR },
	};

	for (size_t i = 0; i < N(cases); i++)
		cr_assert_eq(v6(cases[i].addr), cases[i].c, "%s",
			     cases[i].addr);
}

Test(proxy_allow, ipv6_metadata_services_are_never_reachable)
{
	cr_assert_eq(v6("fd00:ec2::254"), LINK);
	cr_assert_eq(v6("fd00:ec2::253"), PRIV);
	cr_assert_eq(v6("fd00:ec2::23"), LINK);
	cr_assert_eq(v6("fd20:ce::254"), LINK);
	cr_assert_eq(v6("fd20:ce::255"), PRIV);
	cr_assert_eq(v6("fd00:42::42"), LINK);
	cr_assert_eq(v6("fe80::a9fe:a9fe"), LINK);
}

Test(proxy_allow, other_families_are_unroutable)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "/x" };
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	cr_assert_eq(addr_classify((const struct sockaddr *)&un), UNR);
	cr_assert_eq(addr_classify(&sa), UNR);
}

Test(proxy_allow, what_each_class_permits)
{
	cr_assert(addr_permitted(PUB, false));
	cr_assert(addr_permitted(PUB, true));
	cr_assert(!addr_permitted(PRIV, false));
	cr_assert(addr_permitted(PRIV, true));
	cr_assert(!addr_permitted(LOOP, false));
	cr_assert(addr_permitted(LOOP, true));
	cr_assert(!addr_permitted(LINK, false));
	cr_assert(!addr_permitted(LINK, true));
	cr_assert(!addr_permitted(UNR, false));
	cr_assert(!addr_permitted(UNR, true));
}
