// thread/shellCommand: the user's own command line (the Codex TUI's `!cmd`), as Codex 0.169 runs
// it (recorded with a mock model and hooks on every event):
// - the response `{}` comes at once; the command runs as `<shell> -lc <command>` in the
//   thread's cwd, unsandboxed, with no hooks at all;
// - idle thread: a turn of its own (thread/status/changed active, turn/started, the item,
//   thread/status/changed idle, turn/completed); during a turn: the item joins that turn;
// - a `commandExecution` item with `source: "userShell"`, `command` the shell-quoted argv,
//   output streamed as item/commandExecution/outputDelta;
// - the model sees it on its next request as a user message `<user_shell_command>…`.
#include "server/threads/turn_state.hpp"

#include "server/tools/async_command.hpp"
#include "server/tools/output_capture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdio>

namespace appserver {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t kDefaultUserShellTimeoutMs = 3'600'000;  // the reference's one hour

/// POSIX shell quoting of one word, as Python's shlex.quote (and Rust's shlex) do it.
std::string shell_quote(const std::string& word) {
  const bool safe = !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("@%+=:,./-_").find(c) != std::string_view::npos;
  });
  if (safe) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

/// The reference's record of a user shell command for the model (codex-rs
/// core/src/context/user_shell_command.rs).
std::string model_record(const std::string& command, std::int64_t exit_code, std::int64_t duration_ms,
                         const std::string& output) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.4f", static_cast<double>(duration_ms) / 1000.0);
  return "<user_shell_command>\n<command>\n" + command + "\n</command>\n<result>\nExit code: " +
         std::to_string(exit_code) + "\nDuration: " + seconds + " seconds\nOutput:\n" + output +
         "\n</result>\n</user_shell_command>";
}

}  // namespace

void LiveThread::shell_command(v2::ThreadShellCommandParams params, Reply<v2::ThreadShellCommandResponse> reply) {
  if (params.command.find_first_not_of(" \t\r\n") == std::string::npos)
    return reply.error(protocol::invalid_request("command must not be empty"));
  if (params.timeoutMs && *params.timeoutMs < 0)
    return reply.error(protocol::invalid_params("params.timeoutMs: must be non-negative"));
  reply(v2::ThreadShellCommandResponse{});
  std::shared_ptr<TurnState> turn = active_turn_;
  const bool own_turn = !turn;
  if (own_turn) {
    turn = begin_turn();
    turn->user_shell_only = true;
  }
  auto body = run_user_shell(turn, own_turn, std::move(params.command),
                             params.timeoutMs.value_or(kDefaultUserShellTimeoutMs));
  if (own_turn) return spawn_turn(std::move(body));
  asio::co_spawn(strand_, std::move(body), [id = id_](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("thread {}: user shell command failed with an internal error: {}", id, ex.what());
    } catch (...) {
    }
  });
}

asio::awaitable<void> LiveThread::run_user_shell(std::shared_ptr<TurnState> state, bool own_turn,
                                                 std::string command, std::int64_t timeout_ms) {
  TurnState& turn = *state;
  if (own_turn) announce_turn(turn);
  const std::string& shell = ctx_.user_shell;
  v2::CommandExecutionItem item;
  item.id = ctx_.ids->next("item");
  item.command = shell_quote(shell) + " -lc " + shell_quote(command);
  item.cwd = settings_.cwd;
  item.source = v2::CommandExecutionSource::userShell;
  item.commandActions = {v2::UnknownCommandAction{command}};
  emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});

  OutputCapture output(kClientOutputBytes);
  hooks::CommandSpec spec;
  spec.argv = {shell, "-lc", command};
  spec.cwd = settings_.cwd;
  spec.timeout = std::chrono::milliseconds(timeout_ms);
  spec.max_output_bytes = 0;  // `output` keeps what is needed
  if (ctx_.hook_environment) spec.environment = *ctx_.hook_environment;  // no provider secrets
  spec.on_output = [this, state, &output, item_id = item.id](const std::string& chunk) {
    const std::string_view shown = output.add(chunk);
    if (!shown.empty())
      emit(v2::CommandExecutionOutputDeltaNotification{id_, state->turn.id, item_id, std::string(shown)});
  };
  std::shared_ptr<hooks::RunningCommand> running;
  const std::int64_t started_ms = ctx_.clock->now_ms();
  auto result = co_await async_run_command(
      strand_, std::move(spec),
      [&](std::shared_ptr<hooks::RunningCommand> r) {
        running = r;
        turn.user_shells.push_back(std::move(r));
      },
      asio::use_awaitable);
  std::erase(turn.user_shells, running);

  if (result.timed_out) {
    item.exitCode = -1;  // as the reference reports a timed-out user shell command
    output.note("\n[command timed out after " + std::to_string(timeout_ms) + " ms]");
  } else if (result.cancelled) {
    output.note("\n[interrupted]");
  } else if (result.exit_code) {
    item.exitCode = *result.exit_code;
  }
  if (result.error && !result.error->empty()) output.note("\n[" + *result.error + "]");
  item.status = item.exitCode == std::optional<std::int64_t>(0) ? v2::CommandExecutionStatus::completed
                                                                : v2::CommandExecutionStatus::failed;
  item.aggregatedOutput = output.client_text();
  item.durationMs = ctx_.clock->fixed() ? ctx_.clock->now_ms() - started_ms : result.duration.count();
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  {
    const protocol::Json params = {
        {"turnId", turn.turn.id},
        {"text", model_record(command, item.exitCode.value_or(-1), *item.durationMs, output.model_text())}};
    history_.apply(kUserContextRecord, params);
    persist(kUserContextRecord, params);
  }
  if (!own_turn) co_return;
  if (turn.interrupted) {
    if (turn.interrupt_reply) (*turn.interrupt_reply)(v2::TurnInterruptResponse{});
    complete_turn(turn, turn.storage_error ? v2::TurnStatus::failed : v2::TurnStatus::interrupted, std::nullopt);
    co_return;
  }
  complete_turn(turn, v2::TurnStatus::completed, std::nullopt);
}

}  // namespace appserver
