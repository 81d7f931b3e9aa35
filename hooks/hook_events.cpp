// Event name tables; see hook_events.hpp.
#include "hooks/hook_events.hpp"

namespace appserver::hooks {

const std::array<EventInfo, 14>& all_events() {
  using E = HookEventName;
  // clang-format off
  static const std::array<EventInfo, 14> events{{
      {E::preToolUse,        "PreToolUse",        "pre_tool_use",        "pre-tool-use",        true,  false},
      {E::permissionRequest, "PermissionRequest", "permission_request",  "permission-request",  true,  false},
      {E::postToolUse,       "PostToolUse",       "post_tool_use",       "post-tool-use",       true,  false},
      {E::preCompact,        "PreCompact",        "pre_compact",         "pre-compact",         true,  false},
      {E::postCompact,       "PostCompact",       "post_compact",        "post-compact",        true,  false},
      {E::sessionStart,      "SessionStart",      "session_start",       "session-start",       true,  true},
      {E::sessionEnd,        "SessionEnd",        "session_end",         "session-end",         true,  true},
      {E::userPromptSubmit,  "UserPromptSubmit",  "user_prompt_submit",  "user-prompt-submit",  false, false},
      {E::subagentStart,     "SubagentStart",     "subagent_start",      "subagent-start",      true,  true},
      {E::subagentStop,      "SubagentStop",      "subagent_stop",       "subagent-stop",       true,  false},
      {E::stop,              "Stop",              "stop",                "stop",                false, false},
      {E::interrupt,         "Interrupt",         "interrupt",           "interrupt",           false, false},
      {E::preModelRequest,   "PreModelRequest",   "pre_model_request",   "pre-model-request",   false, false},
      {E::postModelRequest,  "PostModelRequest",  "post_model_request",  "post-model-request",  false, false},
  }};
  // clang-format on
  return events;
}

const EventInfo& event_info(HookEventName event) {
  for (const auto& info : all_events())
    if (info.event == event) return info;
  return all_events().front();  // unreachable: every enumerator is in the table
}

std::optional<HookEventName> event_from_config_key(std::string_view key) {
  for (const auto& info : all_events())
    if (info.pascal == key) return info.event;
  return std::nullopt;
}

}  // namespace appserver::hooks
