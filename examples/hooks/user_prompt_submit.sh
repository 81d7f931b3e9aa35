#!/bin/sh
# UserPromptSubmit hook: blocks any prompt containing [block-user-submit]; otherwise adds
# context for the agent and a message for the user. stdin: {…,"prompt":"…"}
input=$(cat)
case "$input" in
  *"[block-user-submit]"*)
    printf '%s\n' '{"decision":"block","reason":"Prompts marked [block-user-submit] are not sent to the agent.","systemMessage":"UserPromptSubmit hook blocked this prompt."}'
    ;;
  *)
    printf '%s\n' '{"systemMessage":"UserPromptSubmit hook checked the prompt.","hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"Context from the UserPromptSubmit hook: the prompt passed the policy check."}}'
    ;;
esac
