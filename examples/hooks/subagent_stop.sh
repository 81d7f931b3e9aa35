#!/bin/sh
# SubagentStop hook: runs when a sub-agent is about to end its turn (instead of Stop); reports
# to the user. stdin: {…,"agent_transcript_path":"…","stop_hook_active":false,"agent_id":"…",
# "agent_type":"default","last_assistant_message":"…"}
input=$(cat)
agent=$(printf '%s' "$input" | sed -n 's/.*"agent_id":"\([^"]*\)".*/\1/p')
printf '{"systemMessage":"SubagentStop hook saw sub-agent %s finish."}\n' "$agent"
