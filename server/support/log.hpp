// Logging setup: spdlog to STDERR only (stdout is the stdio transport). Call init_logging()
// first thing in main(), before any log call: spdlog's built-in default logger writes to stdout.
#pragma once

#include <string>

namespace appserver {

/// Installs the stderr logger. `level`: trace|debug|info|warn|error|off (invalid → info).
/// SPDLOG_LEVEL in the environment overrides it.
void init_logging(const std::string& level);

}  // namespace appserver
