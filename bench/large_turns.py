#!/usr/bin/env python3
"""Large turns (issue 18): a 1 MB and a 10 MB streamed reply, and a 10 MB tool output, for
app-server and, with --codex, the reference `codex app-server` 0.169, interleaved.

Usage: bench/large_turns.py APP_SERVER_BINARY [--codex CODEX_BINARY] [--runs 3]

  reply 1 MB / 10 MB   turn/start → turn/completed of a reply streamed as 10,000 / 100,000
                       deltas of 100 bytes (bench/mock_model.py `deltas=N delta_bytes=100`);
                       the client only counts delta lines (no JSON parse), so it is not the
                       bottleneck; the server's peak RSS (the largest VmHWM in its process tree) is read at
                       turn/completed
  tool 10 MB           a model tool call whose command prints 10 MB, then a reply: time,
                       peak RSS, and how many bytes of the output the next model request
                       carries (the mock logs requests with --log)
The growth check: the 10 MB reply's time over the 1 MB reply's (linear: about 10).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402


def vm_hwm_kb(pid):
    """Peak RSS of the server: the largest VmHWM in its process tree (`codex` is a node wrapper
    around the native server)."""
    best = 0
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    best = int(line.split()[1])
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            for child in f.read().split():
                best = max(best, vm_hwm_kb(int(child)))
    except OSError:
        pass
    return best


def start_mock(log):
    args = [sys.executable, os.path.join(HERE, "mock_model.py")]
    if log:
        args += ["--log", log]
    mock = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    return mock, re.search(r"(http://\S+)", mock.stdout.readline()).group(1)


class Client:
    def __init__(self, kind, binary, home, cwd):
        args, env = compare.launch(kind, binary, home)
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  cwd=cwd, env=env)
        self.next = 1
        self.request("initialize", {"clientInfo": {"name": "bench", "version": "1"}})
        self.send({"method": "initialized"})

    def send(self, m):
        self.p.stdin.write((json.dumps(m) + "\n").encode())
        self.p.stdin.flush()

    def request(self, method, params):
        rid = self.next
        self.next += 1
        self.send({"id": rid, "method": method, "params": params})
        while True:
            line = self.p.stdout.readline()
            m = json.loads(line)
            if m.get("id") == rid and "method" not in m:
                return m.get("result")
            if "method" in m and "id" in m:
                self.send({"id": m["id"], "result": {"decision": "accept"}})

    def turn(self, thread, text):
        """Seconds from turn/start to turn/completed, and the server's peak RSS then (KB)."""
        t0 = time.perf_counter()
        self.request("turn/start", {"threadId": thread, "input": [{"type": "text", "text": text}]})
        while True:
            line = self.p.stdout.readline()
            if b'"item/agentMessage/delta"' in line or b'"outputDelta"' in line:
                continue
            m = json.loads(line)
            if "method" in m and "id" in m:
                self.send({"id": m["id"], "result": {"decision": "accept"}})
            if m.get("method") == "turn/completed":
                return time.perf_counter() - t0, vm_hwm_kb(self.p.pid)

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def one(kind, binary, root, prompt, log=None):
    mock, url = start_mock(log)
    try:
        home, cwd = os.path.join(root, kind + "-home"), os.path.join(root, "work")
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(cwd, exist_ok=True)
        compare.write_home(home, url, False)
        c = Client(kind, binary, home, cwd)
        thread = c.request("thread/start", {"cwd": cwd})["thread"]["id"]
        seconds, rss = c.turn(thread, prompt)
        c.close()
        return seconds, rss
    finally:
        mock.kill()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("app_server")
    p.add_argument("--codex")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    if a.codex:  # the native binary, not npm's node launcher
        a.codex = compare.native_codex(a.codex)
    kinds = [("ours", os.path.abspath(a.app_server))] + ([("codex", os.path.abspath(a.codex))] if a.codex else [])
    root = tempfile.mkdtemp(prefix="large-turns-")
    big = os.path.join(root, "big.py")
    with open(big, "w") as f:
        f.write("import sys\nsys.stdout.write(''.join('line %07d of the output, padded to 100 bytes%s\\n' "
                "% (i, '.' * 49) for i in range(100000)))\n")
    cases = [("reply 1 MB", "stream deltas=10000 delta_bytes=100"),
             ("reply 10 MB", "stream deltas=100000 delta_bytes=100"),
             ("tool 10 MB", "run tool=" + big)]
    results = {k: {c: [] for c, _ in cases} for k, _ in kinds}
    carried = {}
    try:
        for _ in range(a.runs):
            for case, prompt in cases:
                for kind, binary in kinds:
                    log = os.path.join(root, kind + "-requests.jsonl") if case.startswith("tool") else None
                    if log and os.path.exists(log):
                        os.remove(log)
                    results[kind][case].append(one(kind, binary, root, prompt, log))
                    if log:
                        with open(log) as f:
                            requests = [json.loads(line) for line in f]
                        outputs = [i.get("output", "") for i in requests[-1].get("input", [])
                                   if i.get("type") == "function_call_output"]
                        carried[kind] = sum(len(o.encode() if isinstance(o, str) else json.dumps(o).encode())
                                            for o in outputs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("| case | " + " | ".join("%s time | %s peak RSS" % (k, k) for k, _ in kinds) + " |")
    print("| --- | " + " | ".join("--- | ---" for _ in kinds) + " |")
    med = {}
    for case, _ in cases:
        cells = []
        for kind, _ in kinds:
            t = statistics.median(s for s, _ in results[kind][case])
            r = statistics.median(r for _, r in results[kind][case])
            med[(kind, case)] = t
            cells.append("%.0f ms | %.0f MB" % (t * 1000, r / 1024))
        print("| %s | %s |" % (case, " | ".join(cells)))
    for kind, _ in kinds:
        print("%s: 10 MB / 1 MB reply time = %.1f; the request after the tool call carries %d bytes of its output"
              % (kind, med[(kind, "reply 10 MB")] / med[(kind, "reply 1 MB")], carried.get(kind, -1)))
    if a.codex:
        for case, _ in cases:
            print("%s: ours is %.1f× faster" % (case, med[("codex", case)] / med[("ours", case)]))


if __name__ == "__main__":
    main()
