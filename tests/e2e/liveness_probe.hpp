// A second client that keeps asking while a test drives the daemon: proves the io thread was
// never blocked (docs/architecture.md, Guarantees 1).
#pragma once

#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace e2e {

/// A second client that asks `thread/loaded/list` every 50 ms on its own thread while the
/// test drives turns, and records how long each answer took.
class Prober {
 public:
  explicit Prober(const std::string& url) : client_(url) {
    client_.initialize("probe");
    thread_ = std::thread([this] {
      while (!stop_) {
        const auto t0 = std::chrono::steady_clock::now();
        if (client_.request("thread/loaded/list", Json::object()).contains("result"))
          latencies_ms_.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        std::this_thread::sleep_for(50ms);
      }
    });
  }
  /// Stops probing; returns every latency (milliseconds).
  std::vector<double> finish() {
    stop_ = true;
    thread_.join();
    return latencies_ms_;
  }

 private:
  WsClient client_;
  std::atomic<bool> stop_{false};
  std::vector<double> latencies_ms_;
  std::thread thread_;
};

/// Checks the worst probe answer took under 1 s (a generous bound: the real figure is tens of ms).
inline void check_answered_promptly(const std::vector<double>& latencies_ms, std::size_t at_least) {
  REQUIRE(latencies_ms.size() >= at_least);
  const double worst = *std::max_element(latencies_ms.begin(), latencies_ms.end());
  INFO("probes: " << latencies_ms.size() << ", worst " << worst << " ms");
  CHECK(worst < 1000.0);
}

}  // namespace e2e
