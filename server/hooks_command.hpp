// `app-server hooks list|trust|test`: review and consent to hooks from a terminal (the same
// state the Codex TUI's hook review writes with config/batchWrite), and dry-run them
// (server/hook_test/).
#pragma once

#include <string>
#include <vector>

namespace appserver {

/// Runs `hooks <args>`; prints to stdout; returns the exit status (2 on usage errors).
int run_hooks_command(const std::vector<std::string>& args);

}  // namespace appserver
