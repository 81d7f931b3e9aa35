// `<home>/config.toml`: the model provider and defaults, with Codex's keys, so users can bring
// their existing Codex config. Keys this server does not use produce warnings (sent to clients
// as `configWarning`) only for keys Codex does not know either (schema/codex/config-keys.txt);
// Codex's keys that this server ignores are logged at debug level. Read once at start-up, with
// the command line's -c overrides applied. toml++ does the parsing.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
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
  /// `[sandbox_workspace_write]` (Codex's keys): extra writable roots, network access, and the
  /// two exclusions of /tmp and $TMPDIR; used when the sandbox mode is workspace-write.
  struct WorkspaceWrite {
    std::vector<std::string> writable_roots;
    bool network_access = false, exclude_tmpdir_env_var = false, exclude_slash_tmp = false;
  } workspace_write;
  std::optional<std::string> service_tier;  // `service_tier`: the Responses API tier of new threads
  bool analytics_enabled = false;      // [analytics] enabled: hook-run events to a local file
  /// `[agents]` (Codex's keys and defaults): `enabled` (and the deprecated `[features]
  /// multi_agent`) offers the sub-agent tools; a thread of depth `max_depth` (top level: 0)
  /// cannot spawn; at most `max_threads` sub-agents of one tree are open at a time.
  struct Agents {
    bool enabled = true;
    int max_depth = 1;
    int max_threads = 6;
  } agents;
  std::vector<std::string> warnings;  // "<path>: …", each becomes a configWarning
  std::set<std::string> overridden_keys;  // dotted keys set by -c/--enable/--disable (origin "sessionFlags")
  std::vector<std::string> unknown_keys;  // keys Codex 0.169 does not know either (--strict-config)
  std::filesystem::path path;
  bool exists = false;

  /// The provider selected by `model_provider`, if it is configured with the responses API.
  const ModelProvider* selected_provider() const;
  /// Every provider's `env_key` (secrets hook processes must not inherit).
  std::vector<std::string> secret_env_keys() const;
  /// The effective settings as config/read reports them (snake_case keys).
  nlohmann::json effective() const;
};

/// The v2 SandboxPolicy of a Codex sandbox mode ("read-only" → {type: readOnly},
/// "workspace-write" → {type: workspaceWrite, writableRoots, networkAccess, excludeTmpdirEnvVar,
/// excludeSlashTmp} from `[sandbox_workspace_write]`, anything else → {type: dangerFullAccess}).
nlohmann::json sandbox_policy_for_mode(const ConfigFile& config, const std::string& mode);

/// The policy of `sandbox_mode`, or dangerFullAccess when it is not set (this server's default).
nlohmann::json default_sandbox_policy(const ConfigFile& config);

/// Reads `path`, then applies Codex's `-c` overrides (hooks/config_overrides.hpp) over it; a
/// missing file is an empty config. A syntax error is a warning (and an empty config, overrides
/// not applied), not a failure. `analytics_default`: [analytics] enabled when the file does not
/// say (--analytics-default-enabled).
ConfigFile load_config_file(const std::filesystem::path& path, const std::vector<std::string>& overrides = {},
                            bool analytics_default = false);

}  // namespace appserver
