// Codex's command-line config overrides: `-c key=value` (`--config`), `--enable FEATURE` and
// `--disable FEATURE`, parsed and applied as Codex 0.169 does (codex-rs/utils/cli
// config_override.rs): the key is a dotted path (split on every `.`), the value is parsed as a
// TOML value, else taken as a string (surrounding quotes trimmed); the value replaces whatever
// the path held in config.toml, intermediate tables are created. Overrides apply in order, over
// `<home>/config.toml` only (the user layer), for this process.
#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

namespace appserver::hooks {

/// Checks one raw `key=value` (the text after `-c`). Throws std::invalid_argument with Codex's
/// wording: "Invalid override (missing '='): X", "Empty key in override: X".
void check_config_override(const std::string& raw);

/// The dotted key of a checked override, as it is applied (trimmed, Codex's one alias
/// `use_legacy_landlock` → `features.use_legacy_landlock`).
std::string config_override_key(const std::string& raw);

/// `features.<name>=true|false` for --enable/--disable. Throws std::invalid_argument
/// "Unknown feature flag: X" for a name Codex 0.169 does not accept (hooks/codex_names.hpp).
std::string feature_override(const std::string& name, bool enabled);

/// Applies checked overrides to `table`, in order.
void apply_config_overrides(toml::table& table, const std::vector<std::string>& overrides);

}  // namespace appserver::hooks
