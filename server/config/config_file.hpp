// `<home>/config.toml`: the model provider and defaults, with Codex's keys, so users can bring
// their existing Codex config. Keys this server does not use produce warnings (sent to clients
// as `configWarning`), never failures. Read once at start-up. toml++ does the parsing.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace appserver {

/// `[model_providers.<id>]`.
struct ModelProvider {
  std::string id;
  std::string name;
  std::string base_url;            // `POST {base_url}/responses`
  std::string wire_api = "responses";
  std::optional<std::string> env_key;  // bearer token taken from this environment variable
  bool requires_openai_auth = false;
  int request_max_retries = 4;     // connection failures and HTTP 5xx
  int stream_max_retries = 5;      // a stream that broke before its first event
  std::chrono::milliseconds stream_idle_timeout{300'000};
};

struct ConfigFile {
  std::optional<std::string> model;
  std::optional<std::string> model_provider;
  std::map<std::string, ModelProvider> model_providers;
  std::optional<std::string> approval_policy;  // "never" | "untrusted" | "on-request" | …
  std::optional<std::string> sandbox_mode;
  bool analytics_enabled = false;      // [analytics] enabled: hook-run events to a local file
  std::vector<std::string> warnings;  // "<path>: …", each becomes a configWarning
  std::filesystem::path path;
  bool exists = false;

  /// The provider selected by `model_provider`, if it is configured with the responses API.
  const ModelProvider* selected_provider() const;
  /// Every provider's `env_key` (secrets hook processes must not inherit).
  std::vector<std::string> secret_env_keys() const;
  /// The effective settings as config/read reports them (snake_case keys).
  nlohmann::json effective() const;
};

/// Reads `path`; a missing file is an empty config. A syntax error is a warning (and an empty
/// config), not a failure.
ConfigFile load_config_file(const std::filesystem::path& path);

}  // namespace appserver
