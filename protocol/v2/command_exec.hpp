// `command/exec` and its follow-ups (v2 CommandExecParams / CommandExecResponse,
// CommandExecWriteParams, CommandExecTerminateParams, CommandExecResizeParams,
// CommandExecOutputDeltaNotification): one command (an argv, no shell) outside any thread or
// turn, buffered or streamed, on pipes or a pty. Process ids are scoped to the connection.
// Input booleans are optional (absent = false).
#pragma once

#include "protocol/describe_json.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace appserver::protocol::v2 {

/// v2 CommandExecTerminalSize: character cells; both must be > 0.
struct CommandExecTerminalSize {
  std::uint16_t cols = 0;
  std::uint16_t rows = 0;
};
PROTOCOL_STRUCT(CommandExecTerminalSize, (cols, rows))

struct CommandExecParams {
  std::vector<std::string> command;  // argv; empty is refused
  std::optional<std::string> cwd;    // relative: against the daemon's --cwd; default --cwd
  std::optional<bool> disableOutputCap;
  std::optional<bool> disableTimeout;
  /// Overrides of the daemon's command environment; a null value unsets the variable.
  std::optional<std::map<std::string, std::optional<std::string>>> env;
  std::optional<std::uint64_t> outputBytesCap;  // bytes per stream; default 1 MiB
  std::optional<std::string> processId;         // required for tty / streaming / follow-ups
  std::optional<Json> sandboxPolicy;            // a SandboxPolicy (else config.toml sandbox_mode), enforced with bwrap
  std::optional<Json> permissionProfile;        // refused (-32602): not supported here
  std::optional<CommandExecTerminalSize> size;  // only with tty
  std::optional<bool> streamStdin;
  std::optional<bool> streamStdoutStderr;
  std::optional<std::int64_t> timeoutMs;  // milliseconds; default 10 000
  std::optional<bool> tty;                // implies streamStdin and streamStdoutStderr
};
PROTOCOL_STRUCT(CommandExecParams, (command, cwd, disableOutputCap, disableTimeout, env, outputBytesCap, processId,
                                    sandboxPolicy, permissionProfile, size, streamStdin, streamStdoutStderr,
                                    timeoutMs, tty))

/// Sent when the process has exited, after every outputDelta of it. `exitCode`: the process's,
/// 128 + signal when a signal ended it, 137 after command/exec/terminate, 124 on timeout.
/// A streamed stream's text is "" here. Bytes that are not UTF-8 become U+FFFD.
struct CommandExecResponse {
  std::int32_t exitCode = 0;
  std::string stderr;
  std::string stdout;
};
PROTOCOL_STRUCT(CommandExecResponse, (exitCode, stderr, stdout))

enum class CommandExecOutputStream { stdout, stderr };
PROTOCOL_ENUM(CommandExecOutputStream, stdout, stderr)

/// `command/exec/outputDelta`, to the requesting connection only. `capReached` is true on a
/// stream's last chunk when outputBytesCap cut it.
struct CommandExecOutputDeltaNotification {
  bool capReached = false;
  std::string deltaBase64;
  std::string processId;
  CommandExecOutputStream stream = CommandExecOutputStream::stdout;
};
PROTOCOL_STRUCT(CommandExecOutputDeltaNotification, (capReached, deltaBase64, processId, stream))

struct CommandExecWriteParams {
  std::optional<bool> closeStdin;
  std::optional<std::string> deltaBase64;
  std::string processId;
};
PROTOCOL_STRUCT(CommandExecWriteParams, (closeStdin, deltaBase64, processId))

struct CommandExecTerminateParams {
  std::string processId;
};
PROTOCOL_STRUCT(CommandExecTerminateParams, (processId))

struct CommandExecResizeParams {
  std::string processId;
  CommandExecTerminalSize size;
};
PROTOCOL_STRUCT(CommandExecResizeParams, (processId, size))

/// `{}` for write, terminate and resize.
struct CommandExecWriteResponse {};
PROTOCOL_STRUCT(CommandExecWriteResponse, ())
struct CommandExecTerminateResponse {};
PROTOCOL_STRUCT(CommandExecTerminateResponse, ())
struct CommandExecResizeResponse {};
PROTOCOL_STRUCT(CommandExecResizeResponse, ())

}  // namespace appserver::protocol::v2
