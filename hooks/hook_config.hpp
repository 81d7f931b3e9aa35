// Hook discovery: reads hooks.json files of the configuration layers and produces the ordered
// list of handlers plus warnings (hooks-spec.md §1). Parsing is as strict as Codex 0.169: an
// unknown top-level key or handler type drops the whole file with a warning naming file and
// field; unknown event keys are ignored; empty commands and invalid matchers skip a handler
// or group with a warning. Pure: no processes, no clock; safe from any thread.
#pragma once

#include "hooks/hook_matcher.hpp"
#include "protocol/v2/hook.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace appserver::hooks {

using protocol::v2::HookEventName;
using protocol::v2::HookSource;

/// Default handler timeout, in SECONDS.
inline constexpr std::int64_t kDefaultTimeoutSec = 600;

/// One runnable command handler as discovered.
struct HookHandler {
  HookEventName event = HookEventName::stop;
  Matcher matcher{std::nullopt};  // pattern is nullopt for events that ignore matchers
  std::string command;            // shell command line, run with /bin/sh -c
  std::int64_t timeout_sec = kDefaultTimeoutSec;  // SECONDS, >= 1
  bool async = false;
  std::optional<std::string> status_message;
  std::string source_path;  // absolute path of the file it came from
  HookSource source = HookSource::unknown;
  std::int64_t display_order = 0;  // one counter over the whole discovery pass
  std::string key;                 // <sourcePath>:<event_snake>:<group>:<handler>
  std::string current_hash;        // sha256:<hex> of the normalised definition
};

/// The result of discovery for one working directory.
struct HookSet {
  std::vector<HookHandler> handlers;  // in displayOrder
  std::vector<std::string> warnings;  // Codex-worded, each naming the file
};

/// A hooks.json file to read and the layer it belongs to.
struct HookSourceFile {
  std::filesystem::path path;
  HookSource source = HookSource::unknown;
};

/// The layers of this server, lowest precedence first: user `<home>/hooks.json`, then project
/// `<cwd>/.codex/hooks.json` (skipped when that folder is the home itself).
std::vector<HookSourceFile> default_sources(const std::filesystem::path& home,
                                            const std::filesystem::path& cwd);

/// Reads every source (missing files are skipped silently) and assigns displayOrder.
HookSet discover(const std::vector<HookSourceFile>& sources);

/// Parses one hooks.json text as if it were the file `source`; appends handlers (numbered from
/// `next_display_order`, which is advanced) and warnings. Exposed for tests.
void parse_hooks_json(const std::string& text, const HookSourceFile& source,
                      std::int64_t& next_display_order, HookSet& out);

/// The hooks/list view of a handler. Until trust is implemented every discovered hook runs,
/// so it is reported `trusted`.
protocol::v2::HookMetadata to_metadata(const HookHandler& handler);

}  // namespace appserver::hooks
