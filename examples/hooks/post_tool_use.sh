#!/bin/sh
# PostToolUse hook: adds context for the agent after every command it ran.
cat >/dev/null
printf '%s\n' '{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"Context from the PostToolUse hook: the command output was audited."}}'
