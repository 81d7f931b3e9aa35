// The daemon: owns the io_context and wires transports, dispatcher, handlers and threads.
// Shutdown: on stdin EOF it drains (running turns finish, queued output is written), then
// exits; on SIGINT/SIGTERM it kills running hook processes, writes queued output and exits
// (a turn cut off this way is replayed later as `interrupted`).
#pragma once

#include "server/handlers/handlers.hpp"
#include "server/rpc/dispatcher.hpp"
#include "server/server_context.hpp"
#include "server/transport/stdio.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <memory>

namespace appserver {

class Server {
 public:
  explicit Server(ServerOptions options);
  /// Runs until shutdown; returns the process exit code.
  int run();

 private:
  void begin_shutdown(bool cancel_turns);
  void check_drained();

  boost::asio::io_context io_;
  ServerContext ctx_;
  Handlers handlers_;
  Dispatcher dispatcher_;
  boost::asio::signal_set signals_;
  std::shared_ptr<StdioConnection> stdio_;
  bool shutting_down_ = false;
  bool finished_ = false;
};

}  // namespace appserver
