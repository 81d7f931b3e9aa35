#!/usr/bin/env python3
"""How thread/list scales with the home (issue 18), side by side with Codex 0.169.

Usage: bench/thread_list.py APP_SERVER_BINARY [--codex CODEX_BINARY] [--sizes 100,1000,10000] [--runs 5]

For each size N, a home with N thread files (one turn each, written as the daemon writes them)
is made once; then, per run, a fresh daemon process is spawned and timed:
  rebuild      spawn → first `thread/list {limit:25}` answered, with no index (it is built from
               the N files first; once per size)
  first list   spawn → first `thread/list {limit:25}` answered, the index existing
  list         `thread/list {limit:25}` in the running process (median of 20)
  page all     every page of `thread/list {limit:100}`, following nextCursor
The growth exponent between the smallest and the largest size is log(t_N2/t_N1)/log(N2/N1): 0 is
flat, 1 linear.
With --codex, the same measures for `codex app-server`: its home holds N copies (new thread ids)
of a rollout it recorded itself in this run (one turn against bench/mock_model.py), and its
"rebuild" is its first start on them (it builds its state database, state_5.sqlite). Runs of
the two servers are interleaved.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import re
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402


def write_home(home, n):
    sessions = os.path.join(home, "sessions")
    os.makedirs(sessions, exist_ok=True)
    for i in range(n):
        tid = "bench-%06d" % i
        path = os.path.join(sessions, tid + ".jsonl")
        created = 1_700_000_000 + i
        thread = {"id": tid, "sessionId": tid, "forkedFromId": None, "preview": "prompt %d" % i, "ephemeral": False,
                  "modelProvider": "openai", "model": "gpt-5", "createdAt": created, "updatedAt": created,
                  "status": {"type": "idle"}, "path": path, "cwd": "/work/project-%d" % (i % 10),
                  "cliVersion": "0.169.0", "source": "vscode", "originator": "bench", "name": None,
                  "projectId": None, "turns": []}
        turn = {"id": tid + "-t1", "rootTurnId": tid + "-t1", "items": [], "itemsView": "notLoaded",
                "status": "completed", "error": None, "startedAt": created, "completedAt": created,
                "durationMs": 5, "hookRuns": []}
        user = {"type": "userMessage", "id": tid + "-i1", "clientId": None,
                "content": [{"type": "text", "text": "prompt %d" % i, "text_elements": []}]}
        with open(path, "w") as f:
            for method, params in [
                    ("thread/started", {"thread": thread}),
                    ("turn/started", {"threadId": tid, "turn": dict(turn, status="inProgress")}),
                    ("item/completed", {"threadId": tid, "turnId": turn["id"], "item": user, "completedAtMs": 0}),
                    ("turn/completed", {"threadId": tid, "turn": turn})]:
                f.write(json.dumps({"method": method, "params": params}, separators=(",", ":")) + "\n")
    # A home as users have it: its sessions folder last changed well before this start (a folder
    # changed within 2 s is "racy" for the daemon, which then re-lists it at every start: +3 ms
    # at 10,000 threads).
    hour_ago = time.time() - 3600
    os.utime(sessions, (hour_ago, hour_ago))


def record_codex_rollout(codex, root):
    """One real Codex thread (one turn against the mock model); returns its rollout's text."""
    mock = subprocess.Popen([sys.executable, os.path.join(HERE, "mock_model.py")], stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"(http://\S+)", mock.stdout.readline()).group(1)
        home, cwd = os.path.join(root, "codex-record"), os.path.join(root, "work")
        os.makedirs(cwd, exist_ok=True)
        compare.write_home(home, url, False)
        d = Daemon(codex, home, kind="codex")
        tid = d.request("thread/start", {"cwd": cwd})["thread"]["id"]
        d.request("turn/start", {"threadId": tid, "input": [{"type": "text", "text": "hello"}]})
        while json.loads(d.p.stdout.readline()).get("method") != "turn/completed":
            pass
        d.close()
    finally:
        mock.kill()
    for dirpath, _, names in os.walk(os.path.join(home, "sessions")):
        for name in names:
            if name.endswith(".jsonl"):
                with open(os.path.join(dirpath, name)) as f:
                    return tid, name, f.read(), home
    raise RuntimeError("codex wrote no rollout")


def write_codex_home(home, n, recorded):
    tid, name, text, template = recorded
    os.makedirs(home, exist_ok=True)
    shutil.copy(os.path.join(template, "config.toml"), os.path.join(home, "config.toml"))
    day = os.path.join(home, "sessions", "2026", "12", "02")
    os.makedirs(day, exist_ok=True)
    for _ in range(n):
        new = str(uuid.uuid4())
        with open(os.path.join(day, name.replace(tid, new)), "w") as f:
            f.write(text.replace(tid, new))


class Daemon:
    def __init__(self, binary, home, kind="ours"):
        self.t0 = time.perf_counter()
        if kind == "codex":
            env = {"PATH": os.environ["PATH"], "HOME": os.path.join(home, "..", "user-home"), "CODEX_HOME": home,
                   "RUST_LOG": "error", "LANG": "C.UTF-8"}
            os.makedirs(env["HOME"], exist_ok=True)
            args = [binary, "app-server"]
        else:
            env, args = None, [binary, "--home", home, "--log-level", "warn"]
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  env=env)
        self.next = 1
        self.request("initialize", {"clientInfo": {"name": "bench", "version": "1"}})
        if kind == "codex":
            self.p.stdin.write(b'{"method":"initialized"}\n')
            self.p.stdin.flush()

    def request(self, method, params):
        rid = self.next
        self.next += 1
        self.p.stdin.write((json.dumps({"id": rid, "method": method, "params": params}) + "\n").encode())
        self.p.stdin.flush()
        while True:
            m = json.loads(self.p.stdout.readline())
            if m.get("id") == rid:
                if "error" in m:
                    raise RuntimeError(m["error"])
                return m["result"]

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def timed(f):
    t = time.perf_counter()
    r = f()
    return (time.perf_counter() - t) * 1000, r


def measure(binary, home, runs, kind="ours"):
    out = {}
    index = os.path.join(home, "thread-index.sqlite" if kind == "ours" else "state_5.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index + suffix):
            os.remove(index + suffix)
    d = Daemon(binary, home, kind)
    d.request("thread/list", {"limit": 25})
    out["rebuild"] = (time.perf_counter() - d.t0) * 1000
    d.close()
    return out


def measure_runs(binary, home, kind="ours"):
    out = {}
    firsts, lists, pages = [], [], []
    for _ in range(1):
        d = Daemon(binary, home, kind)
        d.request("thread/list", {"limit": 25})
        firsts.append((time.perf_counter() - d.t0) * 1000)
        for _ in range(20):
            lists.append(timed(lambda: d.request("thread/list", {"limit": 25}))[0])

        def page_all():
            cursor, count = None, 0
            while True:
                params = {"limit": 100}
                if cursor:
                    params["cursor"] = cursor
                r = d.request("thread/list", params)
                count += len(r["data"])
                cursor = r["nextCursor"]
                if not cursor:
                    return count
        ms, count = timed(page_all)
        pages.append(ms)
        d.close()
    out.update(first_list=firsts, list=lists, page_all=pages, paged=count)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("app_server")
    p.add_argument("--codex", help="the reference's binary (node_modules/.bin/codex)")
    p.add_argument("--sizes", default="100,1000,10000")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    if a.codex:  # the native binary, not npm's node launcher
        a.codex = compare.native_codex(a.codex)
    sizes = [int(s) for s in a.sizes.split(",")]
    kinds = [("ours", a.app_server)] + ([("codex", a.codex)] if a.codex else [])
    root = tempfile.mkdtemp(prefix="thread-list-bench-")
    results = {k: {} for k, _ in kinds}
    try:
        recorded = record_codex_rollout(a.codex, root) if a.codex else None
        for n in sizes:
            homes = {}
            for kind, binary in kinds:
                homes[kind] = os.path.join(root, "%s-%d" % (kind, n))
                (write_home(homes[kind], n) if kind == "ours" else write_codex_home(homes[kind], n, recorded))
                results[kind][n] = measure(binary, homes[kind], a.runs, kind)
                results[kind][n].update(first_list=[], list=[], page_all=[])
            for _ in range(a.runs):  # interleaved
                for kind, binary in kinds:
                    r = measure_runs(binary, homes[kind], kind)
                    for key in ("first_list", "list", "page_all"):
                        results[kind][n][key] += r[key]
                    results[kind][n]["paged"] = r["paged"]
            for kind, _ in kinds:
                for key in ("first_list", "list", "page_all"):
                    results[kind][n][key] = statistics.median(results[kind][n][key])
                shutil.rmtree(homes[kind], ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    keys = [("rebuild", "rebuild, no index (spawn → first list)"), ("first_list", "spawn → first list, index exists"),
            ("list", "thread/list {limit:25}, running"), ("page_all", "page through all, limit 100")]
    for kind, _ in kinds:
        print("\n%s (threads listed when paging: %s)" % (kind, ", ".join(str(results[kind][n]["paged"]) for n in sizes)))
        print("| measure | " + " | ".join("%d threads" % n for n in sizes) + " | exponent |")
        print("| --- | " + " | ".join("---" for _ in sizes) + " | --- |")
        for key, label in keys:
            vals = [results[kind][n][key] for n in sizes]
            exp = (math.log(vals[-1] / vals[0]) / math.log(sizes[-1] / sizes[0])
                   if len(sizes) > 1 and vals[0] > 0 else float("nan"))
            cells = []
            for n, v in zip(sizes, vals):
                cell = "%.1f ms" % v
                if kind == "ours" and a.codex:
                    cell += " (%.1f×)" % (results["codex"][n][key] / v)
                cells.append(cell)
            print("| %s | %s | %.2f |" % (label, " | ".join(cells), exp))
    if a.codex:
        print("\n(×: how many times faster than codex, ratio of medians)")


if __name__ == "__main__":
    main()
