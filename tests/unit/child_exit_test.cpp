// The non-blocking child exit wait (the workaround for boostorg/process#564).
#include "hooks/child_exit.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <vector>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace appserver::hooks;
using namespace std::chrono_literals;

extern char** environ;

namespace {
pid_t spawn_sh(const char* command) {
  pid_t pid = -1;
  const char* argv[] = {"/bin/sh", "-c", command, nullptr};
  REQUIRE(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  return pid;
}

/// Counts 20 ms timer ticks on `io` until `done` is set: proof that the io thread ran other
/// work while a child was being waited for.
struct Ticker {
  Ticker(boost::asio::io_context& io, const std::optional<int>& done) : timer(io), done(done) { arm(); }
  void arm() {
    timer.expires_after(20ms);
    timer.async_wait([this](boost::system::error_code) {
      if (done) return;
      ++ticks;
      arm();
    });
  }
  boost::asio::steady_timer timer;
  const std::optional<int>& done;
  int ticks = 0;
};
}  // namespace

TEST_CASE("waiting for a child never stops the io thread: timers keep firing until it exits", "[child_exit]") {
  boost::asio::io_context io;
  const pid_t pid = spawn_sh("sleep 0.5; exit 7");
  std::optional<int> status;
  watch_child_exit(io.get_executor(), pid, [&](int s) { status = s; });
  Ticker ticker(io, status);
  io.run();
  REQUIRE(status);
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 7);
  CHECK(ticker.ticks >= 10);  // ~25 expected; a blocking wait would give 0
}

TEST_CASE("readiness while the child still runs (boostorg/process#564) re-arms instead of blocking, then polls", "[child_exit]") {
  boost::asio::io_context io;
  const pid_t pid = spawn_sh("sleep 0.5; exit 4");
  const int always_ready = ::eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);  // readable, never drained
  REQUIRE(always_ready >= 0);
  std::optional<int> status;
  watch_child_exit_on(io.get_executor(), pid, always_ready, [&](int s) { status = s; });
  Ticker ticker(io, status);
  const auto t0 = std::chrono::steady_clock::now();
  io.run();
  REQUIRE(status);
  CHECK(WEXITSTATUS(*status) == 4);  // reported once it really exited, not at the first wake-up
  CHECK(std::chrono::steady_clock::now() - t0 >= 450ms);
  CHECK(ticker.ticks >= 10);  // the io thread ran other work all along
}

TEST_CASE("a child killed by a signal is reported as signalled, and the handler runs on the executor", "[child_exit]") {
  boost::asio::io_context io;
  const pid_t pid = spawn_sh("sleep 30");
  bool inside_call = true;
  std::optional<int> status;
  bool ran_inside = false;
  watch_child_exit(io.get_executor(), pid, [&](int s) {
    status = s;
    ran_inside = inside_call;
  });
  inside_call = false;
  ::kill(pid, SIGKILL);
  io.run();
  REQUIRE(status);
  CHECK(WIFSIGNALED(*status));
  CHECK(WTERMSIG(*status) == SIGKILL);
  CHECK_FALSE(ran_inside);
}

TEST_CASE("many children at once are all reaped, leaving no zombie", "[child_exit]") {
  boost::asio::io_context io;
  std::vector<pid_t> pids;
  int done = 0;
  for (int i = 0; i < 40; ++i) {
    pids.push_back(spawn_sh(i % 2 ? "exit 3" : "sleep 0.05"));
    watch_child_exit(io.get_executor(), pids.back(), [&](int) { ++done; });
  }
  io.run();
  CHECK(done == 40);
  for (pid_t pid : pids) CHECK(::waitpid(pid, nullptr, WNOHANG) == -1);  // ECHILD: already reaped
}

TEST_CASE("a pid that is not our child is reported as -1 at once, not waited for", "[child_exit]") {
  boost::asio::io_context io;
  std::optional<int> status;
  watch_child_exit(io.get_executor(), ::getppid(), [&](int s) { status = s; });
  io.run();
  CHECK(status == std::optional<int>(-1));
}
