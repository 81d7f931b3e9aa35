// Consent for hooks (hooks-spec.md §1.5): writing `[hooks.state."<key>"] trusted_hash` and
// `[projects."<dir>"] trust_level` into the user's config.toml. Used by the `app-server hooks`
// command and by the transcript harness; clients use config/batchWrite for the same edits.
#pragma once

#include "hooks/hook_discovery.hpp"

#include <string>
#include <vector>

namespace appserver {

struct TrustOutcome {
  std::vector<std::string> trusted;  // keys whose trusted_hash was written
  std::vector<std::string> unknown;  // requested keys discovery did not list
};

/// Trusts the listed hooks of `roots` (their current hash), or every listed untrusted or
/// modified hook when `all`. Throws ConfigWriteError when config.toml cannot be written.
TrustOutcome trust_hooks(const hooks::DiscoveryRoots& roots, const std::vector<std::string>& keys, bool all);

/// Marks the project containing `cwd` (its root, see hooks::project_root) trusted; returns it.
std::filesystem::path trust_project(const std::filesystem::path& home, const std::filesystem::path& cwd);

}  // namespace appserver
