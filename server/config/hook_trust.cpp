// Hook and project trust; see hook_trust.hpp.
#include "server/config/hook_trust.hpp"

#include "server/config/config_edit.hpp"

#include <algorithm>

namespace appserver {

TrustOutcome trust_hooks(const hooks::DiscoveryRoots& roots, const std::vector<std::string>& keys, bool all) {
  const hooks::HookSet set = hooks::discover(roots);
  TrustOutcome outcome;
  nlohmann::json state = nlohmann::json::object();
  for (const auto& handler : set.handlers) {
    const bool wanted = all ? handler.trust_status == protocol::v2::HookTrustStatus::untrusted ||
                                  handler.trust_status == protocol::v2::HookTrustStatus::modified
                            : std::find(keys.begin(), keys.end(), handler.key) != keys.end();
    if (!wanted || handler.is_managed) continue;
    state[handler.key] = {{"trusted_hash", handler.current_hash}};
    outcome.trusted.push_back(handler.key);
  }
  for (const auto& key : keys)
    if (std::none_of(set.handlers.begin(), set.handlers.end(), [&](const auto& h) { return h.key == key; }))
      outcome.unknown.push_back(key);
  if (!state.empty()) write_config(roots.home / "config.toml", {{"hooks.state", state, /*upsert=*/true}});
  return outcome;
}

std::filesystem::path trust_project(const std::filesystem::path& home, const std::filesystem::path& cwd) {
  const auto root = hooks::project_root(cwd);
  nlohmann::json path_json = root.string();
  write_config(home / "config.toml",
               {{"projects." + path_json.dump() + ".trust_level", "trusted", /*upsert=*/false}});
  return root;
}

}  // namespace appserver
