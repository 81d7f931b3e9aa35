// Hook output interpretation; see hook_output.hpp and hooks-spec.md §4.2–§4.4.
#include "hooks/hook_output.hpp"

#include "hooks/hook_events.hpp"
#include "hooks/hook_output_rules.hpp"
#include "hooks/output_lint.hpp"
#include "protocol/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

namespace appserver::hooks {

using Json = nlohmann::json;
using protocol::v2::HookOutputEntryKind;

std::string trim_copy(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

namespace {

HookRunOutcome failed(std::string text) {
  HookRunOutcome outcome;
  outcome.status = HookRunStatus::failed;
  outcome.entries.push_back({HookOutputEntryKind::error, std::move(text)});
  return outcome;
}

/// A failed run that still shows the hook's systemMessage (warning first, then the error).
HookRunOutcome failed_with_warning(std::string text, const std::optional<std::string>& system_message) {
  HookRunOutcome f = failed(std::move(text));
  if (system_message) f.entries.insert(f.entries.begin(), {HookOutputEntryKind::warning, *system_message});
  return f;
}

/// `hookSpecificOutput` when it is an object, else an empty object (absent and null alike).
Json specific_of(const Json& out) {
  auto it = out.find("hookSpecificOutput");
  return it != out.end() && it->is_object() ? *it : Json::object();
}

HookRunOutcome interpret_json(HookEventName event, const Json& out) {
  HookRunOutcome outcome;
  const auto system_message = string_field(out, "systemMessage");
  auto fail_with = [&](const char* text) { return failed_with_warning(text, system_message); };
  std::optional<std::string> context;
  if (auto specific = out.find("hookSpecificOutput"); specific != out.end() && specific->is_object())
    context = string_field(*specific, "additionalContext");
  const bool stop = out.value("continue", true) == false;
  const auto stop_reason = string_field(out, "stopReason");
  const bool block = string_field(out, "decision") == std::optional<std::string>("block");
  const std::string reason = trim_copy(string_field(out, "reason").value_or(""));

  auto add_common = [&](bool with_context) {
    if (system_message) outcome.entries.push_back({HookOutputEntryKind::warning, *system_message});
    if (with_context && context) {
      outcome.entries.push_back({HookOutputEntryKind::context, *context});
      outcome.contexts.push_back(*context);
    }
  };

  switch (event) {
    case HookEventName::sessionStart:
      add_common(true);
      if (stop) {
        outcome.status = HookRunStatus::stopped;
        outcome.should_stop = true;
        if (stop_reason) outcome.entries.push_back({HookOutputEntryKind::stop, *stop_reason});
      }
      return outcome;
    case HookEventName::subagentStart:  // continue:false is ignored here
      add_common(true);
      return outcome;
    case HookEventName::preCompact:
    case HookEventName::postCompact:
      add_common(false);
      if (stop) {
        outcome.status = HookRunStatus::stopped;
        outcome.should_stop = true;
        outcome.entries.push_back(
            {HookOutputEntryKind::stop,
             stop_reason.value_or(event == HookEventName::preCompact ? "PreCompact hook stopped execution"
                                                                     : "PostCompact hook stopped execution")});
      }
      return outcome;
    case HookEventName::userPromptSubmit:
      if (stop) {
        add_common(true);
        outcome.status = HookRunStatus::stopped;
        outcome.should_stop = true;
        if (stop_reason) outcome.entries.push_back({HookOutputEntryKind::stop, *stop_reason});
        return outcome;
      }
      if (block && reason.empty())
        return fail_with("UserPromptSubmit hook returned decision:block without a non-empty reason");
      add_common(true);
      if (block) {
        outcome.status = HookRunStatus::blocked;
        outcome.should_stop = true;
        outcome.should_block = true;
        outcome.reason = reason;
        outcome.entries.push_back({HookOutputEntryKind::feedback, reason});
      }
      return outcome;
    case HookEventName::preToolUse: {
      if (stop) return fail_with("PreToolUse hook returned unsupported continue:false");
      if (out.contains("stopReason") && !out["stopReason"].is_null())
        return fail_with("PreToolUse hook returned unsupported stopReason");
      if (out.value("suppressOutput", false)) return fail_with("PreToolUse hook returned unsupported suppressOutput");
      const Json specific = specific_of(out);
      const auto decision = string_field(specific, "permissionDecision");
      const auto decision_reason = trim_copy(string_field(specific, "permissionDecisionReason").value_or(""));
      const bool has_reason_field = specific.contains("permissionDecisionReason") && !specific["permissionDecisionReason"].is_null();
      const bool has_updated = specific.contains("updatedInput") && !specific["updatedInput"].is_null();
      bool blocks = false;
      std::string why;
      if (decision || has_reason_field || has_updated) {  // the modern path; legacy fields ignored
        if (has_updated && decision != std::optional<std::string>("allow"))
          return fail_with("PreToolUse hook returned updatedInput without permissionDecision:allow");
        if (decision == std::optional<std::string>("allow") && !has_updated)
          return fail_with("PreToolUse hook returned unsupported permissionDecision:allow");
        if (decision == std::optional<std::string>("ask"))
          return fail_with("PreToolUse hook returned unsupported permissionDecision:ask");
        if (decision == std::optional<std::string>("deny") && decision_reason.empty())
          return fail_with("PreToolUse hook returned permissionDecision:deny without a non-empty permissionDecisionReason");
        if (!decision) return fail_with("PreToolUse hook returned permissionDecisionReason without permissionDecision");
        if (*decision == "deny") {
          blocks = true;
          why = decision_reason;
        } else {
          outcome.updated_input = specific["updatedInput"];
        }
      } else {
        const auto legacy = string_field(out, "decision");
        if (legacy == std::optional<std::string>("approve"))
          return fail_with("PreToolUse hook returned unsupported decision:approve");
        if (legacy && reason.empty()) return fail_with("PreToolUse hook returned decision:block without a non-empty reason");
        if (!legacy && out.contains("reason") && !out["reason"].is_null())
          return fail_with("PreToolUse hook returned reason without decision");
        if (legacy) {
          blocks = true;
          why = reason;
        }
      }
      add_common(true);
      if (blocks) {
        outcome.status = HookRunStatus::blocked;
        outcome.should_block = true;
        outcome.reason = why;
        outcome.entries.push_back({HookOutputEntryKind::feedback, why});
      }
      return outcome;
    }
    case HookEventName::permissionRequest: {
      if (stop) return fail_with("PermissionRequest hook returned unsupported continue:false");
      if (out.contains("stopReason") && !out["stopReason"].is_null())
        return fail_with("PermissionRequest hook returned unsupported stopReason");
      if (out.value("suppressOutput", false)) return fail_with("PermissionRequest hook returned unsupported suppressOutput");
      const Json specific = specific_of(out);
      const Json decision = specific.value("decision", Json());
      add_common(false);
      if (decision.is_object()) {
        if (decision.contains("updatedInput") && !decision["updatedInput"].is_null())
          return fail_with("PermissionRequest hook returned unsupported updatedInput");
        if (decision.contains("updatedPermissions") && !decision["updatedPermissions"].is_null())
          return fail_with("PermissionRequest hook returned unsupported updatedPermissions");
        if (decision.value("interrupt", false)) return fail_with("PermissionRequest hook returned unsupported interrupt:true");
        if (decision["behavior"] == "allow") {
          outcome.verdict = "allow";
        } else {
          std::string message = decision.contains("message") && decision["message"].is_string()
                                    ? trim_copy(decision["message"].get<std::string>())
                                    : "";
          if (message.empty()) message = "PermissionRequest hook denied approval";
          outcome.verdict = "deny";
          outcome.status = HookRunStatus::blocked;
          outcome.should_block = true;
          outcome.reason = message;
          outcome.entries.push_back({HookOutputEntryKind::feedback, message});
        }
      }
      return outcome;
    }
    case HookEventName::postToolUse: {
      const Json specific = specific_of(out);
      if (stop) {  // checked first: the output is replaced, the turn goes on
        add_common(false);
        outcome.status = HookRunStatus::stopped;
        outcome.should_block = true;
        const std::string stop_text = stop_reason.value_or("PostToolUse hook stopped execution");
        outcome.entries.push_back({HookOutputEntryKind::stop, stop_text});
        outcome.reason = reason.empty() ? stop_text : reason;
        return outcome;
      }
      if (out.value("suppressOutput", false)) return fail_with("PostToolUse hook returned unsupported suppressOutput");
      if (specific.contains("updatedMCPToolOutput") && !specific["updatedMCPToolOutput"].is_null())
        return fail_with("PostToolUse hook returned unsupported updatedMCPToolOutput");
      if (block && reason.empty()) return fail_with("PostToolUse hook returned decision:block without a non-empty reason");
      if (!block && out.contains("reason") && !out["reason"].is_null())
        return fail_with("PostToolUse hook returned reason without decision");
      add_common(true);
      if (block) {
        outcome.status = HookRunStatus::blocked;
        outcome.should_block = true;
        outcome.reason = reason;
        outcome.entries.push_back({HookOutputEntryKind::feedback, string_field(out, "reason").value_or(reason)});
      }
      return outcome;
    }
    case HookEventName::stop:
    case HookEventName::subagentStop:
      add_common(false);
      if (stop) {
        outcome.status = HookRunStatus::stopped;
        outcome.should_stop = true;
        if (stop_reason) outcome.entries.push_back({HookOutputEntryKind::stop, *stop_reason});
        return outcome;
      }
      if (block && reason.empty()) {
        outcome.status = HookRunStatus::failed;
        outcome.entries.push_back(
            {HookOutputEntryKind::error, event == HookEventName::stop
                                             ? "Stop hook returned decision:block without a non-empty reason"
                                             : "SubagentStop hook returned decision:block without a non-empty reason"});
        return outcome;
      }
      if (block) {
        outcome.status = HookRunStatus::blocked;
        outcome.should_block = true;
        outcome.reason = reason;
        outcome.entries.push_back({HookOutputEntryKind::feedback, reason});
      }
      return outcome;
    case HookEventName::preModelRequest:
      if (stop) return fail_with("PreModelRequest hook returned unsupported continue:false");
      add_common(false);
      return outcome;
    case HookEventName::postModelRequest:
      if (stop) return fail_with("PostModelRequest hook returned unsupported continue:false");
      add_common(false);
      return outcome;
    default:
      add_common(false);
      return outcome;
  }
}

}  // namespace

namespace {

/// PreCompact, PostCompact and SessionEnd report a failing command's stderr as its error.
bool stderr_is_error_text(HookEventName event) {
  return event == HookEventName::preCompact || event == HookEventName::postCompact ||
         event == HookEventName::sessionEnd;
}

/// `parsed` receives the parse of stdout when it was parsed (the output check reuses it).
HookRunOutcome interpret_sync(HookEventName event, const CommandResult& result, std::int64_t timeout_sec,
                              bool async, std::optional<protocol::BoundedParse<Json>>& parsed_out) {
  const EventWords words = words_for(event);
  if (result.timed_out) return failed("hook timed out after " + std::to_string(timeout_sec) + "s");
  if (result.cancelled) return failed("hook was cancelled");
  if (result.error && !result.exit_code) return failed(*result.error);
  if (!result.exit_code)
    return failed(stderr_is_error_text(event) ? "hook process terminated without an exit code"
                                              : "hook exited without a status code");

  const int code = *result.exit_code;
  if (code == 2 && words.exit2_without_reason && !async) {
    const std::string reason = trim_copy(result.stderr_text);
    if (reason.empty()) return failed(words.exit2_without_reason);
    HookRunOutcome outcome;
    outcome.status = HookRunStatus::blocked;
    outcome.should_block = true;
    outcome.should_stop = event == HookEventName::userPromptSubmit;
    if (event == HookEventName::permissionRequest) outcome.verdict = "deny";
    outcome.reason = reason;
    outcome.entries.push_back({HookOutputEntryKind::feedback, reason});
    return outcome;
  }
  if (code != 0) {
    const std::string err = stderr_is_error_text(event) ? trim_copy(result.stderr_text) : "";
    return failed(err.empty() ? "hook exited with code " + std::to_string(code) : err);
  }

  const std::string stdout_text = trim_copy(result.stdout_text);
  if (stdout_text.empty() || event == HookEventName::sessionEnd) return {};
  const auto& bounded = parsed_out.emplace(protocol::parse_bounded(stdout_text));
  if (bounded.too_deep)
    return failed("hook output JSON is nested deeper than " + std::to_string(protocol::kMaxJsonDepth) +
                  " levels");
  const Json& parsed = bounded.value;  // discarded on a syntax error
  if (!parsed.is_discarded() && parsed.is_object() && valid_shape(event, parsed, words)) {
    if (!async) return interpret_json(event, parsed);
    // Non-control mode: no decision applies; what the hook says for the model is kept.
    HookRunOutcome outcome;
    if (auto m = string_field(parsed, "systemMessage"))
      outcome.entries.push_back({HookOutputEntryKind::warning, *m});
    if (auto specific = parsed.find("hookSpecificOutput"); specific != parsed.end() && specific->is_object())
      if (auto context = string_field(*specific, "additionalContext")) {
        outcome.entries.push_back({HookOutputEntryKind::context, *context});
        outcome.contexts.push_back(*context);
      }
    return outcome;
  }

  const bool looks_like_json = stdout_text.front() == '{' || stdout_text.front() == '[';
  if (looks_like_json) return failed(words.invalid_json);
  if (words.plain_text_is_failure && !(async && event == HookEventName::stop))
    return failed(words.plain_text_error ? words.plain_text_error : words.invalid_json);
  HookRunOutcome outcome;
  if (words.plain_text_is_context) {
    outcome.entries.push_back({HookOutputEntryKind::context, stdout_text});
    outcome.contexts.push_back(stdout_text);
  }
  return outcome;
}

}  // namespace

HookRunOutcome interpret_command_result(HookEventName event, const CommandResult& result,
                                        std::int64_t timeout_sec, bool async) {
  std::optional<protocol::BoundedParse<Json>> parsed;
  HookRunOutcome outcome = interpret_sync(event, result, timeout_sec, async, parsed);
  // Our addition (docs/hooks.md "Debugging your hooks"): what the output got wrong, after the
  // reference's own entries so that theirs keep their places.
  for (auto& warning : lint_hook_output(event, result, async, parsed ? &*parsed : nullptr))
    outcome.entries.push_back({HookOutputEntryKind::warning, std::move(warning.message)});
  if (!async) return outcome;
  // An async run's summary keeps context first, then error, then warning (hooks-spec.md §3.7).
  std::vector<HookOutputEntry> kept;
  for (auto kind : {HookOutputEntryKind::context, HookOutputEntryKind::error, HookOutputEntryKind::warning})
    for (const auto& entry : outcome.entries)
      if (entry.kind == kind) kept.push_back(entry);
  outcome.entries = std::move(kept);
  return outcome;
}

}  // namespace appserver::hooks
