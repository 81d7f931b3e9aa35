#!/usr/bin/env python3
"""How thread/list scales with the home (issue 18): app-server alone, at several home sizes.

Usage: bench/thread_list.py APP_SERVER_BINARY [--sizes 100,1000,10000] [--runs 5]

For each size N, a home with N thread files (one turn each, written as the daemon writes them)
is made once; then, per run, a fresh daemon process is spawned and timed:
  rebuild      spawn → first `thread/list {limit:25}` answered, with no index (it is built from
               the N files first; once per size)
  first list   spawn → first `thread/list {limit:25}` answered, the index existing
  list         `thread/list {limit:25}` in the running process (median of 20)
  page all     every page of `thread/list {limit:100}`, following nextCursor
The growth exponent between the smallest and the largest size is log(t_N2/t_N1)/log(N2/N1): 0 is
flat, 1 linear. Codex 0.169 is not run here (its homes need its own rollout format and state
database); bench/compare.py has the side-by-side phases.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time


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


class Daemon:
    def __init__(self, binary, home):
        self.t0 = time.perf_counter()
        self.p = subprocess.Popen([binary, "--home", home, "--log-level", "warn"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next = 1
        self.request("initialize", {"clientInfo": {"name": "bench", "version": "1"}})

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


def measure(binary, home, runs):
    out = {}
    index = os.path.join(home, "thread-index.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index + suffix):
            os.remove(index + suffix)
    d = Daemon(binary, home)
    d.request("thread/list", {"limit": 25})
    out["rebuild"] = (time.perf_counter() - d.t0) * 1000
    d.close()
    firsts, lists, pages = [], [], []
    for _ in range(runs):
        d = Daemon(binary, home)
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
    out.update(first_list=statistics.median(firsts), list=statistics.median(lists), page_all=statistics.median(pages),
               paged=count)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("app_server")
    p.add_argument("--sizes", default="100,1000,10000")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    root = tempfile.mkdtemp(prefix="thread-list-bench-")
    results = {}
    try:
        for n in sizes:
            home = os.path.join(root, "home-%d" % n)
            write_home(home, n)
            results[n] = measure(a.app_server, home, a.runs)
            assert results[n]["paged"] == n, results[n]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    keys = [("rebuild", "rebuild, no index (spawn → first list)"), ("first_list", "spawn → first list, index exists"),
            ("list", "thread/list {limit:25}, running"), ("page_all", "page through all, limit 100")]
    print("| measure | " + " | ".join("%d threads" % n for n in sizes) + " | exponent |")
    print("| --- | " + " | ".join("---" for _ in sizes) + " | --- |")
    for key, label in keys:
        vals = [results[n][key] for n in sizes]
        exp = math.log(vals[-1] / vals[0]) / math.log(sizes[-1] / sizes[0]) if vals[0] > 0 else float("nan")
        print("| %s | %s | %.2f |" % (label, " | ".join("%.1f ms" % v for v in vals), exp))


if __name__ == "__main__":
    main()
