#!/usr/bin/env python3
"""SubagentStart hook (Python): runs when a sub-agent's turn starts; gives it context.
stdin: {"session_id": <the parent's>, "turn_id", …, "agent_id": <the sub-agent's thread>, "agent_type": "default"}"""
import json
import sys

event = json.load(sys.stdin)
print(json.dumps({"hookSpecificOutput": {
    "hookEventName": "SubagentStart",
    "additionalContext": f"You are sub-agent {event['agent_id']} of session {event['session_id']}: keep it short.",
}}))
