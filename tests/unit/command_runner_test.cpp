#include "hooks/command_runner.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

using namespace appserver::hooks;
using namespace std::chrono_literals;

namespace {
CommandResult run(CommandSpec spec) {
  std::signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io;
  std::optional<CommandResult> out;
  run_command(io.get_executor(), std::move(spec), [&](CommandResult r) { out = std::move(r); });
  io.run();
  REQUIRE(out);
  return *out;
}
}  // namespace

TEST_CASE("a command gets its stdin, cwd and exit code, both streams are captured", "[runner]") {
  CommandSpec spec;
  spec.command = "cat; echo; pwd; echo err >&2; exit 7";
  spec.cwd = "/tmp";
  spec.stdin_data = R"({"hook_event_name":"Stop"})";
  auto r = run(spec);
  CHECK(r.exit_code == std::optional<int>(7));
  CHECK(r.stdout_text == "{\"hook_event_name\":\"Stop\"}\n/tmp\n");
  CHECK(r.stderr_text == "err\n");
  CHECK_FALSE(r.timed_out);
  CHECK_FALSE(r.error);
}

TEST_CASE("a timeout kills the whole process group, grandchildren included", "[runner]") {
  CommandSpec spec;
  spec.command = "sleep 30 & sleep 30; echo never";
  spec.timeout = 300ms;
  auto started = std::chrono::steady_clock::now();
  auto r = run(spec);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(r.timed_out);
  CHECK_FALSE(r.exit_code);
  CHECK(r.stdout_text.empty());
}

TEST_CASE("a hook that ignores a large stdin still reports its output", "[runner]") {
  CommandSpec spec;
  spec.command = "echo fast";
  spec.stdin_data = std::string(4 << 20, 'x');
  auto r = run(spec);
  CHECK(r.exit_code == std::optional<int>(0));
  CHECK(r.stdout_text == "fast\n");
}

TEST_CASE("output beyond the capture bound is dropped, not buffered", "[runner]") {
  CommandSpec spec;
  spec.command = "head -c 300000 /dev/zero";
  spec.max_output_bytes = 1000;
  auto r = run(spec);
  CHECK(r.exit_code == std::optional<int>(0));
  CHECK(r.stdout_text.size() == 1000);
  CHECK(r.output_truncated);
}

TEST_CASE("a signal death has no exit code, a missing cwd is a spawn error", "[runner]") {
  CommandSpec killed;
  killed.command = "kill -9 $$";
  CHECK_FALSE(run(killed).exit_code);
  CommandSpec bad_cwd;
  bad_cwd.command = "true";
  bad_cwd.cwd = "/nonexistent/dir";
  auto r = run(bad_cwd);
  CHECK_FALSE(r.exit_code);
  CHECK(r.error == std::optional<std::string>("No such file or directory (os error 2)"));
}

TEST_CASE("a command that leaves a background job holding its pipes completes soon after it exits", "[runner]") {
  CommandSpec spec;
  spec.command = "sleep 60 & echo started; echo warn >&2";
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run(spec);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.exit_code == std::optional<int>(0));
  CHECK(r.stdout_text == "started\n");
  CHECK(r.stderr_text == "warn\n");
  CHECK_FALSE(r.timed_out);
  CHECK(took < 2s);  // 200 ms grace after the shell's exit, not the job's 60 s
  (void)std::system("pkill -f 'sleep 60' 2>/dev/null");
}

TEST_CASE("a command holds exactly stdin, stdout and stderr, even a descriptor opened without close-on-exec", "[runner]") {
  const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  REQUIRE(leaked >= 3);
  CommandSpec spec;
  spec.command = "ls /proc/self/fd | sort -n | tr '\\n' ' '";
  auto r = run(spec);
  ::close(leaked);
  // ls itself opens the directory it lists: that is the only extra one.
  CHECK(r.stdout_text == "0 1 2 3 ");
}
