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

bool NonBlockingStderrSink::write_some(const char* data, std::size_t size, std::size_t& written) {
  while (written < size) {
    const ssize_t n = ::write(STDERR_FILENO, data + written, size - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;  // EAGAIN (full), EPIPE (reader gone), anything else: drop
  }
  return true;
}

void NonBlockingStderrSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  if (dropped_ > 0) {
    const std::string note = "app-server: " + std::to_string(dropped_) +
                             " log line(s) dropped: stderr was not being read\n";
    std::size_t written = 0;
    if (!write_some(note.data(), note.size(), written)) {
      if (written > 0) {  // a partial note: end its line so the next one starts clean
        std::size_t nl = 0;
        write_some("\n", 1, nl);
      }
      ++dropped_;
      ++dropped_total_;
      return;
    }
    dropped_ = 0;
  }
  std::size_t written = 0;
  if (write_some(formatted.data(), formatted.size(), written)) return;
  if (written > 0) {
    std::size_t nl = 0;
    write_some("\n", 1, nl);
  }
  ++dropped_;
  ++dropped_total_;
}

}  // namespace appserver
