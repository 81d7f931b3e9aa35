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
//
// Resource bounds (WebSocketLimits; docs/architecture.md "Guarantees"): at most
// `max_connections` connections at once (more are answered HTTP 503 before the upgrade); the
// bytes of messages received in part are capped per connection (`max_message_bytes`, then
// dropped) and across all connections (`max_pending_bytes`: the connection that would pass it
// is closed 1013 "try again later"); a message begun but not finished within
// `message_timeout` closes its connection (1008), and so does a connection that has not sent
// `initialize` within `initialize_timeout` (1008). Each close carries its reason as text.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace appserver {

class Dispatcher;
class Recorder;

/// Counters shared by every listener of one daemon (thread-safe).
struct WebSocketBudget {
  std::atomic<std::size_t> connections{0};    // accepted connections now open
  std::atomic<std::size_t> pending_bytes{0};  // bytes of messages received in part, all connections
};

struct WebSocketOptions {
  std::string bearer_token;                         // "" = no authentication
  std::string bearer_token_sha256;                  // or: lowercase hex SHA-256 of the token (--ws-token-sha256)
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  std::size_t max_queued_messages = 4096;           // per connection, then disconnect
  std::size_t max_queued_bytes = 64 * 1024 * 1024;  // per connection, then disconnect
  std::size_t max_connections = 128;                // open at once; more get HTTP 503
  std::size_t max_pending_bytes = 64 * 1024 * 1024; // unfinished message bytes, all connections
  std::chrono::milliseconds message_timeout{30'000};     // first frame → last frame of a message
  std::chrono::milliseconds initialize_timeout{30'000};  // upgrade → `initialize` request
  std::shared_ptr<WebSocketBudget> budget = std::make_shared<WebSocketBudget>();
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
