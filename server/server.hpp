// The daemon: owns the io_context and wires transports, dispatcher, handlers and threads.
// Transports: stdio and/or WebSocket listeners (--listen, repeatable). Shutdown: on stdin EOF
// (when serving stdio) it drains (running turns finish, queued output is written), then exits;
// on SIGINT/SIGTERM it kills running hook processes, closes WebSocket clients with a close
// frame, writes queued output and exits (a turn cut off this way replays as `interrupted`).
#pragma once

#include "server/handlers/handlers.hpp"
#include "server/rpc/dispatcher.hpp"
#include "server/server_context.hpp"
#include "server/transport/stdio.hpp"
#include "server/transport/websocket.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

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
  void finish();

  boost::asio::io_context io_;
  ServerContext ctx_;
  Handlers handlers_;
  Dispatcher dispatcher_;
  boost::asio::signal_set signals_;
  std::shared_ptr<StdioConnection> stdio_;
  std::vector<std::shared_ptr<WebSocketListener>> listeners_;
  std::shared_ptr<WebSocketBudget> ws_budget_ = std::make_shared<WebSocketBudget>();
  boost::asio::steady_timer deadline_;
  bool shutting_down_ = false;
  bool finished_ = false;
};

}  // namespace appserver
