#!/bin/sh
# SessionStart hook: adds context for the agent (plain stdout becomes additionalContext too,
# but JSON lets us say so explicitly). stdin: {"session_id":…,"source":"startup"|"resume",…}
input=$(cat)
source=$(printf '%s' "$input" | sed -n 's/.*"source":"\([^"]*\)".*/\1/p')
cat <<JSON
{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"Session context from the SessionStart hook: this thread was opened by '$source'; the team prefers short answers."}}
JSON
