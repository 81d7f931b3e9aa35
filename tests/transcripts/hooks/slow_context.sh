#!/usr/bin/env bash
# A bash hook: reads the whole event, works for $1 seconds, reports the event name.
set -euo pipefail
input=$(cat)
sleep "${1:-1}"
name=$(printf '%s' "$input" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hook_event_name"])')
printf '{"systemMessage":"bash saw %s"}\n' "$name"
