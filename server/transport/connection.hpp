// A client connection, independent of its transport. Transports do framing only: they hand
// each received message text to the dispatcher and write what send() queues, in order.
#pragma once

#include "server/support/recorder.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace appserver {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Id = std::uint64_t;
  explicit Connection(Id id) : id_(id) {}
  virtual ~Connection() = default;

  Id id() const { return id_; }

  /// Queues one serialised JSON-RPC message (no trailing newline). Thread-safe; messages are
  /// written in the order send() was called from any one thread.
  virtual void send(std::shared_ptr<const std::string> message) = 0;

  /// The strand on which this connection's requests are dispatched.
  virtual boost::asio::any_io_executor executor() = 0;

  /// Human-readable transport name for logs ("stdio", "ws 127.0.0.1:5555").
  virtual std::string describe() const = 0;

  // Session state: read and written only on executor() by the dispatcher and handlers.
  bool initialized = false;
  std::string client_name;
  std::string client_version;
  std::vector<std::string> opted_out_notifications;

  /// --record: set once before the connection starts; transports call it for every message.
  Recorder* recorder = nullptr;

 private:
  Id id_;
};

using ConnectionPtr = std::shared_ptr<Connection>;
using ConnectionWeak = std::weak_ptr<Connection>;

}  // namespace appserver
