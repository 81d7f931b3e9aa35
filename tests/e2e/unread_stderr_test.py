#!/usr/bin/env python3
"""e2e: a client that launches the daemon with stderr on a pipe and never reads it (as some IDEs
do) must not freeze it. Debug logging fills the 64 KiB pipe within a few turns; every turn must
still complete promptly, and once the pipe is read the daemon says how many lines it dropped.
Usage: unread_stderr_test.py APP_SERVER_BINARY"""
import json, os, signal, subprocess, sys, tempfile, time

def frozen(signum, frame):
    proc.kill()
    sys.exit("FAIL: the daemon stopped answering (frozen on its stderr pipe?)")
signal.signal(signal.SIGALRM, frozen)
signal.alarm(60)

binary = sys.argv[1]
home = tempfile.mkdtemp(prefix="app-server-stderr-")
proc = subprocess.Popen([binary, "--home", home, "--cwd", home, "--log-level", "trace"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
next_id = 0

def request(method, params, deadline_s=10.0):
    global next_id
    next_id += 1
    proc.stdin.write((json.dumps({"id": next_id, "method": method, "params": params}) + "\n").encode())
    proc.stdin.flush()
    start = time.monotonic()
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit(f"FAIL: daemon closed stdout during {method}")
        message = json.loads(line)
        if message.get("id") == next_id and "method" not in message:
            return message, time.monotonic() - start
        if time.monotonic() - start > deadline_s:
            sys.exit(f"FAIL: no answer to {method} within {deadline_s} s")

def read_until(method):
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("FAIL: daemon closed stdout")
        if json.loads(line).get("method") == method:
            return

request("initialize", {"clientInfo": {"name": "unread-stderr", "version": "1"}})
thread = request("thread/start", {"cwd": home})[0]["result"]["thread"]["id"]
worst = 0.0
turns = 60
for i in range(turns):
    t0 = time.monotonic()
    request("turn/start", {"threadId": thread, "input": [{"type": "text", "text": f"turn {i} " + "x" * 2000}]})
    read_until("turn/completed")
    worst = max(worst, time.monotonic() - t0)
proc.stdin.close()
log = proc.stderr.read().decode(errors="replace")  # now read it: the daemon ends its run
code = proc.wait(timeout=20)
dropped = [l for l in log.splitlines() if "log line(s) dropped: stderr was not being read" in l]
print(f"{turns} turns with stderr unread; slowest turn {worst * 1000:.0f} ms; exit {code}; drop notes: {len(dropped)}")
if code != 0:
    sys.exit("FAIL: daemon exit code %d" % code)
if worst > 5.0:
    sys.exit("FAIL: a turn took %.1f s" % worst)
if not dropped:
    sys.exit("FAIL: the pipe never filled (no drop note): the test did not test anything")
print("1 passed, 0 failed")
