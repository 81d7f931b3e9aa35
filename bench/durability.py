#!/usr/bin/env python3
"""Cost of the history file's durability levels, on the file system of DIR (default: the
current folder). A "turn" is 12 records of ~600 bytes written with one write(2) each on an
O_APPEND descriptor, as ThreadLog does. Levels:
  write      write(2) only: survives a crash or kill -9 of the daemon, not a power loss
  turn-sync  + fdatasync(2) once per turn (at turn/completed)
  record-sync + fdatasync(2) after every record
Prints the median and p99 cost of one turn's writes, in microseconds.
Usage: bench/durability.py [DIR] [TURNS]"""
import os, statistics, sys, tempfile, time

folder = sys.argv[1] if len(sys.argv) > 1 else "."
turns = int(sys.argv[2]) if len(sys.argv) > 2 else 300
record = ('{"method":"item/completed","params":{"item":{"text":"' + "x" * 560 + '"}}}\n').encode()

def run(level):
    fd, path = tempfile.mkstemp(dir=folder, suffix=".jsonl")
    os.close(fd)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
    costs = []
    for _ in range(turns):
        t0 = time.perf_counter_ns()
        for _ in range(12):
            os.write(fd, record)
            if level == "record-sync":
                os.fdatasync(fd)
        if level == "turn-sync":
            os.fdatasync(fd)
        costs.append((time.perf_counter_ns() - t0) / 1000)
    os.close(fd)
    os.unlink(path)
    costs.sort()
    return statistics.median(costs), costs[int(0.99 * (len(costs) - 1))]

print(f"file system of {os.path.abspath(folder)}, {turns} turns of 12 records")
for level in ("write", "turn-sync", "record-sync"):
    median, p99 = run(level)
    print(f"{level:12s} median {median:9.1f} µs   p99 {p99:9.1f} µs per turn")
