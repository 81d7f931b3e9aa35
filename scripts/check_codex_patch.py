#!/usr/bin/env python3
"""check_codex_patch.py CODEX APP_SERVER: the apply_patch tool, side by side with Codex 0.169.

For each hook outcome (plain, PreToolUse deny / exit-2 block / updatedInput rewrite, PostToolUse
context / block, a matcher naming Write|Edit|apply_patch, a read-only sandbox's accept and
decline, and its rejection under approval policy never) both servers run one turn over stdio against the same scripted mock model
(tests/mock_responses.py) whose first reply is an `apply_patch` custom tool call — or, for the
heredoc cases, an exec_command running `apply_patch <<'PATCH'` — with a Python hook on
PreToolUse, PermissionRequest and PostToolUse. Compared, after scrubbing ids, times, wall times
and paths: the order of hook/item/diff/approval messages with their params, every hook's stdin
payload, what the model got back, and the files left in the workspace. Left out on purpose (see
docs/testing.md): the reference's item-level startedAtMs/completedAtMs on fileChange items (not
in its schema), and the spelling of a function call's `arguments` string (compared as JSON: this
server re-serializes it), and turn/diff/updated after a client-approved patch (the reference
sends it or not depending on which bubblewrap it finds; we always do). Exit 1 on a difference.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CODEX, OURS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOCK = os.path.join(ROOT, "tests", "mock_responses.py")
PATCH = "*** Begin Patch\n*** Add File: new.txt\n+fresh line\n*** Update File: hello.txt\n@@\n hello\n-world\n+there\n*** End Patch\n"
USAGE = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
HOOK = r'''
import json, sys
d = json.load(sys.stdin)
open(LOG, "a").write(json.dumps(d) + "\n")
ev = d["hook_event_name"]
def out(o): print(json.dumps(o))
if MODE == "deny" and ev == "PreToolUse":
    out({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "no edits here"}})
elif MODE == "block" and ev == "PreToolUse":
    sys.stderr.write("blocked by policy"); sys.exit(2)
elif MODE == "rewrite" and ev == "PreToolUse":
    out({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow",
         "updatedInput": {"command": d["tool_input"]["command"].replace("new.txt", "other.txt")}}})
elif MODE == "post" and ev == "PostToolUse":
    out({"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "checked the edit"}})
elif MODE == "postblock" and ev == "PostToolUse":
    out({"decision": "block", "reason": "formatting failed"})
'''
CASES = [("plain", "*"), ("deny", "*"), ("block", "*"), ("rewrite", "*"), ("post", "Write"),
         ("postblock", "Edit"), ("aliases", "Write|Edit|apply_patch"),
         # a read-only sandbox with on-request approvals: PermissionRequest, then the client
         ("accept", "*"), ("decline", "*"),
         # `apply_patch <<'EOF'` through exec_command, which both intercept
         ("heredoc", "*"), ("heredoc-accept", "*"),
         # a read-only sandbox under approval policy never: rejected without asking
         ("readonly-never", "*")]
ASKING = {"accept", "decline", "heredoc-accept"}  # on-request approvals; the client answers with the mode
READ_ONLY = ASKING | {"readonly-never"}  # the modes run under a read-only sandbox


def run(server, mode, matcher, work):
    home, ws = os.path.join(work, "home"), os.path.join(work, "ws")
    os.makedirs(home)
    os.makedirs(ws)
    with open(os.path.join(ws, "hello.txt"), "w") as f:
        f.write("hello\nworld\n")
    script = os.path.join(work, "script.json")
    with open(script, "w") as f:
        if mode.startswith("heredoc"):
            call = {"tool_call": {"call_id": "call_p1", "name": "exec_command",
                                  "arguments": json.dumps({"cmd": f"apply_patch <<'PATCH'\n{PATCH}PATCH"})}}
        else:
            call = {"custom_tool_call": {"call_id": "call_p1", "name": "apply_patch", "input": PATCH}}
        json.dump([dict(call, usage=USAGE), {"text": "patched", "usage": USAGE}], f)
    requests = os.path.join(work, "requests.jsonl")
    mock = subprocess.Popen([sys.executable, MOCK, script, requests], stdout=subprocess.PIPE, text=True)
    try:
        url = mock.stdout.readline().split()[-1]
        with open(os.path.join(home, "config.toml"), "w") as f:
            asking = mode in ASKING
            f.write(f'model = "gpt-5.5"\nmodel_provider = "mock"\n'
                    f'approval_policy = "{"on-request" if asking else "never"}"\n'
                    f'sandbox_mode = "{"read-only" if mode in READ_ONLY else "danger-full-access"}"\n'
                    f'[model_providers.mock]\nname = "Mock"\n'
                    f'base_url = "{url}/v1"\nwire_api = "responses"\nrequires_openai_auth = false\n'
                    f'request_max_retries = 0\nstream_max_retries = 0\nsupports_websockets = false\n'
                    f'[features]\nhooks = true\n')
        log = os.path.join(work, "hooks.jsonl")
        hook = os.path.join(work, "hook.py")
        with open(hook, "w") as f:
            f.write(f"LOG = {log!r}\nMODE = {mode!r}\n" + HOOK)
        group = [{"matcher": matcher, "hooks": [{"type": "command", "command": f"{sys.executable} {hook}"}]}]
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
        messages = []

        def send(m):
            proc.stdin.write(json.dumps(m) + "\n")
            proc.stdin.flush()

        def until(pred):
            for line in proc.stdout:  # readline, not select(): Python buffers whole chunks
                m = json.loads(line)
                messages.append(m)
                if "id" in m and "method" in m:  # an approval request: answer with the mode
                    send({"id": m["id"], "result": {"decision": mode.removeprefix("heredoc-")}})
                if pred(m):
                    return m
            raise SystemExit(f"{server} {mode}: the server closed stdout (log: {work}/stderr.log)")

        send({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "check", "version": "1"}}})
        until(lambda m: m.get("id") == 1)
        send({"method": "initialized"})
        send({"id": 2, "method": "thread/start", "params": {"cwd": ws}})
        thread = until(lambda m: m.get("id") == 2)["result"]["thread"]["id"]
        send({"id": 3, "method": "turn/start", "params": {"threadId": thread, "input": [{"type": "text", "text": "edit"}]}})
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
    model_got = [i for r in reqs[1:2] for i in r["input"]
                 if i.get("type", "").startswith(("custom_tool_call", "function_call")) or
                 (i.get("role") == "developer" and "checked the edit" in json.dumps(i))]
    return messages, hooks, model_got, sorted(os.listdir(ws)), work


def scrub(value, work):
    if isinstance(value, dict):
        value = {k: scrub(v, work) for k, v in value.items()
                 if k not in ("transcript_path", "emittedAtMs") and not (k == "id" and isinstance(v, str) and
                                                                        re.match(r"(ctc|ctco|msg|fc|fco)_", v))}
        if value.get("type") == "function_call" and isinstance(value.get("arguments"), str):
            value["arguments"] = json.loads(value["arguments"])  # re-serialized here: compare as JSON
        if value.get("type") == "fileChange":
            value.pop("startedAtMs", None)  # the reference's item-level times: not sent here yet
            value.pop("completedAtMs", None)
        return value
    if isinstance(value, list):
        return [scrub(v, work) for v in value]
    if isinstance(value, str):  # wall times are the machine's: 0 or 0.1 s either side
        return re.sub(r"Wall time: [0-9.]+ seconds\nOutput:\nSuccess", "Wall time: <t> seconds\nOutput:\nSuccess",
                      value.replace(work, "<work>"))
    return value


def view(result, mode):
    messages, hooks, model_got, files, work = result
    shown = []
    for m in messages:
        method = m.get("method", "")
        params = m.get("params", {})
        # With a system bubblewrap on PATH the reference sends no turn/diff/updated after a
        # patch the client approved (with its bundled one it does, as for any patch); we
        # always send it. Left out of the approved cases only (docs/testing.md).
        if method == "turn/diff/updated" and mode in ("accept", "heredoc-accept"):
            continue
        if method in ("item/started", "item/completed") and params["item"]["type"] != "fileChange":
            continue
        # Not agentMessage deltas: the mock's stream gives the reference none (it wants an
        # output_item.added first), which is about the mock, not about patches.
        if method.startswith(("item/started", "item/completed", "item/fileChange/", "turn/diff", "hook/", "serverRequest")):
            p = dict(params)
            for k in ("threadId", "turnId", "startedAtMs", "completedAtMs"):
                p.pop(k, None)
            if "run" in p:
                p["run"] = {k: v for k, v in p["run"].items() if k not in ("startedAt", "completedAt", "durationMs")}
            shown.append((method, scrub(p, work)))
    hooks = [scrub({k: v for k, v in h.items() if k not in ("session_id", "turn_id")}, work) for h in hooks]
    return shown, hooks, scrub(model_got, work), files


def main():
    failed = 0
    for mode, matcher in CASES:
        results = {}
        for server in ("codex", "ours"):
            work = tempfile.mkdtemp(prefix=f"patch-{server}-{mode}-")
            results[server] = view(run(server, mode, matcher, work), mode)
            shutil.rmtree(work, ignore_errors=True)
        ref, ours = results["codex"], results["ours"]
        names = ("notifications", "hook payloads", "model input", "workspace files")
        diffs = [n for n, a, b in zip(names, ref, ours) if a != b]
        if diffs:
            failed += 1
            print(f"FAIL {mode} (matcher {matcher}): {', '.join(diffs)} differ")
            for n, a, b in zip(names, ref, ours):
                if a == b:
                    continue
                if len(a) != len(b):
                    print(f"  {n}: codex has {len(a)}, ours {len(b)}:\n    codex: {[x[0] if isinstance(x, tuple) else x for x in a]}\n"
                          f"    ours:  {[x[0] if isinstance(x, tuple) else x for x in b]}")
                for i, (x, y) in enumerate(zip(a, b)):
                    if x != y:
                        print(f"  {n} [{i}]:\n    codex: {json.dumps(x, sort_keys=True)[:1200]}\n"
                              f"    ours:  {json.dumps(y, sort_keys=True)[:1200]}")
                        break
        else:
            print(f"ok   {mode} (matcher {matcher}): {len(ref[0])} notifications, {len(ref[1])} hook payloads, "
                  "model input and files identical")
    sys.exit(1 if failed else 0)


main()
