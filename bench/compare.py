#!/usr/bin/env python3
"""Side-by-side benchmark of app-server and the reference `codex app-server` 0.169.0.

Usage: bench/compare.py APP_SERVER_BINARY CODEX_BINARY [--runs N] [--quick] [--json OUT]

Both servers are spoken to over stdio with the same client code, the same mock Responses model
(bench/mock_model.py), the same hooks and prompts, an empty HOME each, and their own fresh
state folder per process. Runs of the two servers are interleaved, so machine noise hits both
alike; the table reports min / median / p90 / max per phase and the ratio of medians.
Phases (issue 8): a cold start, b memory, c plain turn latency and CPU per turn, d hook
overhead (K = 1, 4, 16) beside the posix_spawn floor, e 4 hooks sleeping 200 ms, f a
5,000-delta stream, g thread/read and thread/resume of a 200-turn thread in a fresh process,
h 8 threads running turns at once, and over WebSocket 100 clients subscribed to one thread
(bench/ws_fanout: emit → receipt latency of every notification, p50/p99).
"""
import argparse
import json
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def native_codex(codex):
    """npm's `codex` is a node launcher that spawns the native binary: the binary itself, to
    measure it (the launcher's path when there is none beside it)."""
    native = os.path.join(os.path.dirname(os.path.realpath(codex)), "..", "..", "codex-linux-x64",
                          "vendor", "x86_64-unknown-linux-musl", "bin", "codex")
    return native if os.path.exists(native) else codex


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


class Mock:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "mock_model.py")],
                                     stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().split()[-1] + "/v1"

    def stop(self):
        self.proc.kill()


def write_home(home, mock_url, hooks):
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write(f'''model = "mock-model"
model_provider = "mock"
approval_policy = "never"
sandbox_mode = "danger-full-access"

[model_providers.mock]
name = "Mock Responses"
base_url = "{mock_url}"
wire_api = "responses"
requires_openai_auth = false
request_max_retries = 0
stream_max_retries = 0
supports_websockets = false

[features]
hooks = true
plugins = false
apps = false
''')
    if hooks:
        with open(os.path.join(home, "hooks.json"), "w") as f:
            json.dump({"hooks": hooks}, f)


def launch(kind, binary, home):
    """The command line and environment of a server of `kind` with state folder `home`: an empty
    user HOME beside it, logs at warnings only."""
    env = {"PATH": os.environ["PATH"], "HOME": os.path.join(home, "..", "user-home"),
           "CODEX_HOME": home, "APP_SERVER_HOME": home, "RUST_LOG": "error", "LANG": "C.UTF-8"}
    os.makedirs(env["HOME"], exist_ok=True)
    args = [binary, "app-server"] if kind == "codex" else [binary, "--home", home, "--log-level", "warn"]
    return args, env


class Server:
    """One server process over stdio. `kind` is "ours" or "codex"."""

    def __init__(self, kind, binary, home, cwd):
        self.kind = kind
        args, env = launch(kind, binary, home)
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=cwd, env=env)
        self.inbox = queue.Queue()
        self.next_id = 1
        # While set, lines containing these bytes are only timestamped into `counted` (no JSON
        # parse, no queue): the client's own cost would otherwise bound what a stream measures.
        self.count_only = None
        self.counted = []
        self.cwd = cwd
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            if self.count_only and self.count_only in line:
                self.counted.append(time.perf_counter())
                continue
            self.inbox.put((time.perf_counter(), json.loads(line)))
        self.inbox.put((time.perf_counter(), None))

    def send(self, message):
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method, params, on_message=None, timeout=120):
        rid = self.next_id
        self.next_id += 1
        self.send({"id": rid, "method": method, "params": params})
        while True:
            at, m = self.inbox.get(timeout=timeout)
            if m is None:
                raise RuntimeError(f"{self.kind} exited during {method}")
            if m.get("id") == rid and "method" not in m:
                if "error" in m:
                    raise RuntimeError(f"{self.kind} {method}: {m['error']}")
                return at, m["result"]
            if "method" in m and "id" in m:  # a server request (approval): accept
                self.send({"id": m["id"], "result": {"decision": "accept"}})
            elif on_message:
                on_message(at, m)

    def until(self, method, match=lambda m: True, on_message=None, timeout=120):
        while True:
            at, m = self.inbox.get(timeout=timeout)
            if m is None:
                raise RuntimeError(f"{self.kind} exited waiting for {method}")
            if on_message:
                on_message(at, m)
            if m.get("method") == method and match(m):
                return at, m

    def initialize(self):
        at, _ = self.request("initialize", {"clientInfo": {"name": "bench", "version": "1.0"}})
        self.send({"method": "initialized"})
        return at

    def start_thread(self):
        at, result = self.request("thread/start", {"cwd": self.cwd})
        return at, result["thread"]["id"]

    def turn(self, thread, text, on_message=None):
        t0 = time.perf_counter()
        _, result = self.request("turn/start", {"threadId": thread, "input": [{"type": "text", "text": text}]},
                                 on_message)
        turn_id = result["turn"]["id"]
        at, _ = self.until("turn/completed", lambda m: m["params"]["turn"]["id"] == turn_id, on_message)
        return at - t0

    def trust_hooks(self):
        _, listed = self.request("hooks/list", {"cwds": [self.cwd]})
        state = {h["key"]: {"trusted_hash": h["currentHash"]} for h in listed["data"][0]["hooks"]}
        if state:
            self.request("config/batchWrite", {"edits": [{"keyPath": "hooks.state", "value": state,
                                                          "mergeStrategy": "upsert"}], "reloadUserConfig": True})
        return len(state)

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_mib(self, field="VmRSS"):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


class Bench:
    def __init__(self, args):
        self.args = args
        self.binaries = {"ours": os.path.abspath(args.app_server), "codex": os.path.abspath(args.codex)}
        self.work = tempfile.mkdtemp(prefix="app-server-bench-")
        self.mock = Mock()
        self.results = {}  # phase -> kind -> [values]
        self.counter = 0

    def fresh(self, kind, hooks=None, trust=True, home=None):
        """A server with a fresh home (or `home`), initialized, hooks trusted."""
        self.counter += 1
        base = os.path.join(self.work, f"{kind}-{self.counter}")
        home = home or os.path.join(base, "home")
        cwd = os.path.join(base, "cwd")
        os.makedirs(cwd, exist_ok=True)
        if not os.path.exists(os.path.join(home, "config.toml")):
            write_home(home, self.mock.url, hooks)
        server = Server(kind, self.binaries[kind], home, cwd)
        server.initialize()
        if hooks and trust:
            server.trust_hooks()
        return server

    def record(self, phase, kind, value):
        self.results.setdefault(phase, {}).setdefault(kind, []).append(value)

    def interleaved(self, runs, fn):
        for _ in range(runs):
            for kind in ("ours", "codex"):
                fn(kind)

    # --- phases ---
    def new_home(self, kind):
        """A fresh state folder with the mock's config.toml (no hooks) and a cwd: (home, cwd)."""
        self.counter += 1
        base = os.path.join(self.work, f"{kind}-{self.counter}")
        home, cwd = os.path.join(base, "home"), os.path.join(base, "cwd")
        os.makedirs(cwd)
        write_home(home, self.mock.url, None)
        return home, cwd

    def cold_start(self, kind):
        home, cwd = self.new_home(kind)
        s = Server(kind, self.binaries[kind], home, cwd)
        at = s.initialize()
        self.record("a. spawn → initialize (ms)", kind, (at - s.t0) * 1000)
        at, _ = s.start_thread()
        self.record("a. spawn → thread/start (ms)", kind, (at - s.t0) * 1000)
        self.record("b. RSS after initialize + thread/start (MiB)", kind, s.rss_mib())
        s.stop()

    def plain_turns(self, kind):
        s = self.fresh(kind)
        _, thread = s.start_thread()
        s.turn(thread, "warm up")
        n = self.args.turns
        cpu0 = s.cpu_seconds()
        for _ in range(n):
            self.record("c. plain turn latency (ms)", kind, s.turn(thread, "hello") * 1000)
        self.record("c. CPU per plain turn (ms)", kind, (s.cpu_seconds() - cpu0) / n * 1000)
        s.stop()

    def hook_turns(self, kind, k):
        """Phase d: turns with K trivial hooks, each followed by a turn on a hook-less server of
        the same kind and by one sample of the spawn floor, so all three see the same noise."""
        hooks = {"UserPromptSubmit": [{"hooks": [{"type": "command", "command": "cat >/dev/null"}] * k}]}
        s = self.fresh(kind, hooks)
        plain = self.fresh(kind)
        _, thread = s.start_thread()
        _, plain_thread = plain.start_thread()
        s.turn(thread, "warm up")
        plain.turn(plain_thread, "warm up")
        # hook/started and hook/completed lines are counted, not parsed: the client's JSON
        # parsing of 2K notifications would otherwise compete with the hooks for the 2 cores.
        s.count_only = b'"method":"hook/'
        for _ in range(self.args.turns):
            self.record(f"d. turn with {k} trivial hooks (ms)", kind, s.turn(thread, "hello") * 1000)
            self.record(f"d. same turn, no hooks (ms) [K={k}]", kind, plain.turn(plain_thread, "hello") * 1000)
            self.record(f"d. floor: {k} parallel /bin/sh spawns (ms)", "floor", self.spawn_floor(k))
        if len(s.counted) != 2 * k * self.args.turns:
            raise RuntimeError(f"{kind}: {len(s.counted)} hook notifications, expected {2 * k * self.args.turns}")
        s.stop()
        plain.stop()

    def sleepy_hooks(self, kind):
        hooks = {"UserPromptSubmit": [{"hooks": [{"type": "command", "command": "cat >/dev/null; sleep 0.2"}] * 4}]}
        s = self.fresh(kind, hooks)
        _, thread = s.start_thread()
        s.turn(thread, "warm up")
        for _ in range(max(3, self.args.turns // 4)):
            self.record("e. turn with 4 × 200 ms hooks (ms)", kind, s.turn(thread, "hello") * 1000)
        s.stop()

    def streaming(self, kind):
        s = self.fresh(kind)
        _, thread = s.start_thread()
        s.turn(thread, "warm up")
        # Delta lines are counted by the reader without being parsed (both servers write compact
        # JSON), so the rate is the server's, not the Python client's.
        s.count_only = b'"method":"item/agentMessage/delta"'
        s.turn(thread, "stream deltas=5000")
        deltas = s.counted
        if len(deltas) > 1:
            self.record("f. 5,000-delta stream (deltas/s)", kind, (len(deltas) - 1) / (deltas[-1] - deltas[0]))
        s.stop()

    def replay(self, samples):
        """Phase g: one 200-turn thread per server, then `samples` rounds of a fresh-process
        thread/read and thread/resume on each, ours and Codex alternating so that the machine's
        slow spells hit both alike."""
        threads = {}
        for kind in ("ours", "codex"):
            s = self.fresh(kind, {"Stop": [{"hooks": [{"type": "command", "command": "cat >/dev/null"}]}]})
            _, thread = s.start_thread()
            for i in range(self.args.long_turns):
                s.turn(thread, f"turn {i}")
            s.stop()
            threads[kind] = (self._home_of(s), s.cwd, thread)
        for _ in range(samples):
            for method in ("thread/read", "thread/resume"):
                for kind, (home, cwd, thread) in threads.items():
                    params = {"threadId": thread, "includeTurns": True} if method == "thread/read" else {"threadId": thread}
                    t = Server(kind, self.binaries[kind], home, cwd)
                    t.initialize()
                    t0 = time.perf_counter()
                    at, result = t.request(method, params)
                    turns = len(result["thread"]["turns"])
                    self.record(f"g. {method} of a {turns}-turn thread, fresh process (ms)", kind, (at - t0) * 1000)
                    t.stop()

    def _home_of(self, server):
        return os.path.join(os.path.dirname(server.cwd), "home")

    def concurrent(self, kind):
        s = self.fresh(kind)
        threads = [s.start_thread()[1] for _ in range(8)]
        per_thread = max(2, self.args.turns // 2)
        pending = {}

        def start(th):
            s.send({"id": s.next_id, "method": "turn/start",
                    "params": {"threadId": th, "input": [{"type": "text", "text": "go"}]}})
            s.next_id += 1
        t0 = time.perf_counter()
        for th in threads:
            pending[th] = per_thread
            start(th)
        done = 0
        total = per_thread * len(threads)
        while done < total:
            _, m = s.inbox.get(timeout=120)
            if m is None:
                raise RuntimeError(f"{kind} exited")
            if "error" in m:
                raise RuntimeError(f"{kind}: {m['error']}")
            if m.get("method") == "turn/completed":
                th = m["params"]["threadId"]
                done += 1
                pending[th] -= 1
                if pending[th] > 0:
                    start(th)
        self.record("h. 8 threads at once (turns/s)", kind, total / (time.perf_counter() - t0))
        self.record("b. peak RSS over the run (MiB)", kind, s.rss_mib("VmHWM"))
        s.stop()

    def websocket_fanout(self, kind):
        """Phase h over WebSocket: 100 clients subscribed to one thread (bench/ws_fanout)."""
        home, cwd = self.new_home(kind)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"ws://127.0.0.1:{port}"
        args, env = launch(kind, self.binaries[kind], home)
        server = subprocess.Popen(args + ["--listen", url], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError(f"{kind} did not listen on {url}")
                    time.sleep(0.01)
            out = subprocess.run([self.args.ws_fanout, url, cwd, "--clients", "100", "--turns",
                                  str(self.args.turns)], capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                raise RuntimeError(f"ws_fanout against {kind}: {out.stderr.strip()}")
            r = json.loads(out.stdout)
            self.record("h. WebSocket, 100 clients on one thread: p50 emit → receipt (ms)", kind,
                        r["emitToReceiptMs"]["p50"])
            self.record("h. WebSocket, 100 clients on one thread: p99 emit → receipt (ms)", kind,
                        r["emitToReceiptMs"]["p99"])
            self.record("h. WebSocket, 100 clients: p99 spread of one notification (ms)", kind,
                        r["spreadMs"]["p99"])
        finally:
            server.terminate()
            server.wait()

    def spawn_floor(self, k):
        """The physical limit of K hooks: K posix_spawn of `/bin/sh -c 'cat >/dev/null'` with a
        stdin pipe each, the input written and closed, all waited for (ms)."""
        t0 = time.perf_counter()
        children = []
        for _ in range(k):
            r, w = os.pipe2(os.O_CLOEXEC)
            pid = os.posix_spawn("/bin/sh", ["/bin/sh", "-c", "cat >/dev/null"], os.environ,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, r, 0)])
            os.close(r)
            children.append((pid, w))
        for _, w in children:
            os.write(w, b'{"x":1}')
            os.close(w)
        for pid, _ in children:
            os.waitpid(pid, 0)
        return (time.perf_counter() - t0) * 1000

    def mock_floor(self):
        import urllib.request
        t0 = time.perf_counter()
        urllib.request.urlopen(self.mock.url.replace("/v1", "/floor?deltas=3")).read()
        return (time.perf_counter() - t0) * 1000

    def run(self):
        a = self.args
        self.interleaved(a.runs, self.cold_start)
        self.interleaved(max(1, a.runs // 3), self.plain_turns)
        for k in (1, 4, 16):
            self.interleaved(max(1, a.runs // 3), lambda kind: self.hook_turns(kind, k))
        self.interleaved(1, self.sleepy_hooks)
        self.interleaved(max(1, a.runs // 3), self.streaming)
        self.replay(max(3, a.runs))
        self.interleaved(1, self.concurrent)
        if self.args.ws_fanout and os.path.exists(self.args.ws_fanout):
            self.interleaved(max(1, a.runs // 3), self.websocket_fanout)
        else:
            print("phase h over WebSocket skipped: no ws_fanout binary (build bench/ with "
                  "-DAPP_SERVER_BENCH=ON)", file=sys.stderr)
        for _ in range(20):
            self.record("mock floor: one 3-delta reply over HTTP (ms)", "floor", self.mock_floor())

    def hook_overheads(self):
        """Phase d derived: per K, median(turn with K hooks) − median(same turn, no hooks) for each
        server, beside the median spawn floor; ratios to the floor."""
        rows = []
        for k in (1, 4, 16):
            turns = self.results.get(f"d. turn with {k} trivial hooks (ms)", {})
            plain = self.results.get(f"d. same turn, no hooks (ms) [K={k}]", {})
            floor = self.results.get(f"d. floor: {k} parallel /bin/sh spawns (ms)", {}).get("floor")
            if not floor:
                continue
            f = statistics.median(floor)
            for kind in ("ours", "codex"):
                if kind in turns and kind in plain:
                    extra = statistics.median(turns[kind]) - statistics.median(plain[kind])
                    rows.append((k, kind, extra, f, extra / f))
        return rows

    def report(self):
        lines = ["| phase | server | min | median | p90 | max | n | ours ÷ codex (median) |",
                 "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for phase, by_kind in self.results.items():
            med = {k: statistics.median(v) for k, v in by_kind.items()}
            for kind, values in by_kind.items():
                ratio = ""
                if kind == "ours" and "codex" in med and med["codex"]:
                    ratio = f"{med['ours'] / med['codex']:.3f}"
                lines.append(f"| {phase} | {kind} | {min(values):.1f} | {med[kind]:.1f} | "
                             f"{percentile(values, 90):.1f} | {max(values):.1f} | {len(values)} | {ratio} |")
        overheads = self.hook_overheads()
        if overheads:
            lines += ["", "| K hooks | server | hook overhead (ms, median − median) | spawn floor (ms, median) "
                      "| overhead ÷ floor |", "| --- | --- | --- | --- | --- |"]
            lines += [f"| {k} | {kind} | {extra:.2f} | {f:.2f} | {ratio:.3f} |"
                      for k, kind, extra, f, ratio in overheads]
        return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("app_server")
    p.add_argument("codex")
    p.add_argument("--runs", type=int, default=9, help="cold starts per server (other phases scale from it)")
    p.add_argument("--turns", type=int, default=20, help="turns per latency sample set")
    p.add_argument("--long-turns", type=int, default=200, help="turns of the thread replayed in phase g")
    p.add_argument("--json", help="also write the raw samples here")
    p.add_argument("--ws-fanout", help="the ws_fanout tool; default: bench/ws_fanout in the build "
                   "folder of APP_SERVER")
    args = p.parse_args()
    if not args.ws_fanout:
        args.ws_fanout = os.path.join(os.path.dirname(os.path.abspath(args.app_server)), "..", "bench", "ws_fanout")
    args.codex = native_codex(args.codex)
    print(f"reference: {args.codex}", file=sys.stderr)
    bench = Bench(args)
    try:
        bench.run()
    finally:
        bench.mock.stop()
    print(bench.report())
    if args.json:
        with open(args.json, "w") as f:
            json.dump(bench.results, f, indent=1)
    shutil.rmtree(bench.work, ignore_errors=True)


if __name__ == "__main__":
    main()
