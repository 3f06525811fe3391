/* The real agent CLIs under their shipped profiles. They are installed
 * from npm by .ci/run into /opt/latch-agents (npm --prefix; another place
 * by $LATCH_TEST_AGENTS); without them these tests are skipped and say
 * so. The model API is a local HTTPS
 * server speaking just enough of Anthropic's Messages API, reached
 * through latch's credential route: the agent holds a phantom key, the
 * server gets the real one. */
#include <stdlib.h>

#include "../lib/latchtest.h"

TestSuite(agents, .init = lt_setup, .fini = lt_teardown, .timeout = 90);

/* POST /v1/messages: one text answer, streamed (SSE) when asked; other
 * POSTs (token counting) a small JSON; each request's x-api-key is
 * printed on stderr. */
static const char FAKE_API_PY[] =
	"import http.server, json, ssl, sys\n"
	"class H(http.server.BaseHTTPRequestHandler):\n"
	"    protocol_version = 'HTTP/1.1'\n"
	"    def log_message(self, *a): pass\n"
	"    def send(self, ctype, data):\n"
	"        self.send_response(200); self.send_header('Content-Type', ctype)\n"
	"        self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)\n"
	"    def do_POST(self):\n"
	"        n = int(self.headers.get('Content-Length') or 0)\n"
	"        body = json.loads(self.rfile.read(n) or b'{}')\n"
	"        with open(sys.argv[4], 'a') as f: f.write('key=%s path=%s\\n' % (self.headers.get('x-api-key'), self.path))\n"
	"        if not self.path.startswith('/v1/messages') or 'count_tokens' in self.path:\n"
	"            return self.send('application/json', b'{\"input_tokens\": 5}')\n"
	"        m = body.get('model', 'claude'); text = 'hello from the fake API'\n"
	"        msg = {'id': 'msg_1', 'type': 'message', 'role': 'assistant', 'model': m, 'stop_sequence': None}\n"
	"        usage = {'input_tokens': 5, 'output_tokens': 5}\n"
	"        if not body.get('stream'):\n"
	"            return self.send('application/json', json.dumps(dict(msg, content=[{'type': 'text', 'text': text}],\n"
	"                             stop_reason='end_turn', usage=usage)).encode())\n"
	"        ev = [('message_start', {'type': 'message_start', 'message': dict(msg, content=[], stop_reason=None, usage=usage)}),\n"
	"              ('content_block_start', {'type': 'content_block_start', 'index': 0, 'content_block': {'type': 'text', 'text': ''}}),\n"
	"              ('content_block_delta', {'type': 'content_block_delta', 'index': 0, 'delta': {'type': 'text_delta', 'text': text}}),\n"
	"              ('content_block_stop', {'type': 'content_block_stop', 'index': 0}),\n"
	"              ('message_delta', {'type': 'message_delta', 'delta': {'stop_reason': 'end_turn', 'stop_sequence': None}, 'usage': usage}),\n"
	"              ('message_stop', {'type': 'message_stop'})]\n"
	"        self.send('text/event-stream', b''.join(('event: %s\\ndata: %s\\n\\n' % (e, json.dumps(d))).encode() for e, d in ev))\n"
	"ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[2], sys.argv[3])\n"
	"srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
	"srv.socket = ctx.wrap_socket(srv.socket, server_side=True)\n"
	"print(srv.server_address[1], flush=True)\n"
	"srv.serve_forever()\n";

Test(agents, claude_code_answers_through_the_credential_route)
{
	const char *agents = getenv("LATCH_TEST_AGENTS");
	char *claude, *cert, *key, *log = lt_path(lt.root, "api.log");
	char *profile;
	int port;
	struct lt_result r;
	struct lt_opts o = { .env = (const char *const[]){ "ANTHROPIC_API_KEY=sk-ant-real-test-1234", NULL },
			     .timeout_ms = 60000 };

	if (agents == NULL)
		agents = "/opt/latch-agents";
	claude = lt_path(agents, "node_modules/.bin/claude");
	if (!lt_exists(claude))
		cr_skip_test("needs %s (npm install --prefix %s @anthropic-ai/claude-code)",
			     claude, agents);
	lt_tls_cert(&cert, &key);
	/* the script's argv[1] is unused ("-"), as python's own */
	port = lt_python_server(FAKE_API_PY, LT_ARGV("-", cert, key, log));
	lt_mkdir(lt_path(lt.home, ".claude"));
	lt_write(lt_path(lt.home, ".claude.json"), "{}\n");
	profile = lt_profile("agent", lt_fmt(
		"extends: claude-code\nnetwork:\n  private: true\n  credentials:\n"
		"    - route: anthropic\n      upstream: https://localhost:%d\n      header: x-api-key\n"
		"      source: env:ANTHROPIC_API_KEY\n      env: ANTHROPIC_API_KEY\n"
		"      base_url: ANTHROPIC_BASE_URL\n      ca: %s\n", port, cert));
	r = LT_RUN_O(&o, "run", "-p", profile, "--read", agents, "--exec", agents, "--",
		     claude, "-p", "say hi");
	LT_EXIT(r, 0);
	LT_CONTAINS(r.out, "hello from the fake API", r);
	LT_CONTAINS(lt_read(log), "key=sk-ant-real-test-1234 path=/v1/messages", r);
	LT_LACKS(lt_read(log), "latch-phantom", r);
	LT_CONTAINS(lt_audit_log(), "\"kind\":\"route\",\"route\":\"anthropic\"", r);
}
