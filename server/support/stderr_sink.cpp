// Non-blocking stderr sink; see stderr_sink.hpp.
#include "server/support/stderr_sink.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace appserver {

bool stderr_is_pipe() {
  struct stat st {};
  return ::fstat(STDERR_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

NonBlockingStderrSink::NonBlockingStderrSink() {
  const int flags = ::fcntl(STDERR_FILENO, F_GETFL);
  if (flags >= 0) ::fcntl(STDERR_FILENO, F_SETFL, flags | O_NONBLOCK);
}

namespace {
/// Writes as much of `data` as stderr takes now; returns the bytes written.
std::size_t write_now(const char* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(STDERR_FILENO, data + written, size - written);
    if (n > 0) written += static_cast<std::size_t>(n);
    else if (!(n < 0 && errno == EINTR)) break;  // EAGAIN (full), EPIPE (reader gone), …: stop
  }
  return written;
}
}  // namespace

bool NonBlockingStderrSink::write_line(const char* data, std::size_t size) {
  const std::size_t written = write_now(data, size);
  if (written == size) return true;
  if (written > 0) write_now("\n", 1);  // end the fragment so the next line starts clean
  return false;
}

void NonBlockingStderrSink::sink_it_(const spdlog::details::log_msg& msg) {
  if (dropped_ > 0) {
    const std::string note = "app-server: " + std::to_string(dropped_) +
                             " log line(s) dropped: stderr was not being read\n";
    if (!write_line(note.data(), note.size())) {
      ++dropped_;
      return;
    }
    dropped_ = 0;
  }
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  if (!write_line(formatted.data(), formatted.size())) ++dropped_;
}

}  // namespace appserver
