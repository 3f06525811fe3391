"""A scripted model server for the agent tests (tests/integration/test_agents.c).

    python3 model_server.py CERT KEY SCRIPT LOG

Serves HTTPS on 127.0.0.1 (a free port, printed on the first line of
stdout) and speaks just enough of two vendor APIs to replay a script:

  Anthropic Messages   POST /v1/messages (streamed SSE or not),
                       POST /v1/messages/count_tokens
  OpenAI Responses     POST /v1/responses (streamed SSE), as Codex uses it

SCRIPT is a JSON list of steps, taken in order by the agent's main turns
(the requests that offer a shell tool); any other request (titles, quota
checks, token counts) gets a short text answer and takes no step:

  {"shell": "ls -la"}   answer with a call of the agent's shell tool
  {"text": "done"}      answer with this text and end the turn

When the script is used up, every main turn gets {"text": "script done"}.

LOG gets one JSON object per line: every request ({"request": PATH,
"key": the credential header}), and every tool result the agent sends
back ({"tool_result": TEXT, "error": BOOL}).
"""
import http.server
import json
import ssl
import sys
import threading

CERT, KEY, SCRIPT, LOG = sys.argv[1:5]
with open(SCRIPT) as f:
    STEPS = json.load(f)
LOCK = threading.Lock()
CALLS = [0]


def log(obj):
    with LOCK, open(LOG, "a") as f:
        f.write(json.dumps(obj) + "\n")


def next_step():
    with LOCK:
        i = CALLS[0]
        CALLS[0] += 1
    return STEPS[i] if i < len(STEPS) else {"text": "script done"}


def text_of(content):
    """The text of a tool result's content (a string or a list of blocks)."""
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content or []
                   if isinstance(b, dict))


# ---- Anthropic Messages ----

def anthropic_shell_tool(body):
    """Claude Code's Bash, or OpenClaw's exec (both take "command")."""
    names = [t.get("name") for t in body.get("tools") or []]
    return next((n for n in ("Bash", "exec") if n in names), None)


def anthropic_results(body):
    """The tool results in the user messages after the last assistant one
    (OpenClaw adds a message of its own context after them)."""
    msgs = body.get("messages") or []
    start = len(msgs)
    while start > 0 and msgs[start - 1].get("role") == "user":
        start -= 1
    for m in msgs[start:]:
        for b in m.get("content") if isinstance(m.get("content"), list) else []:
            if isinstance(b, dict) and b.get("type") == "tool_result":
                log({"tool_result": text_of(b.get("content")),
                     "error": bool(b.get("is_error"))})


def anthropic_events(body, step, tool):
    msg = {"id": "msg_%d" % CALLS[0], "type": "message", "role": "assistant",
           "model": body.get("model", "claude"), "content": [],
           "stop_reason": None, "stop_sequence": None,
           "usage": {"input_tokens": 5, "output_tokens": 5}}
    yield "message_start", {"type": "message_start", "message": msg}
    if "shell" in step:
        block = {"type": "tool_use", "id": "toolu_%d" % CALLS[0],
                 "name": tool, "input": {}}
        args = {"command": step["shell"], "description": "scripted command"}
        yield "content_block_start", {"type": "content_block_start",
                                      "index": 0, "content_block": block}
        yield "content_block_delta", {
            "type": "content_block_delta", "index": 0,
            "delta": {"type": "input_json_delta",
                      "partial_json": json.dumps(args)}}
        stop = "tool_use"
    else:
        yield "content_block_start", {
            "type": "content_block_start", "index": 0,
            "content_block": {"type": "text", "text": ""}}
        yield "content_block_delta", {
            "type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": step["text"]}}
        stop = "end_turn"
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    yield "message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": stop,
                                      "stop_sequence": None},
                            "usage": {"output_tokens": 5}}
    yield "message_stop", {"type": "message_stop"}


def anthropic_whole(events):
    """The events folded into one non-streamed message."""
    msg, blocks, partial = None, [], {}
    for name, d in events:
        if name == "message_start":
            msg = d["message"]
        elif name == "content_block_start":
            blocks.append(dict(d["content_block"]))
        elif name == "content_block_delta":
            delta = d["delta"]
            if delta["type"] == "text_delta":
                blocks[-1]["text"] += delta["text"]
            else:
                partial[len(blocks) - 1] = delta["partial_json"]
        elif name == "message_delta":
            msg["stop_reason"] = d["delta"]["stop_reason"]
    for i, js in partial.items():
        blocks[i]["input"] = json.loads(js)
    msg["content"] = blocks
    return msg


# ---- OpenAI Responses (Codex) ----

def openai_tools(body):
    """Every tool offered, top-level and in "additional_tools" input items,
    namespaces flattened: (type, name) pairs."""
    found = []

    def walk(tools):
        for t in tools or []:
            if t.get("type") == "namespace":
                walk(t.get("tools"))
            else:
                found.append((t.get("type"), t.get("name") or t.get("type")))
    walk(body.get("tools"))
    for item in body.get("input") or []:
        if isinstance(item, dict) and item.get("type") == "additional_tools":
            walk(item.get("tools"))
    return found


def openai_shell_tool(body):
    """How this Codex runs a command: its code-mode `exec` tool (JavaScript
    calling tools.exec_command), or a shell function tool."""
    tools = openai_tools(body)
    if ("custom", "exec") in tools:
        return "code"
    for kind, name in tools:
        if name in ("exec_command", "shell", "shell_command", "local_shell"):
            return name
    return None


def openai_results(body):
    for item in body.get("input") or []:
        if isinstance(item, dict) and item.get("type") in (
                "function_call_output", "custom_tool_call_output"):
            out = item.get("output")
            if isinstance(out, list):
                out = text_of(out)
            elif isinstance(out, dict):
                out = out.get("content") or json.dumps(out)
            log({"tool_result": out, "error": False})


def openai_call(step, tool, n):
    """The output item that runs step["shell"] with the agent's tool."""
    cmd = step["shell"]
    if tool == "code":
        js = ("const r = await tools.exec_command({cmd: %s});\n"
              "text(r.output);\n"
              "text('exit code: ' + r.exit_code);\n") % json.dumps(cmd)
        return {"type": "custom_tool_call", "id": "ctc_%d" % n,
                "call_id": "call_%d" % n, "name": "exec", "input": js,
                "status": "completed"}
    if tool == "shell":
        args = {"command": ["bash", "-lc", cmd]}
    elif tool == "exec_command":
        args = {"cmd": cmd}
    else:
        args = {"command": cmd}
    return {"type": "function_call", "id": "fc_%d" % n,
            "call_id": "call_%d" % n, "name": tool,
            "arguments": json.dumps(args), "status": "completed"}


def openai_events(body, step, tool):
    n = CALLS[0]
    resp = {"id": "resp_%d" % n, "object": "response", "status": "in_progress",
            "model": body.get("model", "gpt"), "output": []}
    yield "response.created", {"type": "response.created", "response": resp}
    if "shell" in step:
        item = openai_call(step, tool, n)
    else:
        item = {"type": "message", "id": "msg_%d" % n, "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": step["text"],
                             "annotations": []}]}
    yield "response.output_item.added", {"type": "response.output_item.added",
                                         "output_index": 0, "item": item}
    if item["type"] == "message":
        yield "response.output_text.delta", {
            "type": "response.output_text.delta", "item_id": item["id"],
            "output_index": 0, "content_index": 0, "delta": step["text"]}
    yield "response.output_item.done", {"type": "response.output_item.done",
                                        "output_index": 0, "item": item}
    done = dict(resp, status="completed", output=[item],
                usage={"input_tokens": 5, "output_tokens": 5,
                       "total_tokens": 10,
                       "input_tokens_details": {"cached_tokens": 0},
                       "output_tokens_details": {"reasoning_tokens": 0}})
    yield "response.completed", {"type": "response.completed",
                                 "response": done}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, ctype, data, status=200):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def sse(self, events):
        self.send("text/event-stream", b"".join(
            ("event: %s\ndata: %s\n\n" % (e, json.dumps(d))).encode()
            for e, d in events))

    def do_GET(self):
        log({"request": "GET " + self.path, "key": self.key()})
        if self.path.split("?")[0].endswith("/responses"):
            # Codex tries a WebSocket first: no, so it posts at once
            return self.send("application/json", b'{"error": "no websocket"}', 404)
        self.send("application/json", b'{"data": [], "models": []}')

    def key(self):
        auth = self.headers.get("authorization") or ""
        return self.headers.get("x-api-key") or auth.replace("Bearer ", "")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
            log({"unreadable": self.headers.get("Content-Encoding"),
                 "head": raw[:16].hex()})
        path = self.path.split("?")[0]
        log({"request": "POST " + path, "key": self.key(),
             "model": body.get("model"),
             "tools": [t.get("name") for t in body.get("tools") or []]})
        if path.endswith("/messages/count_tokens"):
            return self.send("application/json", b'{"input_tokens": 5}')
        if path.endswith("/messages"):
            tool = anthropic_shell_tool(body)
            anthropic_results(body)
            step = next_step() if tool else {"text": "ok"}
            events = list(anthropic_events(body, step, tool))
            if body.get("stream"):
                return self.sse(events)
            return self.send("application/json",
                             json.dumps(anthropic_whole(events)).encode())
        if path.endswith("/responses"):
            tool = openai_shell_tool(body)
            openai_results(body)
            step = next_step() if tool else {"text": "ok"}
            return self.sse(openai_events(body, step, tool))
        self.send("application/json", b'{"error": "not scripted"}', 404)


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
