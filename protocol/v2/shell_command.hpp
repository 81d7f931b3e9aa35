// `thread/shellCommand` (v2 ThreadShellCommandParams / ThreadShellCommandResponse): the Codex
// TUI's `!cmd`. The command line runs with the user's shell (`<shell> -lc <command>`) in the
// thread's cwd, unsandboxed, as a `commandExecution` item with `source: "userShell"`.
#pragma once

#include "protocol/describe_json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace appserver::protocol::v2 {

struct ThreadShellCommandParams {
  std::string command;  // a shell command line: pipes, redirects and quoting are kept
  std::string threadId;
  /// Milliseconds; default one hour; 0 times out at once; negative is refused (-32602).
  std::optional<std::int64_t> timeoutMs;
};
PROTOCOL_STRUCT(ThreadShellCommandParams, (command, threadId, timeoutMs))

/// `{}`, sent at once; the command's item follows as notifications.
struct ThreadShellCommandResponse {};
PROTOCOL_STRUCT(ThreadShellCommandResponse, ())

}  // namespace appserver::protocol::v2
