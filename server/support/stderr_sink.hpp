// A log sink for a stderr that is a pipe or socket, which never blocks the writer.
//
// An IDE that launches the daemon and never reads its stderr fills the pipe (64 KiB, a few
// hundred log lines) and a blocking write(2) would then stop the io thread — every client
// frozen by a log line. This sink puts stderr in non-blocking mode and drops what does not fit;
// the next line that fits is preceded by "N log lines dropped". (A terminal or a regular file
// keeps spdlog's own blocking stderr sink: neither stays full.)
//
// Thread-safety: spdlog's base_sink<std::mutex> serialises sink_it_/flush_.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstddef>
#include <mutex>

namespace appserver {

class NonBlockingStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  /// Sets O_NONBLOCK on fd 2 (a pipe or socket: the write end is ours alone to use).
  NonBlockingStderrSink();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  /// Writes one line (with its newline) as far as stderr takes it; false when it did not all
  /// fit, in which case a part already written is ended with a newline (if that fits).
  bool write_line(const char* data, std::size_t size);

  std::size_t dropped_ = 0;  // lines dropped since the last one that got through
};

/// True if fd 2 is a pipe or a socket (where a reader that stops reading blocks the writer).
bool stderr_is_pipe();

}  // namespace appserver
