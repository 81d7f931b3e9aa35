// Where hooks come from and whether they may run (hooks-spec.md §1.2–§1.5). Layers, lowest
// precedence first, accumulated:
//   system   <system_dir>/hooks.json, then [hooks] of <system_dir>/config.toml   managed, source system
//   user     <home>/hooks.json, then [hooks] of <home>/config.toml                source user
//   project  for each folder from the project root (nearest ancestor with .git, else the cwd)
//            down to the cwd: <dir>/.codex/hooks.json, then [hooks] of <dir>/.codex/config.toml;
//            only when the user trusts the project ([projects."<dir>"] trust_level = "trusted"
//            in <home>/config.toml, nearest entry wins), otherwise a warning names the folder.
// `[features] hooks = false` (alias codex_hooks) in the system or user config turns discovery
// off: no hooks, no warnings. Trust and enablement come from `[hooks.state."<key>"]` of the
// user config.toml. Reads files only; safe from any thread.
#pragma once

#include "hooks/hook_config.hpp"

#include <filesystem>
#include <string>
#include <vector>
#include <optional>
#include <string>

namespace appserver::hooks {

/// The folders discovery reads.
struct DiscoveryRoots {
  std::filesystem::path system_dir = "/etc/app-server";  // managed layer
  std::filesystem::path home;                            // user layer (config.toml, hooks.json)
  std::filesystem::path cwd;                             // project layers
  /// Read the project layers even when the project is not trusted (their skip warning is
  /// still given). For `hooks test --all-layers`, which lists them without running them.
  bool read_untrusted_projects = false;
  /// Codex's `-c key=value` overrides (config_overrides.hpp), applied over the user layer's
  /// config.toml (its [features], [hooks], [projects] trust) before anything is read from it.
  std::vector<std::string> config_overrides;
};

/// Discovers every layer's hooks for `roots.cwd` and applies the user's hook state.
HookSet discover(const DiscoveryRoots& roots);

/// The user's stored hook state: `[hooks.state]` of `<home>/config.toml` (malformed entries
/// and blank keys skipped).
HookStates load_hook_states(const std::filesystem::path& home);

/// Whether `<home>/config.toml` trusts the project that contains `cwd`.
bool project_trusted(const std::filesystem::path& home, const std::filesystem::path& cwd);

/// The project root of `cwd`: the nearest ancestor (or itself) holding `.git`, else `cwd`.
std::filesystem::path project_root(const std::filesystem::path& cwd);

}  // namespace appserver::hooks
