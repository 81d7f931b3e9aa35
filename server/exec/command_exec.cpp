// command/exec and its follow-ups; see command_exec.hpp. Texts, codes and exit codes are the
// reference's (recorded against Codex 0.169):
//   empty argv                      -32600 "command must not be empty"
//   timeoutMs + disableTimeout      -32602 "command/exec cannot set both timeoutMs and disableTimeout"
//   outputBytesCap + disableOutputCap -32602 "command/exec cannot set both outputBytesCap and disableOutputCap"
//   size without tty                -32602 "command/exec size requires tty: true"
//   tty/stream without processId    -32600 "command/exec tty or streaming requires a client-supplied processId"
//   a running processId again       -32600 "duplicate active command/exec process id: \"p\""
//   unknown/finished processId      -32600 "no active command/exec for process id \"p\""
//   program not found               -32603 "failed to spawn command: No such file or directory (os error 2)"
//   exit codes: the process's; 137 after terminate; 124 on timeout; 128 + N for signal N.
// Defaults: 10 s timeout, 1 MiB per stream, cwd = the daemon's --cwd, the environment of
// hooks (the daemon's without model-provider secrets) plus `env`.
// The sandbox, as the reference: `sandboxPolicy` (a v2 SandboxPolicy), else config.toml's
// `sandbox_mode`, with bwrap (server/sandbox/); a restricted policy without bwrap is -32603
// with sandbox::missing_bwrap_message() (fail closed), a malformed one -32602; a
// `permissionProfile` is -32602 (not supported here: refused, never ignored).
#include "server/exec/command_exec.hpp"

#include "hooks/command_runner.hpp"
#include "server/exec/base64.hpp"
#include "server/sandbox/sandbox.hpp"
#include "server/server_context.hpp"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

namespace appserver {

namespace v2 = protocol::v2;
namespace asio = boost::asio;

namespace {
constexpr std::int64_t kDefaultTimeoutMs = 10'000;           // codex DEFAULT_EXEC_COMMAND_TIMEOUT_MS
constexpr std::size_t kDefaultOutputBytesCap = 1024 * 1024;  // codex DEFAULT_OUTPUT_BYTES_CAP
constexpr int kTimeoutExitCode = 124;
constexpr int kKilledExitCode = 128 + 9;

/// -32602 / -32603 with the reference's bare message (protocol::invalid_params and
/// internal_error prefix theirs).
protocol::RpcError params_error(std::string message) {
  return {protocol::ErrorCode::InvalidParams, std::move(message), nullptr};
}
protocol::RpcError exec_error(std::string message) {
  return {protocol::ErrorCode::InternalError, std::move(message), nullptr};
}

std::string quoted(const std::string& id) { return nlohmann::json(id).dump(); }

std::string no_active(const std::string& id) { return "no active command/exec for process id " + quoted(id); }

/// The environment: `base` ("K=V" entries) with `overrides` applied (a null value unsets).
std::vector<std::string> merged_environment(const std::vector<std::string>& base,
                                            const std::map<std::string, std::optional<std::string>>& overrides) {
  std::vector<std::string> out;
  for (const auto& entry : base) {
    const std::string name = entry.substr(0, entry.find('='));
    if (!overrides.contains(name)) out.push_back(entry);
  }
  for (const auto& [name, value] : overrides)
    if (value) out.push_back(name + "=" + *value);
  return out;
}
}  // namespace

struct CommandExecManager::Session {
  std::shared_ptr<hooks::RunningCommand> running;
  std::optional<std::string> process_id;  // the client's (deltas go only where there is one)
  ConnectionWeak connection;
  bool stream_output = false;
  bool stream_stdin = false;
  std::optional<std::size_t> cap;  // nullopt: disableOutputCap
  bool terminated = false;
  struct Stream {
    std::string buffered;
    std::size_t seen = 0;
    bool cap_reached = false;
  } out, err;

  void on_chunk(const Outgoing& outgoing, bool is_stderr, std::string_view chunk) {
    Stream& s = is_stderr ? err : out;
    if (s.cap_reached) return;
    const std::size_t take = cap ? std::min(chunk.size(), *cap - s.seen) : chunk.size();
    s.seen += take;
    const bool reached = cap && s.seen == *cap;
    if (stream_output) {
      if (auto c = connection.lock())
        outgoing.notify(c, v2::CommandExecOutputDeltaNotification{
                               reached, base64_encode(chunk.substr(0, take)), *process_id,
                               is_stderr ? v2::CommandExecOutputStream::stderr : v2::CommandExecOutputStream::stdout});
    } else {
      s.buffered.append(chunk.substr(0, take));
    }
    s.cap_reached = reached;
  }
};

CommandExecManager::CommandExecManager(ServerContext& ctx) : ctx_(ctx), strand_(asio::make_strand(ctx.io)) {}

void CommandExecManager::start(const ConnectionPtr& connection, v2::CommandExecParams params,
                               Reply<v2::CommandExecResponse> reply) {
  if (params.timeoutMs && params.disableTimeout.value_or(false))
    return reply.error(params_error("command/exec cannot set both timeoutMs and disableTimeout"));
  if (params.outputBytesCap && params.disableOutputCap.value_or(false))
    return reply.error(params_error("command/exec cannot set both outputBytesCap and disableOutputCap"));
  if (params.size && !params.tty.value_or(false))
    return reply.error(params_error("command/exec size requires tty: true"));
  if (params.size && (params.size->rows == 0 || params.size->cols == 0))
    return reply.error(params_error("command/exec size rows and cols must be greater than 0"));
  if (params.timeoutMs && *params.timeoutMs < 0)
    return reply.error(params_error("command/exec timeoutMs must not be negative"));
  // Refused rather than ignored: a restriction the client asked for and did not get is worse
  // than an error.
  if (params.permissionProfile && !params.permissionProfile->is_null())
    return reply.error(params_error("command/exec permissionProfile is not supported by this server; use sandboxPolicy"));
  asio::post(strand_, [this, connection, params = std::move(params), reply]() mutable {
    start_on_strand(connection, std::move(params), reply);
  });
}

void CommandExecManager::start_on_strand(const ConnectionPtr& connection, v2::CommandExecParams params,
                                         Reply<v2::CommandExecResponse> reply) {
  const bool tty = params.tty.value_or(false);
  const bool stream_stdin = tty || params.streamStdin.value_or(false);
  const bool stream_output = tty || params.streamStdoutStderr.value_or(false);
  if (!params.processId && (stream_stdin || stream_output))
    return reply.error(
        protocol::invalid_request("command/exec tty or streaming requires a client-supplied processId"));
  const Key key = params.processId ? Key{connection->id(), false, *params.processId}
                                   : Key{connection->id(), true, std::to_string(next_generated_id_++)};
  if (sessions_.contains(key))
    return reply.error(protocol::invalid_request("duplicate active command/exec process id: " + quoted(std::get<2>(key))));
  if (params.command.empty()) return reply.error(protocol::invalid_request("command must not be empty"));

  auto session = std::make_shared<Session>();
  session->process_id = params.processId;
  session->connection = connection;
  session->stream_output = stream_output;
  session->stream_stdin = stream_stdin;
  if (!params.disableOutputCap.value_or(false))
    session->cap = params.outputBytesCap ? static_cast<std::size_t>(*params.outputBytesCap) : kDefaultOutputBytesCap;

  hooks::CommandSpec spec;
  std::filesystem::path cwd = ctx_.options.default_cwd;
  if (params.cwd && !params.cwd->empty()) cwd /= *params.cwd;  // an absolute cwd replaces the base
  spec.cwd = cwd.lexically_normal().string();
  const protocol::Json policy_json =
      params.sandboxPolicy && !params.sandboxPolicy->is_null() ? *params.sandboxPolicy : default_sandbox_policy(ctx_.config);
  if (!policy_json.is_object() || !policy_json.contains("type") || !policy_json["type"].is_string())
    return reply.error(params_error("command/exec sandboxPolicy must be a SandboxPolicy object with a string `type`"));
  const auto policy = sandbox::policy_of(policy_json, spec.cwd);
  if (policy.mode == sandbox::Policy::Mode::full) {
    spec.argv = std::move(params.command);
  } else if (!ctx_.bwrap) {
    return reply.error(exec_error(sandbox::missing_bwrap_message()));
  } else {
    spec.argv = sandbox::bwrap_exec_argv(policy, *ctx_.bwrap, params.command, /*new_session=*/!tty);
  }
  const std::vector<std::string> base = ctx_.hook_environment ? *ctx_.hook_environment : std::vector<std::string>{};
  spec.environment = params.env ? merged_environment(base, *params.env) : base;
  spec.timeout = params.disableTimeout.value_or(false)
                     ? std::chrono::milliseconds(std::chrono::hours(24 * 365))
                     : std::chrono::milliseconds(params.timeoutMs.value_or(kDefaultTimeoutMs));
  spec.max_output_bytes = 0;  // the session keeps what the client gets
  spec.stream_stdin = stream_stdin;
  if (tty) {
    hooks::TerminalSize size;
    if (params.size) size = {params.size->rows, params.size->cols};
    spec.pty = size;
  }
  const Outgoing& outgoing = ctx_.outgoing;
  spec.on_stream = [session, &outgoing](bool is_stderr, std::string_view chunk) {
    session->on_chunk(outgoing, is_stderr, chunk);
  };
  sessions_[key] = session;
  session->running = hooks::run_command(strand_, std::move(spec), [this, key, session, reply](hooks::CommandResult result) {
    sessions_.erase(key);
    session->running.reset();  // the run held `session` through its callbacks: no cycle left
    const bool spawn_failed = result.error && !result.exit_code && !result.signal && !result.timed_out && !result.cancelled;
    if (spawn_failed) return reply.error(exec_error("failed to spawn command: " + *result.error));
    int exit_code = -1;
    if (session->terminated || result.cancelled) exit_code = kKilledExitCode;
    else if (result.timed_out) exit_code = kTimeoutExitCode;
    else if (result.exit_code) exit_code = *result.exit_code;
    else if (result.signal) exit_code = 128 + *result.signal;
    reply(v2::CommandExecResponse{exit_code, std::move(session->err.buffered), std::move(session->out.buffered)});
  });
}

std::shared_ptr<CommandExecManager::Session> CommandExecManager::find(Connection::Id connection,
                                                                       const std::string& process_id) const {
  auto it = sessions_.find(Key{connection, false, process_id});
  return it == sessions_.end() ? nullptr : it->second;
}

void CommandExecManager::write(const ConnectionPtr& connection, v2::CommandExecWriteParams params,
                               Reply<v2::CommandExecWriteResponse> reply) {
  const bool close = params.closeStdin.value_or(false);
  if (!params.deltaBase64 && !close)
    return reply.error(params_error("command/exec/write requires deltaBase64 or closeStdin"));
  std::string bytes;
  if (params.deltaBase64) {
    auto decoded = base64_decode(*params.deltaBase64);
    if (!decoded) return reply.error(params_error("invalid deltaBase64: not valid base64"));
    bytes = std::move(*decoded);
  }
  asio::post(strand_, [this, id = connection->id(), params = std::move(params), bytes = std::move(bytes), close,
                       reply]() mutable {
    auto session = find(id, params.processId);
    if (!session) return reply.error(protocol::invalid_request(no_active(params.processId)));
    if (!session->stream_stdin)
      return reply.error(protocol::invalid_request("stdin streaming is not enabled for this command/exec"));
    if (!session->running->write_stdin(std::move(bytes), close))
      return reply.error(protocol::invalid_request("stdin is already closed"));
    reply(v2::CommandExecWriteResponse{});
  });
}

void CommandExecManager::terminate(const ConnectionPtr& connection, v2::CommandExecTerminateParams params,
                                   Reply<v2::CommandExecTerminateResponse> reply) {
  asio::post(strand_, [this, id = connection->id(), params = std::move(params), reply] {
    auto session = find(id, params.processId);
    if (!session) return reply.error(protocol::invalid_request(no_active(params.processId)));
    session->terminated = true;
    session->running->cancel();
    reply(v2::CommandExecTerminateResponse{});
  });
}

void CommandExecManager::resize(const ConnectionPtr& connection, v2::CommandExecResizeParams params,
                                Reply<v2::CommandExecResizeResponse> reply) {
  if (params.size.rows == 0 || params.size.cols == 0)
    return reply.error(params_error("command/exec size rows and cols must be greater than 0"));
  asio::post(strand_, [this, id = connection->id(), params = std::move(params), reply] {
    auto session = find(id, params.processId);
    if (!session) return reply.error(protocol::invalid_request(no_active(params.processId)));
    const std::string error = session->running->resize({params.size.rows, params.size.cols});
    if (!error.empty()) return reply.error(protocol::invalid_request("failed to resize PTY: " + error));
    reply(v2::CommandExecResizeResponse{});
  });
}

void CommandExecManager::connection_closed(Connection::Id connection) {
  asio::post(strand_, [this, connection] {
    for (const auto& [key, session] : sessions_)
      if (std::get<0>(key) == connection) {
        spdlog::info("command/exec: connection {} closed; killing its process", connection);
        session->terminated = true;
        session->running->cancel();
      }
  });
}

void CommandExecManager::terminate_all() {
  asio::post(strand_, [this] {
    for (const auto& [key, session] : sessions_) {
      session->terminated = true;
      session->running->cancel();
    }
  });
}

}  // namespace appserver
