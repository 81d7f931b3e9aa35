// The per-event output contract of hooks (hooks-spec.md §4.2): Codex's error words for each
// event and the strict shape check of a hook's JSON output (unknown or mistyped fields are
// invalid at every level). Internal to hook_output.cpp and its tests; pure.
#pragma once

#include "protocol/v2/hook.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace appserver::hooks {

using protocol::v2::HookEventName;

/// Per-event words used in Codex's error texts, and the fields an event's output may carry.
struct EventWords {
  const char* invalid_json;          // "hook returned invalid <…> JSON output"
  const char* exit2_without_reason;  // nullptr: exit 2 is an ordinary failure
  bool plain_text_is_context;
  bool plain_text_is_failure;
  const char* plain_text_error;                  // failure text for plain stdout (nullptr: invalid_json)
  std::vector<std::string_view> top_level;       // accepted beyond the universal four
  std::vector<std::string_view> specific;        // accepted in hookSpecificOutput; empty = none
};

EventWords words_for(HookEventName event);

/// Whether `out` (a JSON object) has exactly the shape `event` accepts.
bool valid_shape(HookEventName event, const nlohmann::json& out, const EventWords& words);

/// `object[key]` when it is a string.
std::optional<std::string> string_field(const nlohmann::json& object, const char* key);

}  // namespace appserver::hooks
