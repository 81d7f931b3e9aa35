// Soak (hidden: `[.soak]`, run by scripts/soak): many turns, each with four Python hooks and a
// tool call, first over stdio and then over WebSocket, while a second client probes the daemon
// every 50 ms. Zero stalls allowed: no turn may take longer than 30 s, no probe longer than 1 s.
// Prints the figures (turn and probe latency percentiles) for bench/README.md.
// SOAK_TURNS (default 500) sets the turns per transport.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <thread>

using namespace e2e;

namespace {

const char* kSoakHooks = R"({"hooks":{
  "UserPromptSubmit":[{"hooks":[{"type":"command","command":"python3 $FIXTURES/slow_context.py 0.01"}]}],
  "PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"python3 $FIXTURES/slow_context.py 0.01"}]}],
  "PostToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"python3 $FIXTURES/slow_context.py 0.01"}]}],
  "Stop":[{"hooks":[{"type":"command","command":"python3 $FIXTURES/slow_context.py 0.01"}]}]}})";

struct Stats {
  std::vector<double> ms;
  double pct(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * (ms.size() - 1) + 0.5))];
  }
};

double since_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void soak(const char* transport, Peer& driver, const std::string& thread, const std::string& probe_url, int turns) {
  WsClient probe(probe_url);
  probe.initialize("probe");
  std::atomic<bool> stop{false};
  Stats probes;
  std::thread prober([&] {
    while (!stop) {
      const auto t0 = std::chrono::steady_clock::now();
      probe.request("thread/loaded/list", Json::object());
      probes.ms.push_back(since_ms(t0));
      std::this_thread::sleep_for(50ms);
    }
  });
  Stats turn_ms;
  int failed_hooks = 0, not_completed = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < turns; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto messages = run_turn(driver, thread, "soak " + std::to_string(i) + "\n!echo soak-" + std::to_string(i));
    turn_ms.ms.push_back(since_ms(t0));
    Json turn = find(messages, "turn/completed")["turn"];
    not_completed += turn["status"] != "completed";
    for (const auto& run : turn["hookRuns"]) failed_hooks += run["status"] != "completed";
    driver.notifications.clear();
    driver.received.clear();
  }
  const double wall_s = since_ms(start) / 1000;
  stop = true;
  prober.join();
  probe.close();
  const double worst_probe = probes.pct(1.0), worst_turn = turn_ms.pct(1.0);
  const std::size_t stalls = std::count_if(probes.ms.begin(), probes.ms.end(), [](double v) { return v > 1000; });
  std::cout << "soak " << transport << ": " << turns << " turns × 4 Python hooks in " << wall_s << " s; turn ms p50 "
            << turn_ms.pct(0.5) << " p99 " << turn_ms.pct(0.99) << " max " << worst_turn << "; " << probes.ms.size()
            << " probes, ms p50 " << probes.pct(0.5) << " p99 " << probes.pct(0.99) << " max " << worst_probe
            << "; stalls (probe > 1 s): " << stalls << "; failed hook runs: " << failed_hooks << std::endl;
  CHECK(not_completed == 0);
  CHECK(failed_hooks == 0);
  CHECK(stalls == 0);
  CHECK(worst_turn < 30000);
}

}  // namespace

TEST_CASE("soak: turns with four Python hooks over stdio and WebSocket never stall", "[.soak]") {
  const char* env = std::getenv("SOAK_TURNS");
  const int turns = env ? std::atoi(env) : 500;
  TempHome home;
  home.write_hooks(kSoakHooks);
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0", "--log-level", "info"});
  daemon.initialize();
  const std::string url = daemon.ws_url();
  {
    const std::string thread = start_thread(daemon, home);
    soak("stdio", daemon, thread, url, turns);
  }
  {
    WsClient driver(url);
    driver.initialize("ws-driver");
    const std::string thread = start_thread(driver, home);
    soak("websocket", driver, thread, url, turns);
    driver.close();
  }
  CHECK(daemon.close() == 0);
}
