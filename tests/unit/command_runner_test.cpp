#include "hooks/command_runner.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>

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
