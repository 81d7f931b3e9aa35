// Warnings for hook output that is almost right: checked against the event's output schema
// (schema/hooks/, the reference's) with the project's validator, plus the fields the schema
// accepts but that do nothing for the event. They explain; they never change what a run means:
// interpret_command_result() decides status and effect exactly as the reference, then appends
// these as `warning` entries after the reference's own entries (docs/hooks.md "Debugging your
// hooks" lists every class).
//
// Pure; safe from any thread.
#pragma once

#include "hooks/command_runner.hpp"
#include "protocol/json_parse.hpp"
#include "protocol/v2/hook.hpp"

#include <string>
#include <vector>

namespace appserver::hooks {

using protocol::v2::HookEventName;

/// One thing a hook author should know about a run's output.
struct OutputWarning {
  /// "<Event> hook output: <what> <field>; <what is expected>", e.g.
  /// `Stop hook output: unknown field "decison"; did you mean "decision"? …`.
  std::string message;
  /// True when the reference rejects the output for this reason (the run is `failed` with the
  /// event's invalid-JSON error); false when the output is accepted and the field is ignored.
  bool rejects_output = false;
};

/// Warnings for a finished command of `event`. `async`: the handler is `async: true`.
/// `parsed`: the parse of its trimmed stdout when the caller already made one (else it is
/// parsed here). Nothing for a run that timed out, was cancelled or did not start.
std::vector<OutputWarning> lint_hook_output(HookEventName event, const CommandResult& result, bool async,
                                            const protocol::BoundedParse<nlohmann::json>* parsed = nullptr);

}  // namespace appserver::hooks
