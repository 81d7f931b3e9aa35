// command/exec, command/exec/write, command/exec/terminate, command/exec/resize: commands a
// client runs outside any thread (an IDE's terminal, a TUI's `!` on a fresh session), as Codex
// 0.169 runs them (codex-rs app-server/src/command_exec.rs; recorded against the 0.169 binary:
// texts, codes and exit codes in command_exec.cpp).
//
// Shapes: protocol/v2/command_exec.hpp. Process ids are scoped to the connection that started
// them; when it closes, its processes are killed. Every process runs in its own process group
// (a pty one in its own session); terminate and timeouts SIGKILL the group.
//
// Thread-safety: every public function may be called from any thread; the work runs on the
// manager's own strand (it never blocks: processes are spawned with posix_spawn and read
// asynchronously).
#pragma once

#include "protocol/v2/command_exec.hpp"
#include "server/rpc/reply.hpp"
#include "server/transport/connection.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>

namespace appserver {

struct ServerContext;

class CommandExecManager {
 public:
  explicit CommandExecManager(ServerContext& ctx);

  /// Starts `params.command`; `reply` is answered when it has exited (after its outputDelta
  /// notifications), or at once with an error: -32602 for contradictory options, -32600 for
  /// an empty command, streaming without a processId or a duplicate processId, -32603 when
  /// the program cannot be started.
  void start(const ConnectionPtr& connection, protocol::v2::CommandExecParams params,
             Reply<protocol::v2::CommandExecResponse> reply);
  void write(const ConnectionPtr& connection, protocol::v2::CommandExecWriteParams params,
             Reply<protocol::v2::CommandExecWriteResponse> reply);
  /// SIGKILLs the process group; the command/exec response follows with exit code 137.
  void terminate(const ConnectionPtr& connection, protocol::v2::CommandExecTerminateParams params,
                 Reply<protocol::v2::CommandExecTerminateResponse> reply);
  void resize(const ConnectionPtr& connection, protocol::v2::CommandExecResizeParams params,
              Reply<protocol::v2::CommandExecResizeResponse> reply);
  /// Kills the processes `connection` started (it closed).
  void connection_closed(Connection::Id connection);
  /// Kills every process (shutdown).
  void terminate_all();

 private:
  struct Session;
  /// (connection, generated?, process id): a generated id never equals a client's.
  using Key = std::tuple<Connection::Id, bool, std::string>;
  void start_on_strand(const ConnectionPtr& connection, protocol::v2::CommandExecParams params,
                       Reply<protocol::v2::CommandExecResponse> reply);
  std::shared_ptr<Session> find(Connection::Id connection, const std::string& process_id) const;

  ServerContext& ctx_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  std::map<Key, std::shared_ptr<Session>> sessions_;
  std::uint64_t next_generated_id_ = 1;
};

}  // namespace appserver
