#!/usr/bin/env python3
"""PostToolUse on Write|Edit (the apply_patch tool): checks every file the patch wrote, as a
formatter or linter hook would, and tells the model what it found (additionalContext)."""
import json
import os
import sys

payload = json.load(sys.stdin)
patch = payload["tool_input"]["command"]
files = []
for line in patch.splitlines():
    for marker in ("*** Add File: ", "*** Update File: ", "*** Move to: "):
        if line.startswith(marker):
            files.append(line[len(marker):])
notes = []
for name in files:
    path = os.path.join(payload["cwd"], name)
    if not os.path.exists(path):
        continue  # moved away, or deleted
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    lines = text.count("\n")
    notes.append(f"{name}: {lines} lines, " + ("ends with a newline" if text.endswith("\n") else "NO final newline"))
print(json.dumps({"hookSpecificOutput": {"hookEventName": "PostToolUse",
                                         "additionalContext": "check_edit.py: " + "; ".join(notes)}}))
