/* The network modes seen from inside a real sandbox: `open` reaches the
 * host; `block` gives the sandbox a network namespace of its own (only
 * loopback), Landlock's TCP port rules inside it, and sockets limited to
 * unix, TCP and NETLINK_ROUTE; `allowlist` adds latch's proxy as the one
 * way out. Only loopback is used: the host's listeners and the upstream
 * HTTP(S) servers here are on 127.0.0.1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/latchtest.h"

TestSuite(network, .init = lt_setup, .fini = lt_teardown, .timeout = 30);

/* A listening TCP socket on the host's 127.0.0.1; its port in *port.
 * Connections are completed by the kernel (backlog) without accept(). */
static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(s >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	cr_assert(listen(s, 16) == 0);
	cr_assert(getsockname(s, (struct sockaddr *)&a, &len) == 0);
	*port = ntohs(a.sin_port);
	return s;
}

/* python3 -c CODE in a sandbox of `profile` (NULL: the default). */
static struct lt_result python(const char *profile, const char *code)
{
	if (!lt_exists("/usr/bin/python3"))
		cr_skip_test("needs python3");
	if (profile)
		return LT_RUN("run", "-p", profile, "--", "python3", "-c", code);
	return LT_RUN("run", "--", "python3", "-c", code);
}

/* Connect to 127.0.0.1:PORT and print "connected" or the error. */
#define CONNECT_PY \
	"import socket, sys\n" \
	"s = socket.socket()\n" \
	"try:\n" \
	"    s.connect(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else %d)); print('connected')\n" \
	"except OSError as e: print('refused:', e.strerror)\n"

static const char *block(void)
{
	return lt_profile("block", "extends: default\nnetwork: block\n");
}

Test(network, open_reaches_the_host_and_block_does_not)
{
	int port, s = listener(&port);
	struct lt_result r;

	r = python(NULL, lt_fmt(CONNECT_PY, port));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "connected", r);
	r = python(block(), lt_fmt(CONNECT_PY, port));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "refused: Permission denied", r);
	close(s);
}

/* A port listed in `connect` opens loopback inside the sandbox's own
 * network, not the host's: the host's listener on that port is not
 * there. */
Test(network, block_has_a_network_of_its_own)
{
	int port, s = listener(&port);
	char *p = lt_profile("oneport", lt_fmt("extends: default\nnetwork:\n  mode: block\n"
					       "  connect: [%d]\n", port));
	struct lt_result r = python(p, lt_fmt(CONNECT_PY
		"print(open('/proc/net/dev').read().count(':'), 'interfaces')\n", port));

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "refused: Connection refused", r);
	LT_CONTAINS(r.out, "1 interfaces", r);
	close(s);
}

/* With `bind` and `connect` naming a port, a server the sandbox starts on
 * loopback and a client in it talk; another port stays closed. */
Test(network, block_lets_the_sandbox_talk_to_itself_on_listed_ports)
{
	int port, s = listener(&port);
	char *p;
	struct lt_result r;

	close(s); /* a port number free on the host: any is free inside */
	p = lt_profile("local", lt_fmt("extends: default\nnetwork:\n  mode: block\n"
				       "  bind: [%d]\n  connect: [%d]\n", port, port));
	r = python(p, lt_fmt(
		"import socket\n"
		"srv = socket.socket(); srv.bind(('127.0.0.1', %d)); srv.listen()\n"
		"c = socket.create_connection(('127.0.0.1', %d)); a, _ = srv.accept()\n"
		"c.sendall(b'ping'); print(a.recv(4).decode())\n"
		"try:\n"
		"    socket.socket().bind(('127.0.0.1', %d)); print('bound elsewhere')\n"
		"except OSError as e: print('bind refused:', e.strerror)\n",
		port, port, port == 65535 ? 65534 : port + 1));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "ping", r);
	LT_CONTAINS(r.out, "bind refused: Permission denied", r);
}

/* Only unix, TCP and NETLINK_ROUTE sockets: UDP (so DNS), ICMP ping, raw,
 * packet, vsock, SCTP, MPTCP and other netlink families are refused;
 * so is a TCP Fast Open send, which would connect with its data. */
Test(network, block_refuses_every_other_kind_of_socket)
{
	struct lt_result r = python(block(),
		"import socket\n"
		"kinds = [('udp', 2, 2, 0), ('udp6', 10, 2, 0), ('ping', 2, 2, 1),\n"
		"         ('raw', 2, 3, 255), ('packet', 17, 3, 0), ('vsock', 40, 1, 0),\n"
		"         ('sctp', 2, 1, 132), ('mptcp', 10, 1, 262), ('nl-audit', 16, 3, 9),\n"
		"         ('udp-high-bits', 2 | (1 << 32), 2, 0),\n"
		"         ('tcp', 2, 1, 0), ('tcp6', 10, 1, 6), ('nl-route', 16, 3, 0), ('unix', 1, 1, 0)]\n"
		"import ctypes\n"
		"libc = ctypes.CDLL(None, use_errno=True)\n"
		"libc.syscall.restype = ctypes.c_long\n"
		"for name, fam, typ, proto in kinds:\n"
		"    fd = libc.syscall(41, ctypes.c_long(fam), ctypes.c_long(typ), ctypes.c_long(proto))\n"
		"    print(name, 'created' if fd >= 0 else 'refused', ctypes.get_errno() if fd < 0 else '')\n"
		"s = socket.socket()\n"
		"try:\n"
		"    s.sendto(b'x', socket.MSG_FASTOPEN, ('127.0.0.1', 80)); print('fastopen sent')\n"
		"except OSError as e: print('fastopen refused:', e.strerror)\n");

	LT_EXIT(r, 0);
	for (const char *const *k = (const char *const[]){ "udp", "udp6", "ping", "raw",
		"packet", "vsock", "sctp", "mptcp", "nl-audit", "udp-high-bits", NULL }; *k; k++)
		cr_assert(lt_has_line_prefix(r.out, lt_fmt("%s refused 13", *k)), "%s", lt_show(&r));
	for (const char *const *k = (const char *const[]){ "tcp", "tcp6", "nl-route", NULL }; *k; k++)
		cr_assert(lt_has_line_prefix(r.out, lt_fmt("%s created", *k)), "%s", lt_show(&r));
	LT_CONTAINS(r.out, "unix refused 13", r); /* unix: block by default */
	LT_CONTAINS(r.out, "fastopen refused: Permission denied", r);
}

/* What --dry-run reports for block. */
Test(network, dry_run_says_what_block_enforces)
{
	struct lt_result r = LT_RUN("run", "-p", block(), "--dry-run", "--", "true");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "a network namespace of its own with only loopback", r);
	LT_CONTAINS(r.out, "sockets only unix, TCP and NETLINK_ROUTE", r);
}

/* ---- allowlist: latch's proxy ---- */

/* An HTTP(S) server on the host's 127.0.0.1 serving `dir` (HTTP/1.1;
 * /headers answers with the request's header names, one per line), port
 * chosen by the kernel; killed with the test. TLS when `cert` is given. */
static const char UPSTREAM_PY[] =
	"import http.server, os, ssl, sys\n"
	"os.chdir(sys.argv[1])\n"
	"class H(http.server.SimpleHTTPRequestHandler):\n"
	"    protocol_version = 'HTTP/1.1'\n"
	"    def log_message(self, *a): pass\n"
	"    def do_POST(self): self.do_GET()\n"
	"    def do_GET(self):\n"
	"        if self.path == '/peer':\n"
	"            body = str(self.client_address[1]).encode()\n"
	"        elif self.path == '/headers':\n"
	"            body = ''.join(k.lower() + '\\n' for k in self.headers.keys()).encode()\n"
	"        elif '/echo' in self.path:\n"
	"            n = int(self.headers.get('Content-Length') or 0)\n"
	"            body = (self.command + ' ' + self.path + '\\n' + ''.join(k.lower() + ': ' + v + '\\n'\n"
	"                    for k, v in self.headers.items())).encode() + self.rfile.read(n)\n"
	"            if '/echo/raw' not in self.path:\n" /* the tests' real keys, seen */
	"                for real in (b'sk-real-0123456789', b'real%20key%2F1', b'sk-from-file'):\n"
	"                    body = body.replace(real, b'<REAL:' + real[:4] + b'>')\n"
	"        else: return super().do_GET()\n"
	"        self.send_response(200); self.send_header('Content-Length', str(len(body)))\n"
	"        self.end_headers(); self.wfile.write(body)\n"
	"srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
	"if len(sys.argv) > 2:\n"
	"    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[2], sys.argv[3])\n"
	"    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)\n"
	"print(srv.server_address[1], flush=True)\n"
	"srv.serve_forever()\n";

static int upstream(const char *dir, const char *cert, const char *key)
{
	return cert ? lt_python_server(UPSTREAM_PY, LT_ARGV(dir, cert, key))
		    : lt_python_server(UPSTREAM_PY, LT_ARGV(dir));
}

/* The files the upstream serves: ROOT/site/index.txt. */
static char *site(void)
{
	char *dir = lt_path(lt.root, "site");

	lt_write(lt_path(dir, "index.txt"), "hello from upstream\n");
	return dir;
}

/* A profile with network `allowlist` and these YAML list items. */
static char *allowlist(const char *items, bool private_ok)
{
	return lt_profile("allowlist", lt_fmt("extends: default\nnetwork:\n  mode: allowlist\n"
					      "  allow: [%s]\n%s", items,
					      private_ok ? "  private: true\n" : ""));
}

/* curl in the sandbox, through the proxy even to loopback names (the
 * child's NO_PROXY lists them); prints the status code last. */
static struct lt_result curl(const char *profile, const char *args)
{
	if (!lt_exists("/usr/bin/curl"))
		cr_skip_test("needs curl");
	return LT_RUN("run", "-p", profile, "--read", lt.root, "--", "sh", "-c",
		      lt_fmt("NO_PROXY= no_proxy= exec curl -sS -w '\\n%%{http_code}\\n' %s", args));
}

Test(network, allowlist_lets_listed_hosts_through_the_proxy_and_no_others)
{
	int port = upstream(site(), NULL, NULL);
	char *p = allowlist(lt_fmt("'localhost:%d'", port), true);
	struct lt_result r;

	r = curl(p, lt_fmt("http://localhost:%d/index.txt", port));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "hello from upstream\n\n200\n", r);
	r = curl(p, lt_fmt("http://localhost:%d/index.txt", port + 1 > 65535 ? 1 : port + 1));
	LT_CONTAINS(r.out, "latch: the host is on latch's network allowlist, not for this port\n\n403\n", r);
	r = curl(p, "http://example.com/");
	LT_CONTAINS(r.out, "latch: the host is not on latch's network allowlist\n\n403\n", r);
	r = curl(p, "http://metadata.google.internal/computeMetadata/v1/");
	LT_CONTAINS(r.out, "403\n", r);
	LT_CONTAINS(r.out, "metadata", r);
}

/* Requests on one kept-alive connection to the proxy go on one kept-alive
 * connection to the server (the server sees the same client port). */
Test(network, forwarding_keeps_connections_alive)
{
	int port = upstream(site(), NULL, NULL);
	struct lt_result r = curl(allowlist(lt_fmt("'localhost:%d'", port), true),
				  lt_fmt("http://localhost:%d/peer http://localhost:%d/peer", port, port));
	char a[16], b[16];

	LT_EXIT(r, 0);
	cr_assert_eq(sscanf(r.out, "%15s\n200\n%15s", a, b), 2, "%s", r.out);
	cr_assert_str_eq(a, b, "two server connections: %s", r.out);
}

/* The proxy's token does not travel on; the allowed request and each
 * refusal are in the audit log as they happened. */
Test(network, allowlist_decisions_are_audited_and_the_token_stays_in_the_proxy)
{
	int port = upstream(site(), NULL, NULL);
	char *p = allowlist(lt_fmt("'localhost:%d'", port), true);
	struct lt_result r = curl(p, lt_fmt("http://localhost:%d/headers", port));
	char *log;

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "host\n", r);
	LT_LACKS(r.out, "proxy-authorization", r);
	LT_LACKS(r.out, "proxy-connection", r);
	log = lt_audit_log();
	LT_CONTAINS(log, lt_fmt("\"event\":\"net\",\"kind\":\"http\",\"host\":\"localhost\",\"port\":%d,"
				"\"path\":\"/headers\",\"decision\":\"allow\",\"address\":\"127.0.0.1\"", port), r);
	LT_CONTAINS(log, "\"event\":\"net_end\",\"host\":\"localhost\"", r);
}

/* ---- credential routes ---- */

/* A profile with network `mode` and one credential route "echo" to the
 * local HTTPS server (its certificate as the route's CA), the key from
 * latch's ECHO_REAL_KEY, the phantom in ECHO_API_KEY. */
static char *route_profile(const char *mode, int port, const char *cert, const char *source)
{
	return lt_profile("route", lt_fmt("extends: default\nnetwork:\n  mode: %s\n  private: true\n"
		"  credentials:\n    - route: echo\n      upstream: https://localhost:%d/base\n"
		"      header: authorization\n      value: \"Bearer {key}\"\n"
		"      source: %s\n      env: ECHO_API_KEY\n      base_url: ECHO_BASE_URL\n"
		"      ca: %s\n", mode, port, source, cert));
}

/* The upstream over TLS, its certificate made now: its port. */
static int tls_upstream(char **cert)
{
	char *key;

	lt_tls_cert(cert, &key);
	return upstream(site(), *cert, key);
}

static struct lt_result through_route(const char *profile, const char *script)
{
	struct lt_opts o = { .env = (const char *const[]){ "ECHO_REAL_KEY=sk-real-0123456789", NULL } };

	if (!lt_exists("/usr/bin/curl"))
		cr_skip_test("needs curl");
	return LT_RUN_O(&o, "run", "-p", profile, "--", "sh", "-c", script);
}

/* The server gets the real key; the sandbox holds only the phantom,
 * in its environment and its /proc/self/environ alike, and the variable
 * the key came from is not there at all. */
Test(network, a_credential_route_adds_the_real_key_the_sandbox_never_holds)
{
	char *cert;
	int port;
	struct lt_result r;

	port = tls_upstream(&cert);
	r = through_route(route_profile("block", port, cert, "env:ECHO_REAL_KEY"),
		"echo \"key=$ECHO_API_KEY url=$ECHO_BASE_URL real=${ECHO_REAL_KEY:-unset}\"; "
		"grep -c 'sk-re[a]l' /proc/self/environ; "
		"curl -sS -H \"Authorization: Bearer $ECHO_API_KEY\" -d body=1 \"$ECHO_BASE_URL/v1/echo?q=1\"");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "key=latch-phantom-", r);
	LT_CONTAINS(r.out, "url=http://127.0.0.1:3128/echo real=unset\n0\n", r);
	LT_CONTAINS(r.out, "POST /base/v1/echo?q=1\n", r);
	LT_CONTAINS(r.out, "authorization: Bearer <REAL:sk-r>\n", r);
	LT_CONTAINS(r.out, "host: localhost:", r);
	LT_LACKS(r.out, "authorization: Bearer latch-phantom", r);
	LT_CONTAINS(r.out, "body=1", r);
	LT_CONTAINS(lt_audit_log(), "\"event\":\"net\",\"kind\":\"route\",\"route\":\"echo\"", r);
	LT_LACKS(lt_audit_log(), "sk-real", r);
}

/* A route whose credential is a query parameter: the phantom in the
 * request's target is checked and replaced by the real key (encoded). */
Test(network, a_query_parameter_route_replaces_the_phantom_in_the_target)
{
	char *cert, *p;
	int port;
	struct lt_opts o = { .env = (const char *const[]){ "ECHO_REAL_KEY=real key/1", NULL } };
	struct lt_result r;

	if (!lt_exists("/usr/bin/curl"))
		cr_skip_test("needs curl");
	port = tls_upstream(&cert);
	p = lt_profile("qroute", lt_fmt("extends: default\nnetwork:\n  mode: block\n  private: true\n"
		"  credentials:\n    - route: echo\n      upstream: https://localhost:%d/base\n"
		"      param: key\n      source: env:ECHO_REAL_KEY\n      env: ECHO_API_KEY\n"
		"      base_url: ECHO_BASE_URL\n      ca: %s\n", port, cert));
	r = LT_RUN_O(&o, "run", "-p", p, "--", "sh", "-c",
		     "curl -sS \"$ECHO_BASE_URL/v1/echo?a=1&key=$ECHO_API_KEY&b=2\"; "
		     "curl -sS -o /dev/null -w '%{http_code}\\n' \"$ECHO_BASE_URL/v1/echo?key=latch-phantom-0\"; "
		     "curl -sS -o /dev/null -w '%{http_code}\\n' \"$ECHO_BASE_URL/v1/echo?key=$ECHO_API_KEY&key=x\"");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "GET /base/v1/echo?a=1&key=<REAL:real>&b=2\n", r);
	LT_LACKS(r.out, "latch-phantom", r);
	LT_CONTAINS(r.out, "\n401\n401\n", r); /* a wrong phantom; the parameter twice */
	LT_LACKS(lt_audit_log(), "real key", r);
	LT_LACKS(lt_audit_log(), "real%20key", r);
}

/* A server that sends the real key back (a redirect keeping the query, a
 * page quoting the request) does not hand it to the sandbox: the answer
 * is cut off, and a route's target may not climb out of its base. */
Test(network, a_route_answer_holding_the_real_key_is_cut_off)
{
	char *cert;
	int port;
	struct lt_result r;

	port = tls_upstream(&cert);
	r = through_route(route_profile("block", port, cert, "env:ECHO_REAL_KEY"),
		"curl -sS -H \"Authorization: Bearer $ECHO_API_KEY\" \"$ECHO_BASE_URL/echo/raw\"; echo rc=$?; "
		"curl -sS --path-as-is -o /dev/null -w '%{http_code}\\n' -H \"Authorization: Bearer $ECHO_API_KEY\" "
		"\"$ECHO_BASE_URL/../echo\"");
	LT_LACKS(r.out, "sk-real", r);
	LT_LACKS(r.out, "rc=0\n", r); /* curl: the answer was cut off */
	LT_CONTAINS(r.out, "\n400\n", r);
	LT_CONTAINS(lt_audit_log(), "\"reason\":\"the server's answer held the route's real credential: cut off\"", r);
	LT_LACKS(lt_audit_log(), "sk-real", r);
}

Test(network, a_wrong_phantom_gets_401_and_an_unknown_route_404)
{
	char *cert;
	int port;
	struct lt_result r;

	port = tls_upstream(&cert);
	r = through_route(route_profile("block", port, cert, "env:ECHO_REAL_KEY"),
		"curl -sS -w '\\n%{http_code}\\n' -H 'Authorization: Bearer sk-guess' \"$ECHO_BASE_URL/v1/echo\"; "
		"curl -sS -w '\\n%{http_code}\\n' -H \"Authorization: Bearer $ECHO_API_KEY\" http://127.0.0.1:3128/other/v1");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "not this session's phantom", r);
	LT_CONTAINS(r.out, "\n401\n", r);
	LT_CONTAINS(r.out, "\n404\n", r);
	LT_LACKS(r.out, "sk-real", r);
}

/* With the network open the route is on latch's own loopback port; a
 * file source gives its first line; a command that fails stops the
 * start before anything runs. */
Test(network, credential_sources_and_an_open_network)
{
	char *cert, *file = lt_path(lt.root, "key.txt");
	int port;
	struct lt_result r;

	port = tls_upstream(&cert);
	lt_write(file, "sk-from-file\nsecond line\n");
	r = through_route(route_profile("open", port, cert, lt_fmt("file:%s", file)),
		"curl -sS -H \"Authorization: Bearer $ECHO_API_KEY\" \"$ECHO_BASE_URL/echo\"");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "authorization: Bearer <REAL:sk-f>\n", r);
	r = through_route(route_profile("open", port, cert, "command:echo sk-from-command; exit 3"), "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "credential route 'echo' (", r);
	LT_CONTAINS(r.err, "gave no credential (exit status 3)", r);
}

/* HTTPS goes through a CONNECT tunnel, TLS end to end (the server's own
 * certificate, checked by curl); around the proxy nothing leaves. */
Test(network, https_tunnels_through_and_nothing_goes_around_the_proxy)
{
	char *cert;
	int port;
	char *p;
	struct lt_result r;

	port = tls_upstream(&cert);
	p = allowlist(lt_fmt("'localhost:%d'", port), true);
	r = curl(p, lt_fmt("--cacert '%s' https://localhost:%d/index.txt", cert, port));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "hello from upstream\n\n200\n", r);
	r = curl(p, lt_fmt("--noproxy '*' --cacert '%s' https://localhost:%d/index.txt", cert, port));
	LT_FAILS(r);
	LT_CONTAINS(r.out, "000\n", r);
	r = python(p, lt_fmt("import socket\n"
		"for addr in [('127.0.0.1', %d), ('10.0.0.1', 3128), ('192.0.2.1', 3128)]:\n"
		"    s = socket.socket(); s.settimeout(2)\n"
		"    try: s.connect(addr); print(addr[0], 'connected')\n"
		"    except OSError as e: print(addr[0], 'refused')\n", port));
	LT_EXIT(r, 0);
	LT_LACKS(r.out, "connected", r);
}

/* A name on the list that resolves to a private or loopback address is
 * refused unless the profile allows private destinations. */
Test(network, allowlist_refuses_private_addresses_unless_allowed)
{
	int port = upstream(site(), NULL, NULL);
	struct lt_result r = curl(allowlist(lt_fmt("'localhost:%d'", port), false),
				  lt_fmt("http://localhost:%d/index.txt", port));

	LT_CONTAINS(r.out, "resolves to a private or loopback address", r);
	LT_CONTAINS(r.out, "\n403\n", r);
}

/* Without the session's token the proxy answers 407. */
Test(network, the_proxy_wants_the_sessions_token)
{
	int port = upstream(site(), NULL, NULL);
	char *p = allowlist(lt_fmt("'localhost:%d'", port), true);
	struct lt_result r;

	r = curl(p, lt_fmt("--proxy http://127.0.0.1:3128 http://localhost:%d/index.txt", port));
	LT_CONTAINS(r.out, "\n407\n", r);
	r = curl(p, lt_fmt("--proxy http://latch:wrong@127.0.0.1:3128 http://localhost:%d/index.txt", port));
	LT_CONTAINS(r.out, "\n407\n", r);
}

/* --net and --allow-domain on the command line; a bad entry is refused
 * before anything runs. */
Test(network, the_command_line_sets_the_mode_and_adds_hosts)
{
	int port = upstream(site(), NULL, NULL);
	char *p = lt_profile("private", "extends: default\nnetwork: {private: true}\n");
	struct lt_result r;

	if (!lt_exists("/usr/bin/curl"))
		cr_skip_test("needs curl");
	r = LT_RUN("run", "-p", p, "--net", "allowlist", "--allow-domain",
		   lt_fmt("localhost:%d", port), "--", "sh", "-c",
		   lt_fmt("NO_PROXY= no_proxy= curl -sS http://localhost:%d/index.txt", port));
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "hello from upstream", r);
	r = LT_RUN("run", "--net", "allowlist", "--allow-domain", "*.com", "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "--allow-domain: allow entry '*.com'", r);
	r = LT_RUN("run", "--net", "sideways", "--", "true");
	LT_EXIT(r, 125);
	LT_CONTAINS(r.err, "--net must be open, allowlist or block, not 'sideways'", r);
}

/* A large response streams through whole. */
Test(network, a_100_mb_response_arrives_intact, .timeout = 60)
{
	char *dir = site();
	int port;
	struct lt_result r;

	cr_assert_eq(system(lt_fmt("head -c 100000000 /dev/urandom > '%s/big.bin' && "
				   "sha256sum < '%s/big.bin' > '%s/big.sum'", dir, dir, lt.root)), 0);
	port = upstream(dir, NULL, NULL);
	r = curl(allowlist(lt_fmt("'localhost:%d'", port), true),
		 lt_fmt("-o '%s/got.bin' http://localhost:%d/big.bin", lt.work, port));
	LT_EXIT(r, 0);
	cr_assert_eq(system(lt_fmt("sha256sum < '%s/got.bin' | cmp -s - '%s/big.sum'",
				   lt.work, lt.root)), 0, "the copy differs");
}

/* A malformed request head is answered 400, not forwarded. */
Test(network, a_malformed_request_gets_400)
{
	char *p = allowlist("'localhost:80'", true);
	struct lt_result r = python(p,
		"import os, socket\n"
		"tok = os.environ['HTTP_PROXY'].split('@')[0].split('//')[1]\n"
		"s = socket.create_connection(('127.0.0.1', 3128))\n"
		"s.sendall(b'GET http://localhost/ HTTP/1.1\\nHost: localhost\\n\\n')\n"
		"print(s.recv(100).split(b'\\r\\n')[0].decode())\n");

	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "HTTP/1.1 400 Bad Request", r);
}
