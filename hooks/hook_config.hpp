// Hook configuration: the handler model and the parser shared by every carrier (hooks-spec.md
// §1): `hooks.json` files, `[[hooks.<Event>]]` tables of config.toml (converted to the same JSON
// shape), and the seed design's `[hooks]` argv form (`session_start = ["prog", "arg"]`).
// Parsing is as strict as Codex 0.169: an unknown top-level key or handler type drops the whole
// file with a warning naming file and field; unknown event names are ignored; empty commands
// and invalid matchers skip a handler or group with a warning. Pure: no processes, no clock;
// safe from any thread. Where the files are and who trusts them: hook_discovery.hpp.
#pragma once

#include "hooks/hook_matcher.hpp"
#include "protocol/v2/hook.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace appserver::hooks {

using protocol::v2::HookEventName;
using protocol::v2::HookSource;
using protocol::v2::HookTrustStatus;

/// Default handler timeout, in SECONDS.
inline constexpr std::int64_t kDefaultTimeoutSec = 600;
/// Default additionalContext spill threshold (approximate tokens).
inline constexpr std::int64_t kDefaultContextLimit = 2500;

/// One runnable command handler as discovered.
struct HookHandler {
  HookEventName event = HookEventName::stop;
  Matcher matcher{std::nullopt};  // pattern is nullopt for events that ignore matchers
  std::string command;            // shell command line, run with /bin/sh -c; for argv handlers
                                  // the argv shell-quoted (display only)
  std::vector<std::string> argv;  // the `[hooks]` argv form: run without a shell; empty = command
  std::int64_t timeout_sec = kDefaultTimeoutSec;  // SECONDS, >= 1
  bool async = false;
  std::optional<std::string> status_message;
  std::optional<std::int64_t> additional_context_limit;  // as configured (tokens)
  std::string source_path;  // absolute path of the file it came from
  HookSource source = HookSource::unknown;
  bool is_managed = false;  // system layer: always enabled and trusted
  std::int64_t display_order = 0;  // one counter over the whole discovery pass
  std::string key;                 // <sourcePath>:<event_snake>:<group>:<handler>
  std::string current_hash;        // sha256:<hex> of the normalised definition
  bool enabled = true;             // false when hooks.state.<key>.enabled = false (not managed)
  HookTrustStatus trust_status = HookTrustStatus::untrusted;

  /// Whether this handler may run: enabled, and managed or trusted (or trust is bypassed;
  /// a bypass never overrides enabled = false).
  bool runs(bool bypass_trust) const {
    return enabled && (trust_status == HookTrustStatus::managed ||
                       trust_status == HookTrustStatus::trusted || bypass_trust);
  }
};

/// What a user config stores for one hook key (`[hooks.state."<key>"]`).
struct HookState {
  std::optional<std::string> trusted_hash;
  std::optional<bool> enabled;
};
using HookStates = std::map<std::string, HookState>;

/// The result of discovery for one working directory.
struct HookSet {
  std::vector<HookHandler> handlers;  // in displayOrder; untrusted and disabled ones included
  std::vector<std::string> warnings;  // Codex-worded, each naming the file
  std::vector<protocol::v2::HookErrorInfo> errors;  // config files that could not be loaded
  bool bypass_trust = false;  // run untrusted handlers too (--dangerously-bypass-hook-trust)

  /// Handlers that are listed but will not run (untrusted, modified or disabled).
  std::size_t not_running() const;
};

/// One carrier of hooks to parse: where it came from and how its handlers are attributed.
struct HookSourceFile {
  std::filesystem::path path;  // sourcePath and key prefix
  HookSource source = HookSource::unknown;
  bool managed = false;
};

/// Parses one hooks.json text as if it were the file `source`; appends handlers (numbered from
/// `next_display_order`, which is advanced) and warnings. Trust fields are left untrusted.
void parse_hooks_json(const std::string& text, const HookSourceFile& source,
                      std::int64_t& next_display_order, HookSet& out);

/// Parses the `[hooks]` table of a config.toml (as JSON, `state` removed by the caller):
/// `[[hooks.<Event>]]` groups, and the argv form under snake_case keys. An unknown snake_case
/// key (`turn_start`) rejects the table with `failed to parse TOML hooks in <path>: …`.
void parse_toml_hooks(const nlohmann::json& table, const HookSourceFile& source,
                      std::int64_t& next_display_order, HookSet& out);

/// Sets enabled / trust_status of every handler from `states` (managed handlers ignore them).
void apply_states(HookSet& set, const HookStates& states);

/// Lowercase hex SHA-256 of `data` (hook hashes, config versions), by Nettle: no set-up cost
/// (OpenSSL's EVP spent ≈1.3 ms on its first use in a process). Thread-safe.
std::string sha256_hex(std::string_view data);

/// The hooks/list view of a handler (HookMetadata, v2 hook.rs).
protocol::v2::HookMetadata to_metadata(const HookHandler& handler);

}  // namespace appserver::hooks
