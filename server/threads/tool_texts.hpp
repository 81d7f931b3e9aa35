// What the model is told when a hook changes a tool call, in the reference's words. Shared by
// the tool runner (threads/tool_runner.cpp) and `app-server hooks test`, which shows a hook
// author the same text. Pure.
#pragma once

#include <string>

namespace appserver {

/// The tool name hooks see for exec_command (`tool_name`, matcher input), as in Codex.
inline constexpr const char* kShellToolName = "Bash";

/// The tool output a PreToolUse block gives the model.
inline std::string blocked_command_output(const std::string& reason, const std::string& command) {
  return "Command blocked by PreToolUse hook: " + reason + ". Command: " + command;
}

/// The tool output when a PermissionRequest hook denies the approval.
inline std::string denied_command_output(const std::string& reason) {
  return "exec_command failed: CreateProcess { message: \"Rejected(\\\"" + reason + "\\\")\" }";
}

/// The tool output when a PreToolUse rewrite has no string `command`.
/// What the model gets for a call of a tool it was not offered (Codex 0.169's text): the
/// namespace glued to the name, `unsupported call: multi_agent_v1foo`, `unsupported call: foo`.
inline std::string unsupported_call(const std::string& tool_namespace, const std::string& name) {
  return "unsupported call: " + tool_namespace + name;
}

inline constexpr const char* kRewriteWithoutCommand = "hook returned updatedInput without string field `command`";

}  // namespace appserver
