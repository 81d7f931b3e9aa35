#!/usr/bin/env python3
# Reports which descriptors this hook process holds (probed with fstat, which opens nothing),
# as plain-text context: "open fds: 0 1 2" is the only right answer.
import os, sys
sys.stdin.read()
fds = []
for fd in range(0, 4096):
    try:
        os.fstat(fd)
        fds.append(str(fd))
    except OSError:
        pass
print("open fds: " + " ".join(fds))
