// JSON lines over stdin/stdout; see stdio.hpp.
#include "server/transport/stdio.hpp"

#include "server/rpc/dispatcher.hpp"
#include "server/support/cloexec.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>

namespace appserver {

namespace asio = boost::asio;

namespace {
void clear_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}
}  // namespace

StdioConnection::StdioConnection(asio::io_context& io, Dispatcher& dispatcher,
                                 std::size_t max_message_bytes, std::function<void()> on_eof)
    : Connection(0), strand_(asio::make_strand(io)), dispatcher_(dispatcher),
      max_message_bytes_(max_message_bytes), on_eof_(std::move(on_eof)),
      in_(strand_, dup_cloexec(STDIN_FILENO)), out_(strand_, dup_cloexec(STDOUT_FILENO)) {}

StdioConnection::~StdioConnection() {
  // Asio set O_NONBLOCK on the open file descriptions shared with our parent; undo it.
  clear_nonblocking(STDIN_FILENO);
  clear_nonblocking(STDOUT_FILENO);
}

void StdioConnection::start() {
  asio::post(strand_, [self = std::static_pointer_cast<StdioConnection>(shared_from_this())] {
    self->do_read();
  });
}

void StdioConnection::do_read() {
  auto self = std::static_pointer_cast<StdioConnection>(shared_from_this());
  in_.async_read_some(asio::buffer(read_buffer_), [self](boost::system::error_code ec,
                                                         std::size_t n) {
    if (n > 0) self->consume(self->read_buffer_.data(), n);
    if (!ec) return self->do_read();
    if (ec != asio::error::eof) spdlog::warn("stdin read failed: {}", ec.message());
    if (!self->discarding_ && !self->pending_.empty())
      self->handle_line(std::exchange(self->pending_, {}));
    spdlog::info("stdin closed");
    if (auto on_eof = std::exchange(self->on_eof_, nullptr)) on_eof();
  });
}

void StdioConnection::consume(const char* data, std::size_t size) {
  std::string_view chunk(data, size);
  while (!chunk.empty()) {
    auto newline = chunk.find('\n');
    std::string_view part = chunk.substr(0, newline);
    if (!discarding_) {
      if (pending_.size() + part.size() > max_message_bytes_) {
        discarding_ = true;
        pending_.clear();
        spdlog::warn("stdin: message longer than {} bytes rejected", max_message_bytes_);
        dispatcher_.reject(shared_from_this(),
                           protocol::invalid_request("Invalid request: message exceeds the limit of " +
                                                     std::to_string(max_message_bytes_) + " bytes"));
      } else {
        pending_.append(part);
      }
    }
    if (newline == std::string_view::npos) break;
    if (!discarding_) handle_line(std::exchange(pending_, {}));
    discarding_ = false;
    chunk.remove_prefix(newline + 1);
  }
}

void StdioConnection::handle_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find_first_not_of(" \t") == std::string::npos) return;
  if (recorder) recorder->record(id(), /*incoming=*/true, line);
  dispatcher_.on_message(shared_from_this(), line);
}

void StdioConnection::send(std::shared_ptr<const std::string> message) {
  asio::post(strand_, [self = std::static_pointer_cast<StdioConnection>(shared_from_this()),
                       message = std::move(message)]() mutable {
    if (self->out_failed_) return;
    if (self->queued_bytes_ + message->size() > kMaxQueuedBytes) {
      spdlog::error("stdout: client is not reading ({} bytes queued); stopping", self->queued_bytes_);
      self->out_failed_ = true;
      if (auto on_eof = std::exchange(self->on_eof_, nullptr)) on_eof();
      return;
    }
    if (self->recorder) self->recorder->record(self->id(), /*incoming=*/false, *message);
    self->queued_bytes_ += message->size();
    self->queue_.push_back(std::move(message));
    if (!self->writing_) self->do_write();
  });
}

void StdioConnection::do_write() {
  // Gather everything queued (up to kMaxBatch messages) into one write: a burst of
  // notifications (a streamed reply's deltas) costs one syscall and one client wake-up per
  // batch instead of per message.
  writing_ = true;
  static const char newline = '\n';
  in_flight_ = std::min(queue_.size(), kMaxBatch);
  write_buffers_.clear();
  for (std::size_t i = 0; i < in_flight_; ++i) {
    write_buffers_.push_back(asio::buffer(*queue_[i]));
    write_buffers_.push_back(asio::buffer(&newline, 1));
  }
  auto self = std::static_pointer_cast<StdioConnection>(shared_from_this());
  asio::async_write(out_, write_buffers_, [self](boost::system::error_code ec, std::size_t) {
    for (std::size_t i = 0; i < self->in_flight_; ++i) {
      self->queued_bytes_ -= self->queue_.front()->size();
      self->queue_.pop_front();
    }
    self->in_flight_ = 0;
    if (ec) {
      spdlog::error("stdout write failed: {}", ec.message());
      self->out_failed_ = true;
      self->queue_.clear();
      self->queued_bytes_ = 0;
    }
    if (!self->queue_.empty()) return self->do_write();
    self->writing_ = false;
    self->finish_flush_if_idle();
  });
}

void StdioConnection::flush_then(std::function<void()> done) {
  asio::post(strand_, [self = std::static_pointer_cast<StdioConnection>(shared_from_this()),
                       done = std::move(done)]() mutable {
    self->flush_waiters_.push_back(std::move(done));
    self->finish_flush_if_idle();
  });
}

void StdioConnection::finish_flush_if_idle() {
  if (writing_ || !queue_.empty()) return;
  auto waiters = std::move(flush_waiters_);
  flush_waiters_.clear();
  for (auto& waiter : waiters) waiter();
}

}  // namespace appserver
