// Random UUID ids; see clock.hpp.
#include "server/support/clock.hpp"

#include <mutex>
#include <random>

namespace appserver {

std::string IdGenerator::next(const char* /*kind*/) {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t hi, lo;
  {
    std::lock_guard lock(mutex);
    hi = rng();
    lo = rng();
  }
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xffff), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string SequentialIds::next(const char* kind) {
  const std::string k = kind;
  auto& counter = k == "thread" ? threads_ : k == "turn" ? turns_ : items_;
  return k + "-" + std::to_string(++counter);
}

}  // namespace appserver
