// --record FILE: every message in both directions, per connection, as JSONL:
//   {"ts": <unix ms>, "conn": <connection id>, "dir": "in"|"out", "message": <the message>}
// A received line that is not JSON is kept as {"raw": "<text>"}. Each line is one write(2) on
// an O_APPEND descriptor, so a crash leaves whole lines. Recording never changes behaviour: a
// write failure is logged once and recording stops. Thread-safe.
#pragma once

#include "server/support/clock.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace appserver {

class Recorder {
 public:
  /// Opens (appending) `path`. Throws std::system_error if it cannot be opened.
  Recorder(const std::filesystem::path& path, const Clock& clock);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  /// Records one message; `text` is the message as on the wire (no trailing newline).
  void record(std::uint64_t connection, bool incoming, std::string_view text);

 private:
  const Clock& clock_;
  int fd_ = -1;
  std::atomic<bool> failed_{false};
};

}  // namespace appserver
