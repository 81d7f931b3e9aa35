// What thread/start, thread/resume and thread/fork share: resolving a requested cwd, the
// settings a new or resumed thread gets (config.toml, then the request), and the response
// shape of all three (v2 ThreadStartResponse / ThreadResumeResponse / ThreadForkResponse).
#pragma once

#include "server/config/config_file.hpp"
#include "server/threads/live_thread.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace appserver::thread_settings {

namespace v2 = protocol::v2;
namespace fs = std::filesystem;

/// Resolves a requested cwd (relative to the server's default cwd); nullopt + error text when
/// it is not an existing directory.
inline std::optional<std::string> resolve_cwd(const std::optional<std::string>& requested,
                                       const fs::path& fallback, std::string& error) {
  fs::path cwd = requested && !requested->empty() ? fs::path(*requested) : fallback;
  if (cwd.is_relative()) cwd = fallback / cwd;
  std::error_code ec;
  cwd = fs::weakly_canonical(cwd, ec);
  if (ec || !fs::is_directory(cwd, ec)) {
    error = "params.cwd: not an existing directory: " + cwd.string();
    return std::nullopt;
  }
  return cwd.string();
}

/// ThreadStartResponse or ThreadResumeResponse: the thread plus its effective settings.
template <class Response>
Response settings_response(const LiveThread& thread, v2::Thread snapshot) {
  Response response;
  response.thread = std::move(snapshot);
  response.model = thread.model();
  response.modelProvider = thread.model_provider();
  response.cwd = thread.settings().cwd;
  // v2 AskForApproval has no "on-failure" (Codex 0.169 reports such a config as "on-request"):
  // the nearest v2 value is reported, and the thread keeps the on-failure rule (docs/security.md).
  const protocol::Json& policy = thread.settings().approval_policy;
  response.approvalPolicy = policy == protocol::Json("on-failure") ? protocol::Json("on-request") : policy;
  response.sandbox = thread.settings().sandbox;
  response.serviceTier = thread.settings().service_tier;
  return response;
}

inline ThreadSettings settings_from(const ConfigFile& config, const std::string& cwd,
                             const std::optional<protocol::Json>& approval,
                             const std::optional<protocol::Json>& sandbox,
                             const std::optional<protocol::Json>& overrides) {
  ThreadSettings settings;
  settings.cwd = cwd;
  // `config: {"bypass_hook_trust": true}` is what the Codex TUI sends under
  // --dangerously-bypass-hook-trust.
  if (overrides && overrides->is_object())
    settings.bypass_hook_trust = overrides->value("bypass_hook_trust", false) == true;
  if (config.approval_policy) settings.approval_policy = *config.approval_policy;
  if (config.service_tier) settings.service_tier = *config.service_tier == "fast" ? "priority" : *config.service_tier;
  if (approval && !approval->is_null()) settings.approval_policy = *approval;
  // The SandboxPolicy of config.toml `sandbox_mode`, then of the request's `sandbox`, which wins.
  if (config.sandbox_mode) settings.sandbox = sandbox_policy_for_mode(config, *config.sandbox_mode);
  if (sandbox && sandbox->is_string()) settings.sandbox = sandbox_policy_for_mode(config, sandbox->get<std::string>());
  return settings;
}


}  // namespace appserver::thread_settings
