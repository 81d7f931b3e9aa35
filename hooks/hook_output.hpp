// Interprets a finished hook command — exit code, stdout, stderr — for its event, following
// the Codex 0.169 contract (hooks-spec.md §4): status, the entries clients see, and the effect
// on the turn (context for the agent, block, stop, continuation). Pure; safe from any thread.
//
// Every HookEventName has its rules here: PreToolUse, PermissionRequest, PostToolUse, PreCompact,
// PostCompact, SessionStart, SessionEnd, UserPromptSubmit, SubagentStart, SubagentStop, Stop,
// Interrupt, Pre/PostModelRequest.
#pragma once

#include "hooks/command_runner.hpp"
#include "protocol/v2/hook.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace appserver::hooks {

using protocol::v2::HookEventName;
using protocol::v2::HookOutputEntry;
using protocol::v2::HookRunStatus;

/// What one run means, beyond its entries.
struct HookRunOutcome {
  HookRunStatus status = HookRunStatus::completed;
  std::vector<HookOutputEntry> entries;  // warning, context, then stop/feedback/error
  std::vector<std::string> contexts;     // additionalContext → developer messages
  bool should_stop = false;              // continue:false honoured
  bool should_block = false;             // a blocking decision
  std::string reason;                    // block reason / continuation prompt (trimmed)
  std::optional<nlohmann::json> updated_input;  // PreToolUse allow + updatedInput
  std::optional<std::string> verdict;           // PermissionRequest: "allow" | "deny"
};

/// Interprets the result of a command run for `event`. `timeout_sec` (SECONDS) is only used
/// for the "hook timed out after Ns" text. `async`: the handler is `async: true`, parsed in
/// non-control mode (no decision applies, exit 2 is an ordinary failure, additionalContext is
/// kept; entries are context, then error, then warning).
HookRunOutcome interpret_command_result(HookEventName event, const CommandResult& result,
                                        std::int64_t timeout_sec, bool async = false);

/// Trims ASCII whitespace at both ends.
std::string trim_copy(std::string_view text);

}  // namespace appserver::hooks
