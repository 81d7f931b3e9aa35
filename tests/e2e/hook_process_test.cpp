// End-to-end: hook processes as users really write them (Python, bash, node; slow; leaving
// background jobs) never freeze the daemon, never hold its descriptors, never outlive their run.
#include "daemon_process.hpp"
#include "liveness_probe.hpp"
#include "mock_model.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>

using namespace e2e;

namespace {

std::string slow(const std::string& interpreter, const std::string& script, double seconds) {
  std::ostringstream command;
  command << interpreter << " $FIXTURES/" << script << " " << seconds;
  return command.str();
}

/// hooks.json with one command hook per event; commands are JSON-escaped.
std::string hooks_json(const std::vector<std::pair<std::string, std::string>>& event_commands) {
  Json hooks = Json::object();
  for (const auto& [event, command] : event_commands) {
    Json group = {{"hooks", Json::array({{{"type", "command"}, {"command", command}, {"timeout", 60}}})}};
    if (event == "PreToolUse" || event == "PostToolUse") group["matcher"] = "Bash";
    hooks[event].push_back(group);
  }
  return Json{{"hooks", hooks}}.dump();
}

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

/// Flags of the daemon's descriptor `fd` (octal in /proc/PID/fdinfo), or -1.
long fd_flags(int pid, const std::string& fd) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/fdinfo/" + fd);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("flags:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 8);
  return -1;
}

std::vector<std::string> open_fds(int pid) {
  std::vector<std::string> fds;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') fds.emplace_back(e->d_name);
    ::closedir(d);
  }
  return fds;
}

void kill_background_jobs(const std::string& pattern) {
  (void)std::system(("pkill -f '" + pattern + "' 2>/dev/null").c_str());
}

}  // namespace

TEST_CASE("while Python, bash and node hooks run for seconds, a second client is answered within 1 s", "[e2e][ws][liveness]") {
  TempHome home;
  home.write_hooks(hooks_json({{"UserPromptSubmit", slow("python3", "slow_context.py", 1)},
                               {"PreToolUse", slow("bash", "slow_context.sh", 1)},
                               {"PostToolUse", slow("node", "slow_context.js", 1)},
                               {"Stop", slow("python3", "slow_context.py", 0.5)}}));
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);

  Prober prober(daemon.ws_url());
  std::vector<std::vector<Json>> turns;
  for (int i = 0; i < 2; ++i) turns.push_back(run_turn(daemon, thread, "check\n!echo hello"));
  const auto latencies_ms = prober.finish();

  for (const auto& messages : turns) {
    Json turn = find(messages, "turn/completed")["turn"];
    CHECK(turn["status"] == "completed");
    std::vector<std::string> seen;
    for (const auto& run : turn["hookRuns"]) {
      CHECK(run["status"] == "completed");
      seen.push_back(run["eventName"]);
    }
    CHECK(seen == std::vector<std::string>{"userPromptSubmit", "preToolUse", "postToolUse", "stop"});
  }
  check_answered_promptly(latencies_ms, 20);  // ~7 s of turns, a probe every ~50 ms
  CHECK(daemon.close() == 0);
}

TEST_CASE("three short sessions with a Responses API model and Python hooks keep a second client answered within 1 s", "[e2e][ws][liveness][model]") {
  TempHome home;
  Json replies = Json::array();
  for (int i = 0; i < 9; ++i) {
    replies.push_back({{"tool_call", {{"call_id", "call_" + std::to_string(i)}, {"name", "exec_command"},
                                      {"arguments", R"({"cmd":"echo from-model"})"}}}});
    replies.push_back({{"text", "done " + std::to_string(i)}, {"chunks", 5}});
  }
  MockModel model(home, replies);
  model.write_config(home);  // first: trusting the hooks adds their state to this config.toml
  home.write_hooks(hooks_json({{"UserPromptSubmit", slow("python3", "slow_context.py", 0.2)},
                               {"PreToolUse", slow("python3", "slow_context.py", 0.2)},
                               {"PostToolUse", slow("python3", "slow_context.py", 0.2)},
                               {"Stop", slow("python3", "slow_context.py", 0.2)}}));
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  daemon.initialize();
  Prober prober(daemon.ws_url());
  int completed = 0, hook_runs = 0;
  for (int session = 0; session < 3; ++session) {
    const std::string thread = start_thread(daemon, home);
    for (int turn = 0; turn < 3; ++turn) {
      Json done = find(run_turn(daemon, thread, "session " + std::to_string(session)), "turn/completed")["turn"];
      completed += done["status"] == "completed";
      for (const auto& run : done["hookRuns"]) hook_runs += run["status"] == "completed";
    }
  }
  const auto latencies_ms = prober.finish();
  CHECK(completed == 9);
  CHECK(hook_runs == 9 * 4);
  CHECK(model.requests().size() == 18);
  check_answered_promptly(latencies_ms, 1);
  CHECK(daemon.close() == 0);
}

TEST_CASE("a hook process holds exactly its own stdin, stdout and stderr, and the daemon's descriptors are close-on-exec", "[e2e][ws][fds]") {
  TempHome home;
  home.write_hooks(hooks_json({{"SessionStart", "python3 $FIXTURES/list_fds.py"}}));
  // stdio and a WebSocket listener, so the listening socket and an accepted one exist too.
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  daemon.initialize();
  WsClient other(daemon.ws_url());
  other.initialize("other");
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hello");
  Json run = find(messages, "turn/completed")["turn"]["hookRuns"][0];
  CHECK(run["eventName"] == "sessionStart");
  CHECK(run["entries"] == Json::parse(R"([{"kind":"context","text":"open fds: 0 1 2"}])"));

  constexpr long kCloexec = 02000000;  // O_CLOEXEC as fdinfo prints it
  std::vector<std::string> inheritable;
  for (const auto& fd : open_fds(daemon.pid())) {
    if (fd == "0" || fd == "1" || fd == "2") continue;
    const long flags = fd_flags(daemon.pid(), fd);
    if (flags >= 0 && !(flags & kCloexec)) {
      char target[256] = {};
      const std::string link = "/proc/" + std::to_string(daemon.pid()) + "/fd/" + fd;
      (void)::readlink(link.c_str(), target, sizeof target - 1);
      inheritable.push_back(fd + " -> " + target);
    }
  }
  CHECK(inheritable == std::vector<std::string>{});
  other.close();
  CHECK(daemon.close() == 0);
}

TEST_CASE("a hook that leaves a background job completes when it exits, and stdin EOF does not wait for the job", "[e2e][orphans]") {
  TempHome home;
  home.write_hooks(hooks_json({{"UserPromptSubmit", "sh $FIXTURES/background_child.sh 93"},
                               {"Stop", "sh $FIXTURES/background_child.sh 93"}}));
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  const auto t0 = std::chrono::steady_clock::now();
  auto messages = run_turn(daemon, thread, "hello");
  const auto turn_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Json turn = find(messages, "turn/completed")["turn"];
  CHECK(turn["status"] == "completed");
  for (const auto& run : turn["hookRuns"]) {
    CHECK(run["status"] == "completed");
    CHECK(run["entries"] == Json::parse(R"([{"kind":"warning","text":"left a background job"}])"));
  }
  CHECK(turn_seconds < 10.0);  // before: the turn waited for the job's pipes (93 s)
  const auto t1 = std::chrono::steady_clock::now();
  CHECK(daemon.close(15s) == 0);
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() < 10.0);
  kill_background_jobs("sleep 93");
}

TEST_CASE("a restarted daemon binds its port while a hook's background job of the killed one still runs", "[e2e][ws][orphans]") {
  TempHome home;
  home.write_hooks(hooks_json({{"UserPromptSubmit", "sh $FIXTURES/background_child.sh 94"}}));
  const std::string url = "ws://127.0.0.1:" + std::to_string(free_port());
  std::string thread;
  {
    Daemon first(home, {"--listen", "stdio://", "--listen", url});
    first.initialize();
    thread = start_thread(first, home);
    run_turn(first, thread, "leave a job behind");
    first.kill();
  }
  Daemon second(home, {"--listen", "stdio://", "--listen", url});
  second.initialize();
  CHECK(second.ws_url() == url);
  WsClient client(url);
  Json response = client.initialize("after-restart");
  CHECK(response.contains("result"));
  Json read = client.request("thread/read", {{"threadId", thread}, {"includeTurns", true}});
  REQUIRE(read.contains("result"));
  CHECK(read["result"]["thread"]["turns"].size() == 1);
  client.close();
  CHECK(second.close() == 0);
  kill_background_jobs("sleep 94");
}

TEST_CASE("a PreToolUse hook whose updatedInput is nested 100k deep fails its run and the turn completes", "[e2e][depth]") {
  TempHome home;
  home.write_hooks(hooks_json({{"PreToolUse", "python3 $FIXTURES/deep_updated_input.py 100000"}}));
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "!echo hi");
  Json turn = find(messages, "turn/completed")["turn"];
  CHECK(turn["status"] == "completed");
  REQUIRE(turn["hookRuns"].size() == 1);
  CHECK(turn["hookRuns"][0]["status"] == "failed");
  CHECK(turn["hookRuns"][0]["entries"] ==
        Json::parse(R"([{"kind":"error","text":"hook output JSON is nested deeper than 128 levels"}])"));
  // The same connection goes on.
  CHECK(daemon.request("thread/loaded/list", Json::object()).contains("result"));
  CHECK(daemon.close() == 0);
}
