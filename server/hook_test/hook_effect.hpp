// What one event's hook runs do to the turn, described for a person (and as JSON), exactly as
// the turn runner applies a HookBatchResult (threads/turn_runner.cpp, tool_runner.cpp,
// session_events.cpp). Pure.
#pragma once

#include "hooks/hook_engine.hpp"
#include "server/hook_test/sample_event.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace appserver::hook_test {

struct HookEffect {
  /// One line: "none", "blocked: …", "stopped: …", "rewritten: …", "continued: …", …
  std::string summary;
  /// Further lines: the context for the model, the tool output the model gets, …
  std::vector<std::string> details;
  /// {"summary", "blocked", "stopped", "contexts", "updatedInput", "verdict",
  ///  "continuationPrompts", "modelToolOutput"} (nulls where they do not apply).
  nlohmann::json json;
};

/// The effect of the sync runs of `sample.event` (`batch`) on the turn.
HookEffect describe_effect(const SampleEvent& sample, const hooks::HookBatchResult& batch);

}  // namespace appserver::hook_test
