#!/usr/bin/env python3
# A hook as people write them: Python reading its JSON event from stdin, working for a while
# (argv[1] seconds), then answering with additionalContext for the event it was given.
import json, sys, time
event = json.load(sys.stdin)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
name = event.get("hook_event_name", "")
out = {"hookSpecificOutput": {"hookEventName": name, "additionalContext": f"python saw {name}"}}
if name in ("PreToolUse", "Stop"):
    out = {"systemMessage": f"python saw {name}"}
print(json.dumps(out))
