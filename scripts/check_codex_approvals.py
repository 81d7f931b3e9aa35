#!/usr/bin/env python3
"""check_codex_approvals.py CODEX APP_SERVER: command approvals and the sandbox, side by side with Codex 0.169.

Each case runs one turn on both servers over stdio against the same scripted mock model
(tests/mock_responses.py) whose replies are exec_command calls, with a Python hook on
PreToolUse, PermissionRequest and PostToolUse that records its stdin, and a client that answers
approval requests with the case's decisions. Compared, after normalizing: the approval requests
(command, cwd, reason; the reference's command is `/bin/bash -lc <quoted>`, ours the command
itself), every hook payload, what the model got back (the refusal texts exactly; for a command
that ran, its exit code and output — the reference wraps them in a "Chunk ID / Wall time /
Process exited with code N / Output:" header that this server does not send), and the files
left inside and outside the workspace. Left out on purpose (docs/security.md, "Approvals"): the
reference's `kind`, `environmentId`, `proposedExecpolicyAmendment` and `availableDecisions`
fields, and items (the reference sends none for a command its sandbox refused). The work
folders are under ~/.cache/app-server (APP_SERVER_CHECK_DIR overrides), not /tmp: the reference
refuses to set up its sandbox helper for a home under /tmp. Exit 1 on a difference.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

CODEX, OURS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOCK = os.path.join(ROOT, "tests", "mock_responses.py")
# Not under /tmp (nor $TMPDIR): Codex refuses to set up its sandbox helper for a home there.
WORK_BASE = os.environ.get("APP_SERVER_CHECK_DIR") or os.path.join(
    os.path.expanduser("~"), ".cache", "app-server", "check-codex-approvals")
USAGE = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
HOOK = r'''
import json, sys
d = json.load(sys.stdin)
open(LOG, "a").write(json.dumps(d) + "\n")
'''
ESCALATE = {"sandbox_permissions": "require_escalated", "justification": "Write outside the workspace?"}
# (name, approval policy, sandbox mode, exec_command arguments, client decisions in order)
CASES = [
    ("sandbox-refuses", "on-request", "workspace-write", [{"cmd": "touch <out>/a.txt"}, {"cmd": "touch inside.txt"}], []),
    ("escalate-accept", "on-request", "workspace-write", [dict(ESCALATE, cmd="touch <out>/b.txt")], ["accept"]),
    ("escalate-decline", "on-request", "workspace-write", [dict(ESCALATE, cmd="touch <out>/b.txt")], ["decline"]),
    ("escalate-cancel", "on-request", "workspace-write", [{"cmd": "touch <out>/b.txt", "sandbox_permissions": "require_escalated"}], ["cancel"]),
    ("rm-f-accept", "on-request", "workspace-write", [{"cmd": "rm -rf gone <out>/kept"}], ["accept"]),
    ("rm-f-full-access-decline", "on-request", "danger-full-access", [{"cmd": "rm -rf gone"}, dict(ESCALATE, cmd="touch x.txt")], ["decline"]),
    ("never-refuses", "never", "workspace-write", [dict(ESCALATE, cmd="touch <out>/b.txt"), {"cmd": "rm -rf gone"}], []),
    ("bad-argument", "on-request", "workspace-write", [{"cmd": "ls", "sandbox_permissions": "bogus"}], []),
]


def run(server, case, work):
    name, approval, sandbox, calls, decisions = case
    home, ws, out = (os.path.join(work, d) for d in ("home", "ws", "outside"))
    for d in (home, ws, os.path.join(ws, "gone"), os.path.join(out, "kept")):
        os.makedirs(d)
    script = os.path.join(work, "script.json")
    replies = [{"tool_call": {"call_id": f"call_{i}", "name": "exec_command",
                              "arguments": json.dumps(a).replace("<out>", out)}, "usage": USAGE}
               for i, a in enumerate(calls)] + [{"text": "done", "usage": USAGE}]
    with open(script, "w") as f:
        json.dump(replies, f)
    requests = os.path.join(work, "requests.jsonl")
    mock = subprocess.Popen([sys.executable, MOCK, script, requests], stdout=subprocess.PIPE, text=True,
                            stderr=subprocess.DEVNULL)  # a cancelled turn resets its connection
    try:
        url = mock.stdout.readline().split()[-1]
        with open(os.path.join(home, "config.toml"), "w") as f:
            f.write(f'model = "gpt-5.5"\nmodel_provider = "mock"\napproval_policy = "{approval}"\n'
                    f'sandbox_mode = "{sandbox}"\n[model_providers.mock]\nname = "Mock"\n'
                    f'base_url = "{url}/v1"\nwire_api = "responses"\nrequires_openai_auth = false\n'
                    f'request_max_retries = 0\nstream_max_retries = 0\nsupports_websockets = false\n'
                    f'[features]\nhooks = true\n')
        log = os.path.join(work, "hooks.jsonl")
        hook = os.path.join(work, "hook.py")
        with open(hook, "w") as f:
            f.write(f"LOG = {log!r}\n" + HOOK)
        group = [{"matcher": "*", "hooks": [{"type": "command", "command": f"{sys.executable} {hook}"}]}]
        with open(os.path.join(home, "hooks.json"), "w") as f:
            json.dump({"hooks": {"PreToolUse": group, "PermissionRequest": group, "PostToolUse": group}}, f)
        subprocess.run([OURS, "hooks", "trust", "--all", "--home", home, "--cwd", ws], check=True,
                       stdout=subprocess.DEVNULL)
        if server == "codex":
            argv = [CODEX, "app-server"]
            env = dict(os.environ, CODEX_HOME=home, HOME=os.path.join(work, "user-home"), RUST_LOG="warn")
        else:
            argv, env = [OURS, "--home", home], dict(os.environ)
        proc = subprocess.Popen(argv, cwd=ws, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=open(os.path.join(work, "stderr.log"), "w"), text=True,
                                start_new_session=True)
        asked, answers = [], list(decisions)

        def send(m):
            proc.stdin.write(json.dumps(m) + "\n")
            proc.stdin.flush()

        def until(pred):
            for line in proc.stdout:  # readline, not select(): Python buffers whole chunks
                m = json.loads(line)
                if "id" in m and "method" in m:
                    asked.append(m)
                    send({"id": m["id"], "result": {"decision": answers.pop(0) if answers else "decline"}})
                if pred(m):
                    return m
            raise SystemExit(f"{server} {name}: the server closed stdout (log: {work}/stderr.log)")

        send({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "check", "version": "1"}}})
        until(lambda m: m.get("id") == 1)
        send({"method": "initialized"})
        send({"id": 2, "method": "thread/start", "params": {"cwd": ws}})
        thread = until(lambda m: m.get("id") == 2)["result"]["thread"]["id"]
        send({"id": 3, "method": "turn/start", "params": {"threadId": thread, "input": [{"type": "text", "text": "go"}]}})
        until(lambda m: m.get("method") == "turn/completed")
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
    finally:
        mock.kill()
    hooks = [json.loads(l) for l in open(log)] if os.path.exists(log) else []
    reqs = [json.loads(l) for l in open(requests)]
    outputs = {}
    for r in reqs:
        for i in r["input"]:
            if i.get("type") == "function_call_output":
                outputs[i["call_id"]] = i["output"]
    files = (sorted(os.listdir(ws)), sorted(os.listdir(out)))
    return asked, hooks, outputs, files


def model_output(text):
    """What the model got, with the reference's run header dropped (this server sends the
    command's output alone) and its `/bin/bash -lc '<command>'` shown as the command."""
    m = re.match(r"Chunk ID: \w+\nWall time: [0-9.]+ seconds\nProcess exited with code -?\d+\n"
                 r"Original token count: \d+\nOutput:\n(.*)\Z", text, re.S)
    if m:
        return m.group(1)
    return re.sub(r"`/bin/bash -lc ([^`]*)`", lambda c: "`" + shlex.split(c.group(1))[0] + "`", text)


def view(result, work):
    asked, hooks, outputs, files = result
    requests = []
    for m in asked:
        p = m["params"]
        command = p.get("command") or ""
        if command.startswith("/bin/bash -lc "):
            command = shlex.split(command)[2]
        requests.append({"method": m["method"], "itemId": p["itemId"], "command": command.replace(work, "<work>"),
                         "cwd": p.get("cwd", "").replace(work, "<work>"), "reason": p.get("reason")})
    hooks = [json.loads(json.dumps({k: v for k, v in h.items() if k not in ("session_id", "turn_id", "transcript_path")})
                        .replace(work, "<work>")) for h in hooks]
    shown = {}
    for call, text in sorted(outputs.items()):
        # Where the reference's Rust parser names a column, we cannot: compare up to it.
        shown[call] = re.sub(r" at line \d+ column \d+$", "", model_output(text.replace(work, "<work>")))
    return requests, hooks, shown, files


def main():
    os.makedirs(WORK_BASE, exist_ok=True)
    failed = 0
    for case in CASES:
        results = {}
        for server in ("codex", "ours"):
            work = tempfile.mkdtemp(prefix=f"{server}-{case[0]}-", dir=WORK_BASE)
            results[server] = view(run(server, case, work), work)
            shutil.rmtree(work, ignore_errors=True)
        ref, ours = results["codex"], results["ours"]
        names = ("approval requests", "hook payloads", "model outputs", "files (workspace, outside)")
        diffs = [n for n, a, b in zip(names, ref, ours) if a != b]
        if diffs:
            failed += 1
            print(f"FAIL {case[0]}: {', '.join(diffs)} differ")
            for n, a, b in zip(names, ref, ours):
                if a != b:
                    print(f"  {n}:\n    codex: {json.dumps(a, sort_keys=True)[:1500]}\n    ours:  {json.dumps(b, sort_keys=True)[:1500]}")
        else:
            print(f"ok   {case[0]}: {len(ref[0])} approval requests, {len(ref[1])} hook payloads, "
                  f"{len(ref[2])} model outputs and the files identical")
    shutil.rmtree(WORK_BASE, ignore_errors=True)
    sys.exit(1 if failed else 0)


main()
