// JSON-RPC over stdio: one JSON message per line in each direction (JSON lines). Reads stdin
// in chunks and splits lines itself, so a line longer than the limit is answered with a
// JSON-RPC error (-32600, id null) and skipped up to the next newline instead of growing memory.
// Writes go through one queue on the connection's strand; only this class touches fd 1.
#pragma once

#include "server/transport/connection.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace appserver {

class Dispatcher;

class StdioConnection final : public Connection {
 public:
  /// Max bytes queued for stdout before the daemon gives up on an unread stdout and stops.
  static constexpr std::size_t kMaxQueuedBytes = 256u * 1024 * 1024;

  /// `max_message_bytes`: longest accepted line. `on_eof`: called once when stdin closes (or
  /// stdout fails); on the connection's strand.
  StdioConnection(boost::asio::io_context& io, Dispatcher& dispatcher,
                  std::size_t max_message_bytes, std::function<void()> on_eof);
  ~StdioConnection() override;

  void start();
  void send(std::shared_ptr<const std::string> message) override;
  boost::asio::any_io_executor executor() override { return strand_; }
  std::string describe() const override { return "stdio"; }
  /// Calls `done` (on the strand) once everything queued so far has been written.
  void flush_then(std::function<void()> done);

 private:
  void do_read();
  void consume(const char* data, std::size_t size);
  void handle_line(std::string line);
  void do_write();
  void finish_flush_if_idle();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  Dispatcher& dispatcher_;
  std::size_t max_message_bytes_;
  std::function<void()> on_eof_;
  boost::asio::posix::stream_descriptor in_, out_;
  std::array<char, 65536> read_buffer_{};
  std::string pending_;
  bool discarding_ = false;
  std::deque<std::shared_ptr<const std::string>> queue_;
  /// How many messages at the front of queue_ the write in progress carries.
  static constexpr std::size_t kMaxBatch = 32;  // 64 iovecs: one writev per batch
  std::size_t in_flight_ = 0;
  std::vector<boost::asio::const_buffer> write_buffers_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool out_failed_ = false;
  std::vector<std::function<void()>> flush_waiters_;
};

}  // namespace appserver
