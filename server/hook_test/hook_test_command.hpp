// `app-server hooks test <Event> …`: a dry run of a hook author's hooks. Discovers hooks exactly
// as a thread in `--cwd` would (layers, trust, enablement, matchers), builds the stdin payload
// the engine would send (or takes `--payload`), runs the selected handlers for real with the
// engine's runner (timeouts, environment, process groups), and prints per handler: source, key,
// trust, how the matcher applied, exit, duration, stdout/stderr (bounded), status and entries
// (with the output warnings of hooks/output_lint.hpp), then the effect on the turn.
//
// Exit status: 0 when every run that ran completed (blocked/stopped included), 1 when a run
// failed (bad output, a crash, a timeout), 2 for a usage error. Prints to stdout; errors go
// to stderr. Blocking calls are fine here: this runs as its own process, not on the daemon.
#pragma once

#include <string>
#include <vector>

namespace appserver::hook_test {

/// Runs `hooks test <args>` (args after the word "test").
int run_hooks_test(const std::vector<std::string>& args);

}  // namespace appserver::hook_test
