// Runs one command asynchronously: `/bin/sh -c <command>` (or an argv, no shell) in a given cwd, in its own
// process group, with a payload written to its stdin (then closed, or kept open for more with
// `stream_stdin`), stdout/stderr captured up to a bound, and a timeout that SIGKILLs the whole
// group. With `pty` it runs on a new pseudo-terminal instead of pipes, in a session of its own. This is the only file that knows how
// processes are made (posix_spawn, with the pid adopted by Boost.Process v2 for the wait).
//
// Thread-safety: start and cancel from the executor passed in (a strand); `done` is invoked
// exactly once on that executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace appserver::hooks {

/// A pseudo-terminal's size in character cells.
struct TerminalSize {
  std::uint16_t rows = 24;
  std::uint16_t cols = 80;
};

struct CommandSpec {
  std::string command;                     // shell command line, run with /bin/sh -c
  std::vector<std::string> argv;           // when set: run argv[0] (PATH search) without a shell
  std::string cwd;                         // working directory ("" = inherit)
  std::string stdin_data;                  // written in full, then stdin is closed
  std::chrono::milliseconds timeout{600'000};
  std::size_t max_output_bytes = 1 << 20;  // per stream; the rest is read and dropped
  std::optional<std::vector<std::string>> environment;  // KEY=VALUE; nullopt = inherit
  /// Called on the executor with each chunk of stdout or stderr as it arrives (both streams,
  /// in arrival order); the result's stdout_text/stderr_text are filled as well.
  std::function<void(const std::string&)> on_output;
  /// Called on the executor with each chunk and its stream (false: stdout — all of a pty's
  /// output —, true: stderr), before on_output.
  std::function<void(bool is_stderr, std::string_view chunk)> on_stream;
  /// Keep stdin open after `stdin_data` for RunningCommand::write_stdin().
  bool stream_stdin = false;
  /// Run on a new pseudo-terminal of this size (stdin, stdout and stderr are its slave side;
  /// the command leads a new session with it as controlling terminal). Implies stream_stdin.
  std::optional<TerminalSize> pty;
};

struct CommandResult {
  std::optional<int> exit_code;  // nullopt when the process died from a signal or never ran
  std::optional<int> signal;     // the signal that ended the process, when one did
  std::string stdout_text;
  std::string stderr_text;
  bool output_truncated = false;       // a stream exceeded max_output_bytes
  bool timed_out = false;              // the group was killed by the timeout
  bool cancelled = false;              // the group was killed by cancel()
  std::optional<std::string> error;    // spawn or stdin failure ("No such file … (os error 2)")
  std::chrono::system_clock::time_point started;
  std::chrono::system_clock::time_point completed;
  std::chrono::milliseconds duration{0};  // monotonic
};

/// A started command. Keep it to cancel; dropping it does not stop the command.
class RunningCommand {
 public:
  virtual ~RunningCommand() = default;
  /// Kills the process group now; `done` then reports cancelled = true.
  virtual void cancel() = 0;
  /// With `stream_stdin` or `pty`: queues `data` for the command's stdin (written in order)
  /// and, with `close`, closes stdin once it is written (a pty: no more writes are taken; the
  /// terminal stays). False when stdin is not streamed, already closed, or the run is over.
  virtual bool write_stdin(std::string data, bool close) = 0;
  /// With `pty`: sets the terminal size (the command gets SIGWINCH). Returns "" or the error.
  virtual std::string resize(TerminalSize size) = 0;
};

/// Starts `spec` and calls `done` once with the result (also for spawn failures).
std::shared_ptr<RunningCommand> run_command(boost::asio::any_io_executor executor,
                                            CommandSpec spec,
                                            std::function<void(CommandResult)> done);

}  // namespace appserver::hooks
