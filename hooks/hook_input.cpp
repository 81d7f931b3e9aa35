// Hook stdin payloads; see hook_input.hpp.
#include "hooks/hook_input.hpp"

namespace appserver::hooks {

using Ordered = nlohmann::ordered_json;

namespace {
std::string dump(const Ordered& j) {
  return j.dump(-1, ' ', false, Ordered::error_handler_t::replace);
}
}  // namespace

namespace {
/// The thread file's path, or null for an ephemeral thread (it has none), as Codex sends it.
Ordered transcript_path(const HookInputContext& c) {
  return c.transcript_path.empty() ? Ordered(nullptr) : Ordered(c.transcript_path);
}

/// The fields every payload starts with, in Codex's order. SessionStart has no turn_id.
Ordered base(const HookInputContext& c, const char* event, bool with_turn_id = true) {
  Ordered j;
  j["session_id"] = c.session_id;
  if (with_turn_id) j["turn_id"] = c.turn_id;
  j["transcript_path"] = transcript_path(c);
  j["cwd"] = c.cwd;
  j["hook_event_name"] = event;
  j["model"] = c.model;
  j["permission_mode"] = c.permission_mode;
  return j;
}
}  // namespace

std::string session_start_input(const HookInputContext& c, const std::string& source) {
  Ordered j = base(c, "SessionStart", /*with_turn_id=*/false);
  j["source"] = source;
  return dump(j);
}

std::string compact_input(const HookInputContext& c, bool post, const std::string& trigger) {
  Ordered j = base(c, post ? "PostCompact" : "PreCompact");
  j.erase("permission_mode");  // compaction payloads have none
  j["trigger"] = trigger;
  return dump(j);
}

std::string session_end_input(const HookInputContext& c) {
  Ordered j;
  j["session_id"] = c.session_id;
  j["transcript_path"] = transcript_path(c);
  j["cwd"] = c.cwd;
  j["hook_event_name"] = "SessionEnd";
  j["reason"] = "other";
  return dump(j);
}

std::string user_prompt_submit_input(const HookInputContext& c, const std::string& prompt) {
  Ordered j;
  j["session_id"] = c.session_id;
  j["turn_id"] = c.turn_id;
  if (c.agent) {  // a sub-agent's prompt: who it is, right after the turn (Codex 0.169's order)
    j["agent_id"] = c.agent->id;
    j["agent_type"] = c.agent->type;
  }
  const Ordered rest = base(c, "UserPromptSubmit");  // a named object: items() refers into it
  for (const auto& [key, value] : rest.items())
    if (key != "session_id" && key != "turn_id") j[key] = value;
  j["prompt"] = prompt;
  return dump(j);
}

std::string stop_input(const HookInputContext& c, bool stop_hook_active,
                       const std::optional<std::string>& last_assistant_message) {
  Ordered j = base(c, "Stop");
  j["stop_hook_active"] = stop_hook_active;
  j["last_assistant_message"] =
      last_assistant_message ? Ordered(*last_assistant_message) : Ordered(nullptr);
  return dump(j);
}

std::string pre_tool_use_input(const HookInputContext& c, const std::string& tool_name,
                               const nlohmann::json& tool_input, const std::string& tool_use_id) {
  Ordered j = base(c, "PreToolUse");
  j["tool_name"] = tool_name;
  j["tool_input"] = Ordered::parse(tool_input.dump());
  j["tool_use_id"] = tool_use_id;
  return dump(j);
}

std::string permission_request_input(const HookInputContext& c, const std::string& tool_name,
                                     const nlohmann::json& tool_input) {
  Ordered j = base(c, "PermissionRequest");
  j["tool_name"] = tool_name;
  j["tool_input"] = Ordered::parse(tool_input.dump());
  return dump(j);
}

std::string post_tool_use_input(const HookInputContext& c, const std::string& tool_name,
                                const nlohmann::json& tool_input, const nlohmann::json& tool_response,
                                const std::string& tool_use_id) {
  Ordered j = base(c, "PostToolUse");
  j["tool_name"] = tool_name;
  j["tool_input"] = Ordered::parse(tool_input.dump());
  j["tool_response"] = Ordered::parse(tool_response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  j["tool_use_id"] = tool_use_id;
  return dump(j);
}

std::string interrupt_input(const HookInputContext& c) { return dump(base(c, "Interrupt")); }

std::string subagent_start_input(const HookInputContext& c, const std::string& agent_id,
                                 const std::string& agent_type) {
  Ordered j = base(c, "SubagentStart");
  j["agent_id"] = agent_id;
  j["agent_type"] = agent_type;
  return dump(j);
}

std::string subagent_stop_input(const HookInputContext& c, const std::string& agent_transcript_path,
                                bool stop_hook_active, const std::string& agent_id, const std::string& agent_type,
                                const std::optional<std::string>& last_assistant_message) {
  Ordered j;
  j["session_id"] = c.session_id;
  j["turn_id"] = c.turn_id;
  j["transcript_path"] = transcript_path(c);
  j["agent_transcript_path"] = agent_transcript_path.empty() ? Ordered(nullptr) : Ordered(agent_transcript_path);
  j["cwd"] = c.cwd;
  j["hook_event_name"] = "SubagentStop";
  j["model"] = c.model;
  j["permission_mode"] = c.permission_mode;
  j["stop_hook_active"] = stop_hook_active;
  j["agent_id"] = agent_id;
  j["agent_type"] = agent_type;
  j["last_assistant_message"] = last_assistant_message ? Ordered(*last_assistant_message) : Ordered(nullptr);
  return dump(j);
}

std::string pre_model_request_input(const HookInputContext& c, const nlohmann::json& input,
                                    const nlohmann::json& tools, bool parallel_tool_calls) {
  Ordered j = base(c, "PreModelRequest");
  j["input"] = Ordered::parse(input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  j["tools"] = Ordered::parse(tools.dump());
  j["parallel_tool_calls"] = parallel_tool_calls;
  return dump(j);
}

std::string post_model_request_input(const HookInputContext& c, const std::string& status,
                                     const std::optional<std::string>& error, const nlohmann::json& output,
                                     bool needs_follow_up,
                                     const std::optional<std::string>& last_assistant_message) {
  Ordered j = base(c, "PostModelRequest");
  j["status"] = status;
  j["error"] = error ? Ordered(*error) : Ordered(nullptr);
  j["output"] = Ordered::parse(output.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  j["needs_follow_up"] = needs_follow_up;
  j["last_assistant_message"] = last_assistant_message ? Ordered(*last_assistant_message) : Ordered(nullptr);
  return dump(j);
}

}  // namespace appserver::hooks
