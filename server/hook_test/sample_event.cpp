// Sample events for `hooks test`; see sample_event.hpp.
#include "server/hook_test/sample_event.hpp"

#include "hooks/hook_events.hpp"

#include <cctype>

namespace appserver::hook_test {

namespace {
std::string folded(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != '_' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::optional<HookEventName> parse_event_name(std::string_view name) {
  for (const auto& info : hooks::all_events())
    if (folded(info.pascal) == folded(name)) return info.event;
  return std::nullopt;
}

SampleEvent default_sample(HookEventName event, const std::string& cwd, const std::string& model,
                           bool approval_never) {
  SampleEvent s;
  s.event = event;
  s.context.session_id = "019a0000-0000-7000-8000-000000000001";
  s.context.turn_id = "019a0000-0000-7000-8000-000000000002";
  s.context.cwd = cwd;
  s.context.model = model;
  s.context.permission_mode = approval_never ? "bypassPermissions" : "default";
  return s;
}

std::string sample_payload(const SampleEvent& s) {
  using E = HookEventName;
  const auto& c = s.context;
  switch (s.event) {
    case E::preToolUse: return hooks::pre_tool_use_input(c, s.tool_name, s.tool_input, s.tool_use_id);
    case E::permissionRequest: return hooks::permission_request_input(c, s.tool_name, s.tool_input);
    case E::postToolUse:
      return hooks::post_tool_use_input(c, s.tool_name, s.tool_input, s.tool_response, s.tool_use_id);
    case E::preCompact: return hooks::compact_input(c, false, s.trigger);
    case E::postCompact: return hooks::compact_input(c, true, s.trigger);
    case E::sessionStart: return hooks::session_start_input(c, s.source);
    case E::sessionEnd: return hooks::session_end_input(c);
    case E::userPromptSubmit: return hooks::user_prompt_submit_input(c, s.prompt);
    case E::subagentStart: return hooks::subagent_start_input(c, s.agent_id, s.agent_type);
    case E::subagentStop:
      return hooks::subagent_stop_input(c, "", false, s.agent_id, s.agent_type, s.last_assistant_message);
    case E::stop: return hooks::stop_input(c, false, s.last_assistant_message);
    case E::interrupt: return hooks::interrupt_input(c);
    case E::preModelRequest: {
      const nlohmann::json input = nlohmann::json::array(
          {{{"type", "message"}, {"role", "user"}, {"content", {{{"type", "input_text"}, {"text", s.prompt}}}}}});
      const nlohmann::json tools = nlohmann::json::array({{{"type", "function"}, {"name", "exec_command"}}});
      return hooks::pre_model_request_input(c, input, tools, false);
    }
    case E::postModelRequest: {
      const std::string text = s.last_assistant_message.value_or("");
      const nlohmann::json output = nlohmann::json::array(
          {{{"type", "message"}, {"role", "assistant"}, {"content", {{{"type", "output_text"}, {"text", text}}}}}});
      return hooks::post_model_request_input(c, "completed", std::nullopt, output, false, s.last_assistant_message);
    }
  }
  return "{}";
}

std::optional<std::string> matcher_input(const SampleEvent& s) {
  using E = HookEventName;
  switch (s.event) {
    case E::preToolUse:
    case E::permissionRequest:
    case E::postToolUse: return s.tool_name;
    case E::sessionStart: return s.source;
    case E::preCompact:
    case E::postCompact: return s.trigger;
    case E::sessionEnd: return std::string("other");
    default: return std::nullopt;
  }
}

std::string run_id_suffix(const SampleEvent& s) {
  using E = HookEventName;
  const bool tool = s.event == E::preToolUse || s.event == E::postToolUse || s.event == E::permissionRequest;
  return tool ? ":" + s.tool_use_id : "";
}

void adopt_payload_facts(SampleEvent& s, const nlohmann::json& payload) {
  if (!payload.is_object()) return;
  auto text = [&](const char* key, std::string& into) {
    if (auto it = payload.find(key); it != payload.end() && it->is_string()) into = it->get<std::string>();
  };
  text("tool_name", s.tool_name);
  text("tool_use_id", s.tool_use_id);
  text("source", s.source);
  text("trigger", s.trigger);
  if (auto it = payload.find("tool_input"); it != payload.end()) s.tool_input = *it;
}

}  // namespace appserver::hook_test
