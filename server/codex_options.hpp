// Codex 0.169's command-line options that app-server accepts for drop-in use but that do not
// apply here (each accepted with a one-line warning), and the ones it refuses because ignoring
// them would be unsafe or would change what the process does. The options that do apply
// (-c/--config, --enable, --disable, --listen, --stdio, --strict-config,
// --analytics-default-enabled, --ws-auth capability-token, --ws-token-file, --ws-token-sha256,
// --dangerously-bypass-hook-trust) are parsed in options.cpp.
#pragma once

#include <string_view>

namespace appserver {

struct CodexOnlyOption {
  std::string_view name;       // "--model", "-m"
  bool takes_value = false;    // its value is consumed (and ignored)
  bool refused = false;        // an error instead of a warning
  std::string_view why;        // the rest of the warning or error line
};

/// The entry for `name` (a long or short spelling), or nullptr.
const CodexOnlyOption* find_codex_only_option(std::string_view name);

}  // namespace appserver
