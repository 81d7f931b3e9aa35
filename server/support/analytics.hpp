// Local hook-run analytics (seed event `codex_hook_run`): one JSON line per completed hook run
// (sync and async) appended to `<home>/analytics/events.jsonl`, only when config.toml has
// `[analytics] enabled = true`. Nothing leaves the machine. Thread-safe (one mutex); an
// append failure is logged once and never affects the turn.
#pragma once

#include "protocol/v2/hook.hpp"

#include <filesystem>
#include <mutex>
#include <string>

namespace appserver {

class HookAnalytics {
 public:
  HookAnalytics(std::filesystem::path file, bool enabled) : file_(std::move(file)), enabled_(enabled) {}

  /// Appends `{"event_type":"codex_hook_run","event_params":{thread_id, turn_id, model_slug,
  /// hook_name (the event's config name, e.g. "PreToolUse"), hook_source, status}}`; status is
  /// completed | failed | stopped | blocked. `turn_id` is null for runs outside a turn.
  void record(const std::string& thread_id, const std::optional<std::string>& turn_id,
              const std::string& model_slug, const protocol::v2::HookRunSummary& run);

  bool enabled() const { return enabled_; }

 private:
  std::filesystem::path file_;
  bool enabled_;
  bool warned_ = false;
  std::mutex mutex_;
};

}  // namespace appserver
