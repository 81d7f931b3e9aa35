// Time and id sources, injectable so a deterministic test mode can swap them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace appserver {

/// Wall-clock time. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Unix time in MILLISECONDS.
  virtual std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  /// Unix time in SECONDS.
  std::int64_t now_sec() const { return now_ms() / 1000; }
};

/// Fresh ids for threads, turns and items. Thread-safe.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  /// A new id; `kind` is "thread", "turn", "item" or "msg". Default: a random UUID (v4).
  virtual std::string next(const char* kind);
};

}  // namespace appserver
