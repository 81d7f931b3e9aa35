// Hook-run analytics; see analytics.hpp.
#include "server/support/analytics.hpp"

#include "hooks/hook_events.hpp"
#include "protocol/describe_json.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

namespace appserver {

void HookAnalytics::record(const std::string& thread_id, const std::optional<std::string>& turn_id,
                           const std::string& model_slug, const protocol::v2::HookRunSummary& run) {
  if (!enabled_) return;
  nlohmann::json line = {
      {"event_type", "codex_hook_run"},
      {"event_params",
       {{"thread_id", thread_id},
        {"turn_id", turn_id ? nlohmann::json(*turn_id) : nlohmann::json()},
        {"model_slug", model_slug},
        {"hook_name", std::string(hooks::event_info(run.eventName).pascal)},
        {"hook_source", protocol::encode(run.source)},
        {"status", protocol::encode(run.status)}}}};
  const std::string text = line.dump() + "\n";
  std::lock_guard lock(mutex_);
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  std::ofstream out(file_, std::ios::binary | std::ios::app);
  out << text;
  out.flush();
  if (!out && !warned_) {
    warned_ = true;
    spdlog::warn("analytics: cannot append to {}", file_.string());
  }
}

}  // namespace appserver
