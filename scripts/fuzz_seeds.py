#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets (tests/fuzz) into OUT/<target>/, from what
the repository already holds: transcripts (client and server lines), hook fixture outputs, the
real-world hooks.json corpus, config examples and a recorded thread file."""
import glob, json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]

def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# jsonrpc: every transcript's client and server lines.
for path in sorted(glob.glob(os.path.join(root, "tests/transcripts/*.jsonl"))):
    name = os.path.basename(path)[:-6]
    sent, got = [], []
    for line in open(path, encoding="utf-8"):
        if line.startswith("<-- "): sent.append(line[4:].rstrip("\n"))
        elif line.startswith("--> "): got.append(line[4:].rstrip("\n"))
    # One message per seed (short inputs fuzz fastest); a few short sessions for the framing.
    for i, line in enumerate(sent):
        write("jsonrpc", f"{name}-client-{i}", line)
    for i, line in enumerate(got[:20]):
        if len(line) < 4000:
            write("jsonrpc", f"{name}-server-{i}", line)
    write("jsonrpc", name + "-session", "\r\n".join(sent[:4]) + "\n \n")

# hook_output: first byte = exit code / async mode, then stdout (\0 then stderr).
outputs = set()
for path in glob.glob(os.path.join(root, "tests/transcripts/hooks/*.sh")) + glob.glob(os.path.join(root, "examples/hooks/*.sh")):
    for m in re.finditer(r"echo '(\{.*?\})'", open(path, encoding="utf-8").read()):
        outputs.add(m.group(1))
outputs |= {
    '{"decision":"block","reason":"not now"}', '{"continue":false,"stopReason":"done"}',
    '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":{"cmd":"ls"}}}',
    '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"no"}}}',
    '{"systemMessage":"hi","suppressOutput":true}', "plain text context", "",
}
for i, text in enumerate(sorted(outputs)):
    for event in range(14):
        for mode in (0, 1, 4):
            write("hook_output", f"out-{i}-{event}-{mode}", bytes([mode | (event << 4)]) + text.encode())
write("hook_output", "stderr", bytes([1]) + b"\0blocked by policy")

# hook_discovery: byte 0 picks the file (0 user hooks.json, 1 user config.toml, 2 project hooks.json, 3 system config.toml).
for path in glob.glob(os.path.join(root, "tests/corpus/hooks/*.json")) + glob.glob(os.path.join(root, "tests/transcripts/hooks/*.json")) + [os.path.join(root, "examples/hooks.json")]:
    data = open(path, "rb").read()
    write("hook_discovery", "user-" + os.path.basename(path), b"\x00" + data)
    write("hook_discovery", "project-" + os.path.basename(path), b"\x02" + data)
toml = '''model = "gpt-5"
[features]
hooks = true
[[hooks.PreToolUse]]
matcher = "Bash"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "echo ok"
timeout = 5
[hooks]
session_start = ["python3", "hook.py"]
[hooks.state."user:hooks.json:pre_tool_use:0:0"]
trusted_hash = "sha256:00"
'''
write("hook_discovery", "config-user", b"\x01" + toml.encode())
write("hook_discovery", "config-system", b"\x03" + toml.encode())

# history: a recorded 20-turn thread, and its first lines (a thread cut short).
fixture = open(os.path.join(root, "bench/fixtures/thread-20-turns.jsonl"), "rb").read()
lines = fixture.split(b"\n")
write("history", "thread-first-turn", b"\n".join(lines[:12]) + b"\n")
write("history", "thread-torn", b"\n".join(lines[:12]) + b"\n" + lines[12][: len(lines[12]) // 2])
