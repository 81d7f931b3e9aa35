#!/usr/bin/env python3
"""record_codex_subagent.py SCENARIO.json OUT.json: records Codex 0.169's sub-agent flow (issue 22).

Runs `codex app-server` (scripts/lib/codex.sh installs it; CODEX=path overrides) over stdio with
a Python hook on every event that logs its stdin and prints the scenario's outputs (by default
SubagentStart answers with additionalContext),
against a mock of the Responses API that routes each request by who sent it: a request whose
messages contain "CHILD-TASK" is the child's, the rest the parent's. SCENARIO:
  {"parent": [reply, ...], "child": [reply, ...], "features": "toml lines", "extra_config": "toml",
   "hook_outputs": {"EventName": [stdout JSON of its 1st run, of its 2nd, ...]}}
where a reply is {"item": <a Responses API output item>} (a tool_search_call, a function_call
with "namespace": "multi_agent_v1", ...) or {"text": "..."}; "$AGENT" in an item is replaced by
the agent_id that the parent's `call_spawn` got back. OUT: every message (without deltas and
token usage), every hook stdin and every model request, with the work folder, thread ids and
times replaced by placeholders, the `tool_search` tool as offered and what each search found. The work folder is under ~/.cache, not /tmp: Codex refuses to
set up its sandbox helper under /tmp.
"""
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
scenario = json.load(open(sys.argv[1]))
CODEX = os.environ.get("CODEX") or subprocess.run(["bash", "-c", f"source {ROOT}/scripts/lib/codex.sh; codex_bin"],
                                                   capture_output=True, text=True, check=True).stdout.strip()
requests_seen = []
replies = {"parent": list(scenario["parent"]), "child": list(scenario.get("child", []))}


class Mock(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def event(self, payload):
        data = ("data: " + json.dumps(payload) + "\n\n").encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        messages = json.dumps([i for i in body.get("input", []) if i.get("type") == "message"])
        role = "child" if "CHILD-TASK" in messages else "parent"
        requests_seen.append({"role": role, "body": body})
        reply = replies[role].pop(0) if replies[role] else {"text": f"({role}: no more replies)"}
        if "$AGENT" in json.dumps(reply):
            agent = ""
            for i in body.get("input", []):
                if i.get("type") == "function_call_output" and i.get("call_id") == "call_spawn":
                    agent = json.loads(i["output"]).get("agent_id", "")
            reply = json.loads(json.dumps(reply).replace("$AGENT", agent))
        item = reply.get("item") or {"type": "message", "role": "assistant",
                                      "content": [{"type": "output_text", "text": reply["text"]}]}
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.event({"type": "response.created", "response": {"id": "resp_1"}})
        self.event({"type": "response.output_item.done", "item": item})
        self.event({"type": "response.completed", "response": {"id": "resp_1", "usage": {
            "input_tokens": 1, "output_tokens": 1, "total_tokens": 2}}})
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def main():
    base = os.path.join(os.path.expanduser("~"), ".cache", "app-server", "recordings")
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="subagent-", dir=base)
    home, ws = os.path.join(work, "home"), os.path.join(work, "ws")
    os.makedirs(home)
    os.makedirs(ws)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Mock)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write('model = "gpt-5.5"\nmodel_provider = "mock"\napproval_policy = "never"\n'
                'sandbox_mode = "danger-full-access"\n' + scenario.get("extra_config", "") +
                f'\n[model_providers.mock]\nname = "Mock"\nbase_url = "{url}/v1"\nwire_api = "responses"\n'
                'requires_openai_auth = false\nrequest_max_retries = 0\nstream_max_retries = 0\n'
                'supports_websockets = false\n[features]\nhooks = true\n' + scenario.get("features", ""))
    log = os.path.join(work, "hooks.jsonl")
    hook = os.path.join(work, "hook.py")
    outputs = scenario.get("hook_outputs", {"SubagentStart": [{"hookSpecificOutput": {
        "hookEventName": "SubagentStart", "additionalContext": "child context from hook"}}]})
    with open(os.path.join(work, "hook_outputs.json"), "w") as f:
        json.dump(outputs, f)
    with open(hook, "w") as f:
        f.write(f"LOG = {log!r}\nOUTPUTS = {os.path.join(work, 'hook_outputs.json')!r}\n" + r'''
import fcntl, json, sys
d = json.load(sys.stdin)
open(LOG, "a").write(json.dumps(d) + "\n")
with open(OUTPUTS, "r+") as f:  # each event's scripted outputs, in order; then nothing
    fcntl.flock(f, fcntl.LOCK_EX)
    outputs = json.load(f)
    queue = outputs.get(d["hook_event_name"], [])
    if queue:
        print(json.dumps(queue.pop(0)))
        f.seek(0); f.truncate(); json.dump(outputs, f)
''')
    events = ["SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse", "Stop",
              "SubagentStart", "SubagentStop", "SessionEnd"]
    group = [{"hooks": [{"type": "command", "command": f"{sys.executable} {hook}"}]}]
    with open(os.path.join(home, "hooks.json"), "w") as f:
        json.dump({"hooks": {e: group for e in events}}, f)
    ours = os.path.join(ROOT, "build", "server", "app-server")
    subprocess.run([ours, "hooks", "trust", "--all", "--home", home, "--cwd", ws], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, CODEX_HOME=home, HOME=os.path.join(work, "user-home"), RUST_LOG="warn")
    proc = subprocess.Popen([CODEX, "app-server"], cwd=ws, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=open(os.path.join(work, "stderr.log"), "w"), text=True, start_new_session=True)
    messages = []

    def send(m):
        proc.stdin.write(json.dumps(m) + "\n")
        proc.stdin.flush()

    def until(pred):
        for line in proc.stdout:
            m = json.loads(line)
            messages.append(m)
            if "id" in m and "method" in m:
                send({"id": m["id"], "result": {"decision": "accept"}})
            if pred(m):
                return m
        raise SystemExit(f"codex closed stdout (log: {work}/stderr.log)")

    send({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "record", "version": "1"}}})
    until(lambda m: m.get("id") == 1)
    send({"method": "initialized"})
    send({"id": 2, "method": "thread/start", "params": {"cwd": ws}})
    thread = until(lambda m: m.get("id") == 2)["result"]["thread"]["id"]
    send({"id": 3, "method": "turn/start", "params": {"threadId": thread, "input": [{"type": "text", "text": "go"}]}})
    until(lambda m: m.get("method") == "turn/completed" and m["params"]["threadId"] == thread)
    time.sleep(1)
    send({"id": 4, "method": "thread/list", "params": {}})
    until(lambda m: m.get("id") == 4)
    send({"id": 5, "method": "thread/read", "params": {"threadId": thread, "includeTurns": True}})
    until(lambda m: m.get("id") == 5)
    # The children: listed by source kind, and read.
    send({"id": 6, "method": "thread/list", "params": {"sourceKinds": [
        "cli", "vscode", "exec", "appServer", "subAgent", "subAgentReview", "subAgentCompact", "subAgentThreadSpawn",
        "subAgentOther", "unknown"]}})
    until(lambda m: m.get("id") == 6)
    children = sorted({r for m in messages if m.get("method") == "item/completed"
                       and m["params"]["item"].get("type") == "collabAgentToolCall"
                       for r in m["params"]["item"].get("receiverThreadIds", [])})
    for n, child in enumerate(children):
        send({"id": 7 + n, "method": "thread/read", "params": {"threadId": child, "includeTurns": True}})
        until(lambda m, i=7 + n: m.get("id") == i)
    proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
    server.shutdown()
    hooks = [json.loads(l) for l in open(log)] if os.path.exists(log) else []
    noise = ("thread/tokenUsage/updated", "account/rateLimits/updated", "remoteControl/status/changed")
    kept = [m for m in messages if m.get("method") not in noise and "elta" not in m.get("method", "")]
    # The model requests: their input only (the long instructions and skills texts cut), the
    # tools the search found kept once, apart.
    found, search_tool, requests, searches = None, None, [], {}
    for r in requests_seen:
        search_tool = search_tool or next((t for t in r["body"].get("tools", []) if t.get("type") == "tool_search"), None)
        items = []
        for i in r["body"].get("input", []):
            for c in i.get("content", []) if isinstance(i.get("content"), list) else []:
                if len(c.get("text", "")) > 600:
                    c["text"] = c["text"][:200] + "…"
            if i.get("type") == "tool_search_output":
                found = found or i.get("tools")
                searches[i.get("call_id")] = [{"namespace": t.get("name"), "tools": [u.get("name") for u in t.get("tools", [])]}
                                              for t in i.get("tools", [])]
                i = dict(i, tools=[t.get("name") for t in i.get("tools", [])])
            items.append(i)
        requests.append({"role": r["role"], "tools": [t.get("name") or t.get("type") for t in r["body"].get("tools", [])],
                         "input": items})
    text = json.dumps({"messages": kept, "hooks": hooks, "requests": requests, "tool_search_found": found,
                       "tool_search_tool": search_tool,
                       "tool_search_results": searches}, indent=1)
    ids = []
    for m in re.finditer(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text):
        if m.group(0) not in ids:
            ids.append(m.group(0))
    text = text.replace(work, "<work>")
    for n, i in enumerate(ids):
        text = text.replace(i, f"<id{n}>")
    text = re.sub(r'("(?:startedAtMs|completedAtMs|emittedAtMs|createdAt|updatedAt|recencyAt|startedAt|completedAt|durationMs)"): \d+',
                  r'\1: 0', text)
    with open(sys.argv[2], "w") as f:
        f.write(text + "\n")
    print(f"{len(kept)} messages, {len(hooks)} hook payloads, {len(requests_seen)} model requests -> {sys.argv[2]}")


main()
