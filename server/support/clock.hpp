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
  /// True for the fixed test clock: durations are then differences of this clock (0), not
  /// measured.
  virtual bool fixed() const { return false; }
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
  /// A new id; `kind` is "thread", "turn" or "item". Default: a random UUID (v4).
  virtual std::string next(const char* kind);
};

/// --test-mode: the time never moves (2025-06-15T14:40:00Z, unix 1750000000 s).
class FixedClock final : public Clock {
 public:
  static constexpr std::int64_t kNowMs = 1'750'000'000'000;
  bool fixed() const override { return true; }
  std::int64_t now_ms() const override { return kNowMs; }
};

/// --test-mode: `thread-1`, `turn-1`, `item-1`, … counted per kind.
class SequentialIds final : public IdGenerator {
 public:
  std::string next(const char* kind) override;

 private:
  std::atomic<std::uint64_t> threads_{0}, turns_{0}, items_{0};
};

}  // namespace appserver
