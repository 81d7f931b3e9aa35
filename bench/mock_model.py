#!/usr/bin/env python3
"""A fast mock of the OpenAI Responses API for the benchmarks (python3 stdlib only).

Usage: mock_model.py [--log REQUESTS.jsonl]
Prints `listening on http://127.0.0.1:PORT` and serves until killed. Every POST .../responses
streams one assistant message as server-sent events: response.created, output_item.added,
N response.output_text.delta events, output_item.done, response.completed (with usage). N is 3,
or the number of the last `deltas=N` in the request (e.g. a prompt "stream deltas=5000"); a
`delta_bytes=B` in the request pads each delta to B bytes (large replies: deltas=100000
delta_bytes=100 is a 10 MB message).
All events of one reply are written with a single send (after the headers; TCP_NODELAY), so
the mock is not the bottleneck;
A request whose last user message says `run tool=PATH` (and that has no tool output yet) is
answered with an `exec_command` call of `python3 PATH`; once its output is in the request, with
a short text. A request that says `reply_delay_ms=N` is answered after N ms (a slow model, for
input typed while a turn runs). `--log FILE` appends every request body to FILE as one JSON line.
`GET /floor?deltas=N` returns the same body without a model server in between, for measuring
the mock's own floor.
"""
import http.server
import json
import re
import sys
import time


def events(deltas, delta_bytes=0):
    def ev(payload):
        return "data: " + json.dumps(payload, separators=(",", ":")) + "\n\n"
    parts = [ev({"type": "response.created", "response": {"id": "resp_1"}}),
             ev({"type": "response.output_item.added", "output_index": 0,
                 "item": {"type": "message", "role": "assistant", "id": "msg_1", "content": []}})]
    text = []
    for i in range(deltas):
        piece = "w%d " % i
        if delta_bytes > len(piece):
            piece = piece + "x" * (delta_bytes - len(piece) - 1) + " "
        text.append(piece)
        parts.append(ev({"type": "response.output_text.delta", "output_index": 0, "content_index": 0,
                         "item_id": "msg_1", "delta": piece}))
    full = "".join(text)
    parts.append(ev({"type": "response.output_item.done", "output_index": 0,
                     "item": {"type": "message", "role": "assistant", "id": "msg_1",
                              "content": [{"type": "output_text", "text": full, "annotations": []}]}}))
    parts.append(ev({"type": "response.completed",
                     "response": {"id": "resp_1", "usage": {"input_tokens": 10, "output_tokens": deltas,
                                                            "total_tokens": 10 + deltas,
                                                            "input_tokens_details": {"cached_tokens": 0},
                                                            "output_tokens_details": {"reasoning_tokens": 0}}}}))
    return "".join(parts).encode()


def tool_call(command):
    def ev(payload):
        return "data: " + json.dumps(payload, separators=(",", ":")) + "\n\n"
    item = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "exec_command",
            "arguments": json.dumps({"cmd": command})}
    return "".join([ev({"type": "response.created", "response": {"id": "resp_1"}}),
                    ev({"type": "response.output_item.added", "output_index": 0, "item": item}),
                    ev({"type": "response.output_item.done", "output_index": 0, "item": item}),
                    ev({"type": "response.completed", "response": {"id": "resp_1", "usage": {
                        "input_tokens": 10, "output_tokens": 5, "total_tokens": 15,
                        "input_tokens_details": {"cached_tokens": 0},
                        "output_tokens_details": {"reasoning_tokens": 0}}}})]).encode()


def requested_deltas(body):
    # The latest user message comes last in the request's input; a regex over the raw body is
    # enough and keeps the mock's cost flat as a thread's history grows.
    matches = re.findall(rb"(?<!_)deltas=(\d+)", body)
    return int(matches[-1]) if matches else 3


def requested_delta_bytes(body):
    matches = re.findall(rb"delta_bytes=(\d+)", body)
    return int(matches[-1]) if matches else 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two sends; with Nagle on, the body waits for the client's delayed
    # ACK of the headers (up to 40 ms, now and then), which showed as bimodal turn rates.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send_body(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if LOG:
            with open(LOG, "ab") as f:
                f.write(body.replace(b"\n", b" ") + b"\n")
        delay = re.findall(rb"reply_delay_ms=(\d+)", body)
        if delay:
            time.sleep(int(delay[-1]) / 1000)
        tool = re.findall(rb"run tool=([^\"\\ ]+)", body)
        if tool and b'"function_call_output"' not in body:
            self.send_body(tool_call("python3 " + tool[-1].decode()))
            return
        self.send_body(events(requested_deltas(body), requested_delta_bytes(body)))

    def do_GET(self):
        m = re.search(r"deltas=(\d+)", self.path)
        self.send_body(events(int(m.group(1)) if m else 3))


class Server(http.server.ThreadingHTTPServer):
    # socketserver's default backlog is 5: eight threads connecting at once overflowed it now
    # and then, and a dropped SYN is retransmitted after 1 s.
    request_queue_size = 128


LOG = sys.argv[sys.argv.index("--log") + 1] if "--log" in sys.argv else None
server = Server(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
