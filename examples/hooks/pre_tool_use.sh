#!/bin/sh
# PreToolUse hook: blocks destructive shell commands; lets everything else run.
# stdin: {…,"tool_name":"Bash","tool_input":{"command":"…"},"tool_use_id":"…"}
input=$(cat)
case "$input" in
  *'rm -rf'*)
    printf '%s\n' '{"systemMessage":"PreToolUse hook blocked a destructive command.","hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"rm -rf is not allowed in this workspace"}}'
    ;;
  *) ;;  # no output: allowed
esac
