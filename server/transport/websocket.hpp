// JSON-RPC over WebSocket (Boost.Beast), on TCP (`ws://IP:PORT`) or a Unix socket
// (`unix://PATH`, the same WebSocket protocol, as the Codex TUI speaks it).
//
// One JSON-RPC message per text frame in each direction; fragmented messages are reassembled.
// Any request path upgrades; no subprotocol and no compression are negotiated (the
// `x-codex-app-server-compression` header is never echoed); pings are answered by Beast.
// Plain HTTP on the same port: GET /readyz and /healthz → 200; a request with an `Origin`
// header → 403 (browsers must not drive a local daemon); anything else → 400. With a bearer
// token configured, an upgrade needs `Authorization: Bearer <token>` (401 otherwise).
//
// Limits: a message over `max_message_bytes` is read and dropped, answered with a JSON-RPC
// error, and the connection stays up; a binary frame is answered likewise. Each connection's
// send queue is bounded: a client that stops reading is disconnected (logged) and never slows
// the others. Every connection runs on its own strand.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace appserver {

class Dispatcher;
class Recorder;

struct WebSocketOptions {
  std::string bearer_token;                         // "" = no authentication
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  std::size_t max_queued_messages = 4096;           // per connection, then disconnect
  std::size_t max_queued_bytes = 64 * 1024 * 1024;  // per connection, then disconnect
  Recorder* recorder = nullptr;
};

/// A listening socket and its connections.
class WebSocketListener {
 public:
  virtual ~WebSocketListener() = default;
  /// The address actually bound (`ws://127.0.0.1:45123` for port 0, `unix:///path`).
  virtual std::string address() const = 0;
  /// Stops accepting and closes every connection with a close frame; `done` runs (on the
  /// io_context) once all are closed. Thread-safe.
  virtual void stop(std::function<void()> done) = 0;
};

/// Binds `url` (`ws://IP:PORT` or `unix://PATH`) and starts accepting. Throws
/// std::runtime_error with a readable reason if the URL is malformed or bind fails.
/// `next_connection_id` hands out connection ids (shared with other transports).
std::shared_ptr<WebSocketListener> listen_websocket(boost::asio::io_context& io,
                                                    Dispatcher& dispatcher, const std::string& url,
                                                    WebSocketOptions options,
                                                    std::function<std::uint64_t()> next_connection_id);

/// True for ws:// URLs whose host is a loopback address (127.0.0.0/8, ::1, localhost) and for
/// unix:// URLs.
bool is_loopback_url(const std::string& url);

}  // namespace appserver
