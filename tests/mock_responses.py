#!/usr/bin/env python3
"""A scripted mock of the OpenAI Responses API for the end-to-end tests (python3 stdlib only).

Usage: mock_responses.py SCRIPT.json REQUESTS.jsonl [CERT.pem KEY.pem]
Prints `listening on http://127.0.0.1:PORT` (https with a certificate) and serves until killed. Each POST .../responses gets
the next reply of SCRIPT (a JSON array), streamed as server-sent events:
  {"text": "...", "chunks": N}   N response.output_text.delta events, then response.completed
                                 (any reply may carry "usage": the Responses API usage object)
  {"tool_call": {"call_id", "name", "arguments"}}   a function_call item, then response.completed
  {"custom_tool_call": {"call_id", "name", "input"}} a custom_tool_call item (a freeform tool such
                                 as apply_patch), then response.completed
  {"item": {...}}                any output item as it is (a tool_search_call, a function_call with a
                                 "namespace", ...), then response.completed
  {"status": 500}                an HTTP error with a JSON body
  {"cut": "partial text"}        one delta, then the connection closes without response.completed
A reply with "for": "TEXT" goes only to a request whose messages contain TEXT (a sub-agent's, whose
task has it), in order; the others go to requests whose messages contain no such TEXT (the parent's).
"$AGENT" in a reply is replaced by the agent_id the request's first spawn_agent output holds.
Each request body is appended to REQUESTS as one JSON line.
"""
import http.server
import json
import ssl
import sys
import threading

script = json.load(open(sys.argv[1]))
requests_log = sys.argv[2]
routes = [r["for"] for r in script if "for" in r]
lock = threading.Lock()  # requests are served on threads of their own


def next_reply(body):
    """The first reply scripted for this request's sender (see "for")."""
    messages = json.dumps([i for i in body.get("input", []) if i.get("type") == "message"])
    route = next((r for r in routes if r in messages), None)
    reply = {"text": "(the mock has no more replies)"}
    with lock:
        for n, candidate in enumerate(script):
            if candidate.get("for") == route:
                reply = script.pop(n)
                break
    if "$AGENT" in json.dumps(reply):
        agent = ""
        for i in body.get("input", []):
            if i.get("type") == "function_call_output" and '"agent_id"' in i.get("output", "") and not agent:
                agent = json.loads(i["output"])["agent_id"]
        reply = json.loads(json.dumps(reply).replace("$AGENT", agent))
    return reply


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def event(self, payload):
        data = ("data: " + json.dumps(payload) + "\n\n").encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        with open(requests_log, "a") as log:
            log.write(json.dumps(body) + "\n")
        reply = next_reply(body)
        if "status" in reply:
            payload = json.dumps({"error": {"message": "scripted failure"}}).encode()
            self.send_response(reply["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.event({"type": "response.created", "response": {"id": "resp_1"}})
        if "cut" in reply:
            self.event({"type": "response.output_text.delta", "delta": reply["cut"]})
            self.close_connection = True
            return
        if "item" in reply:
            self.event({"type": "response.output_item.done", "item": reply["item"]})
        elif "tool_call" in reply:
            call = reply["tool_call"]
            self.event({"type": "response.output_item.done",
                        "item": {"type": "function_call", "call_id": call["call_id"], "name": call["name"],
                                 "arguments": call["arguments"]}})
        elif "custom_tool_call" in reply:
            call = reply["custom_tool_call"]
            self.event({"type": "response.output_item.done",
                        "item": {"type": "custom_tool_call", "call_id": call["call_id"], "name": call["name"],
                                 "input": call["input"]}})
        else:
            text, n = reply["text"], max(1, reply.get("chunks", 1))
            size = -(-len(text) // n)
            for i in range(0, len(text), size):
                self.event({"type": "response.output_text.delta", "delta": text[i:i + size]})
            self.event({"type": "response.output_item.done",
                        "item": {"type": "message", "role": "assistant",
                                 "content": [{"type": "output_text", "text": text}]}})
        self.event({"type": "response.completed", "response": {"id": "resp_1", "usage": reply.get("usage", {})}})
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
scheme = "http"
if len(sys.argv) == 5:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[3], sys.argv[4])
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "https"
print("listening on %s://127.0.0.1:%d" % (scheme, server.server_address[1]), flush=True)
server.serve_forever()
