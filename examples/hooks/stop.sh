#!/bin/sh
# Stop hook: runs when the agent is about to end its turn; reports to the user.
# stdin: {…,"stop_hook_active":false,"last_assistant_message":"…"}
input=$(cat)
case "$input" in
  *'"stop_hook_active":true'*) active=true ;;
  *) active=false ;;
esac
printf '{"systemMessage":"Stop hook saw the turn end (stop_hook_active=%s)."}\n' "$active"
