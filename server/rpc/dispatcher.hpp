// Turns received message texts into typed handler calls: parse the envelope, apply the
// initialize gate, look the method up in the table built from methods.def, decode params
// (errors name the JSON path → -32602), and call Handlers::on_<method>. Every failure is a
// JSON-RPC error response; the connection always stays usable.
#pragma once

#include "server/handlers/handlers.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace appserver {

class Dispatcher {
 public:
  Dispatcher(ServerContext& ctx, Handlers& handlers);

  /// Handles one message (a stdio line / a WebSocket text frame). Call on the connection's
  /// strand, one message at a time per connection. Never throws: anything that escapes the
  /// handling is logged and answered InternalError (id null).
  void on_message(const ConnectionPtr& connection, std::string_view text);

  /// The transport lost `connection` (the peer closed it, or it was dropped): its
  /// command/exec processes are killed. Any thread.
  void on_closed(const ConnectionPtr& connection);

  /// Answers a message that the transport had to reject (e.g. too large) with `error`.
  void reject(const ConnectionPtr& connection, const protocol::RpcError& error);

 private:
  void dispatch_message(const ConnectionPtr& connection, std::string_view text);

  using RequestHandler = std::function<void(const ConnectionPtr&, protocol::IncomingRequest&)>;
  using NotificationHandler = std::function<void(const ConnectionPtr&, const protocol::Json&)>;

  ServerContext& ctx_;
  Handlers& handlers_;
  std::unordered_map<std::string, RequestHandler> requests_;
  std::unordered_map<std::string, NotificationHandler> notifications_;
};

}  // namespace appserver
