// The spellings of each hook event: wire (camelCase, HookEventName), config key (PascalCase,
// hooks.json), snake (trust keys), kebab (run ids); and per-event facts (scope, matcher use).
#pragma once

#include "protocol/v2/hook.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace appserver::hooks {

using protocol::v2::HookEventName;

struct EventInfo {
  HookEventName event;
  std::string_view pascal;  // hooks.json key and stdin `hook_event_name`
  std::string_view snake;   // hook key part
  std::string_view kebab;   // run id prefix
  bool uses_matcher;        // false: matcher is ignored (UserPromptSubmit, Stop, ...)
  bool thread_scoped;       // HookScope::thread instead of turn
};

/// Events in discovery order (the order in which a source's events are walked and
/// displayOrder is assigned; Codex 0.169: PreToolUse … Stop, Interrupt; the model events last).
const std::array<EventInfo, 14>& all_events();

/// Facts of one event.
const EventInfo& event_info(HookEventName event);

/// Looks up an event by its hooks.json key (PascalCase); nullopt for unknown keys.
std::optional<HookEventName> event_from_config_key(std::string_view key);

}  // namespace appserver::hooks
