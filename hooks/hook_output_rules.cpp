// The per-event output contract; see hook_output_rules.hpp.
#include "hooks/hook_output_rules.hpp"

#include "hooks/hook_events.hpp"

#include <set>

namespace appserver::hooks {

using Json = nlohmann::json;

namespace {
bool is_string_or_null(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() || it->is_string();
}
}  // namespace


EventWords words_for(HookEventName event) {
  using E = HookEventName;
  switch (event) {
    case E::sessionStart:
      return {"hook returned invalid session start JSON output", nullptr, true, false, nullptr, {},
              {"additionalContext"}};
    case E::userPromptSubmit:
      return {"hook returned invalid user prompt submit JSON output",
              "UserPromptSubmit hook exited with code 2 but did not write a blocking reason to stderr",
              true, false, nullptr, {"decision", "reason"}, {"additionalContext"}};
    case E::stop:
      return {"hook returned invalid stop hook JSON output",
              "Stop hook exited with code 2 but did not write a continuation prompt to stderr",
              false, true, nullptr, {"decision", "reason"}, {}};
    case E::preToolUse:
      return {"hook returned invalid pre-tool-use JSON output",
              "PreToolUse hook exited with code 2 but did not write a blocking reason to stderr", false,
              false, nullptr, {"decision", "reason"},
              {"permissionDecision", "permissionDecisionReason", "updatedInput", "additionalContext"}};
    case E::permissionRequest:
      return {"hook returned invalid permission-request JSON output",
              "PermissionRequest hook exited with code 2 but did not write a denial reason to stderr", false,
              false, nullptr, {}, {"decision"}};
    case E::postToolUse:
      return {"hook returned invalid post-tool-use JSON output",
              "PostToolUse hook exited with code 2 but did not write feedback to stderr", false, false,
              nullptr, {"decision", "reason"}, {"additionalContext", "updatedMCPToolOutput"}};
    case E::preModelRequest:
      return {"hook returned invalid pre-model-request JSON output", nullptr, false, false, nullptr, {}, {}};
    case E::postModelRequest:
      return {"hook returned invalid post-model-request JSON output", nullptr, false, false, nullptr, {}, {}};
    case E::interrupt:
      // Observe-only: only systemMessage is accepted, plain text is a failure.
      return {"hook returned invalid interrupt hook JSON output", nullptr, false, true,
              "Interrupt hook returned non-JSON stdout", {}, {}};
    case E::subagentStart:
      return {"hook returned invalid subagent start JSON output", nullptr, true, false, nullptr, {},
              {"additionalContext"}};
    case E::subagentStop:
      return {"hook returned invalid subagent stop hook JSON output",
              "SubagentStop hook exited with code 2 but did not write a continuation prompt to stderr",
              false, true, nullptr, {"decision", "reason"}, {}};
    case E::preCompact:
      return {"hook returned invalid PreCompact hook JSON output", nullptr, false, false, nullptr, {}, {}};
    case E::postCompact:
      return {"hook returned invalid PostCompact hook JSON output", nullptr, false, false, nullptr, {}, {}};
    case E::sessionEnd:
      return {"hook returned invalid session end JSON output", nullptr, false, false, nullptr, {}, {}};
    default:
      return {"hook returned invalid hook JSON output", nullptr, false, false, nullptr, {}, {}};
  }
}

std::optional<std::string> string_field(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

/// Strict validation of a JSON object against the event's output shape: unknown fields are
/// rejected at every level, types are strict (hooks-spec.md §4.2 rule 2).
bool valid_shape(HookEventName event, const Json& out, const EventWords& words) {
  if (event == HookEventName::interrupt) {
    for (const auto& [key, value] : out.items())
      if (key != "systemMessage") return false;
    return is_string_or_null(out, "systemMessage");
  }
  static const std::set<std::string> universal = {"continue", "stopReason", "suppressOutput",
                                                  "systemMessage", "hookSpecificOutput"};
  for (const auto& [key, value] : out.items()) {
    bool known = universal.count(key) > 0;
    for (std::string_view extra : words.top_level) known = known || key == extra;
    if (!known) return false;
  }
  if (auto it = out.find("continue"); it != out.end() && !it->is_boolean()) return false;
  if (auto it = out.find("suppressOutput"); it != out.end() && !it->is_boolean()) return false;
  if (!is_string_or_null(out, "stopReason") || !is_string_or_null(out, "systemMessage") ||
      !is_string_or_null(out, "reason"))
    return false;
  if (auto it = out.find("decision"); it != out.end() && !it->is_null()) {
    if (!it->is_string()) return false;
    const auto& d = it->get_ref<const std::string&>();
    if (d != "block" && !(event == HookEventName::preToolUse && d == "approve")) return false;
  }
  // An event without hookSpecificOutput does not know the key at all, null or not (serde's
  // deny_unknown_fields; schema/hooks/*.command.output has no such property).
  if (words.specific.empty() && out.contains("hookSpecificOutput")) return false;
  if (auto it = out.find("hookSpecificOutput"); it != out.end() && !it->is_null()) {
    if (!it->is_object()) return false;
    auto name = it->find("hookEventName");
    if (name == it->end() || !name->is_string() ||
        !event_from_config_key(name->get<std::string>()))
      return false;
    for (const auto& [key, value] : it->items()) {
      if (key == "hookEventName") continue;
      bool known = false;
      for (std::string_view field : words.specific) known = known || key == field;
      if (!known) return false;
      if (key == "updatedInput" || key == "updatedMCPToolOutput") continue;  // any JSON
      if (key == "decision" && event == HookEventName::permissionRequest) {
        if (value.is_null()) continue;
        if (!value.is_object()) return false;
        for (const auto& [k, v] : value.items()) {
          if (k == "behavior") {
            if (v != "allow" && v != "deny") return false;
          } else if (k == "message") {
            if (!v.is_string() && !v.is_null()) return false;
          } else if (k == "interrupt") {  // a bool with a default: null is invalid (serde)
            if (!v.is_boolean()) return false;
          } else if (k != "updatedInput" && k != "updatedPermissions") {
            return false;
          }
        }
        if (!value.contains("behavior")) return false;
        continue;
      }
      if (!(value.is_string() || value.is_null())) return false;
      if (key == "permissionDecision" && value.is_string() && value != "allow" && value != "deny" &&
          value != "ask")
        return false;
    }
  }
  return true;
}

}  // namespace appserver::hooks
