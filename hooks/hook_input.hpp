// The JSON each hook command receives on stdin, per event, with the keys in the order Codex
// 0.169 writes them (protocol-notes.md §9). snake_case: this is the Claude-Code-compatible hook
// contract, not the camelCase app-server wire. Serialised compact, no trailing newline.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace appserver::hooks {

/// Facts common to every payload of one thread/turn.
struct HookInputContext {
  std::string session_id;       // the thread id
  std::string turn_id;          // the current turn id
  std::string transcript_path;  // absolute path of the thread's history file; "" (sent as null) for an ephemeral thread
  std::string cwd;
  std::string model;
  std::string permission_mode;  // "bypassPermissions" (approval never) or "default"
  /// Set in a sub-agent's thread: its id (the child thread id) and type ("default").
  struct Agent {
    std::string id;
    std::string type;
  };
  std::optional<Agent> agent;
};

/// SessionStart: `source` is "startup" | "resume" | "clear" | "compact". No turn_id.
std::string session_start_input(const HookInputContext& c, const std::string& source);
/// UserPromptSubmit: `prompt` is the text of the user message; in a sub-agent, `agent_id` and
/// `agent_type` follow `turn_id`.
/// PreCompact (`post` false) / PostCompact: base fields without permission_mode, then
/// `trigger` ("manual" | "auto").
std::string compact_input(const HookInputContext& c, bool post, const std::string& trigger);
/// SessionEnd: session_id, transcript_path, cwd, hook_event_name, reason "other".
std::string session_end_input(const HookInputContext& c);
std::string user_prompt_submit_input(const HookInputContext& c, const std::string& prompt);
/// Stop: `stop_hook_active` is true while continuing because a Stop hook blocked.
std::string stop_input(const HookInputContext& c, bool stop_hook_active,
                       const std::optional<std::string>& last_assistant_message);

/// PreToolUse: `tool_name` "Bash" for exec_command, `tool_input` {"command": …}.
std::string pre_tool_use_input(const HookInputContext& c, const std::string& tool_name,
                               const nlohmann::json& tool_input, const std::string& tool_use_id);
/// PermissionRequest: as PreToolUse without `tool_use_id`.
std::string permission_request_input(const HookInputContext& c, const std::string& tool_name,
                                     const nlohmann::json& tool_input);
/// PostToolUse: as PreToolUse plus `tool_response` (the command's output for Bash).
std::string post_tool_use_input(const HookInputContext& c, const std::string& tool_name,
                                const nlohmann::json& tool_input, const nlohmann::json& tool_response,
                                const std::string& tool_use_id);
/// PreModelRequest: before each model request; `input` and `tools` are what the model gets.
std::string pre_model_request_input(const HookInputContext& c, const nlohmann::json& input,
                                    const nlohmann::json& tools, bool parallel_tool_calls);
/// PostModelRequest: after each model request. `status` "completed" | "failed" | "cancelled".
std::string post_model_request_input(const HookInputContext& c, const std::string& status,
                                     const std::optional<std::string>& error, const nlohmann::json& output,
                                     bool needs_follow_up,
                                     const std::optional<std::string>& last_assistant_message);
/// Interrupt: the turn was interrupted by the client.
std::string interrupt_input(const HookInputContext& c);
/// SubagentStart: base fields, then `agent_id` (the child thread id) and `agent_type` (its
/// role, or "default"). `c` is the child's context.
std::string subagent_start_input(const HookInputContext& c, const std::string& agent_id,
                                 const std::string& agent_type);
/// SubagentStop: as Stop, with `transcript_path` the parent's file and `agent_transcript_path`
/// the child's ("" is sent as null), then `agent_id`, `agent_type`, `last_assistant_message`.
std::string subagent_stop_input(const HookInputContext& c, const std::string& agent_transcript_path,
                                bool stop_hook_active, const std::string& agent_id, const std::string& agent_type,
                                const std::optional<std::string>& last_assistant_message);

}  // namespace appserver::hooks
