// End-to-end: history survives restarts, kills and torn files; hookRuns replay identically.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;

namespace {
const char* kPersistenceHooks = R"({"hooks":{
  "SessionStart":[{"hooks":[{"type":"command","command":"sh $FIXTURES/session_context.sh"}]}],
  "UserPromptSubmit":[{"hooks":[{"type":"command","command":"sh $FIXTURES/ups_context.sh"}]}],
  "Stop":[{"hooks":[{"type":"command","command":"sh $FIXTURES/stop_block_once.sh"}]}]}})";

Json turns_of(Daemon& daemon, const std::string& method, const std::string& thread) {
  Json params = {{"threadId", thread}};
  if (method == "thread/read") params["includeTurns"] = true;
  Json response = daemon.request(method, params);
  REQUIRE(response.contains("result"));
  return response["result"]["thread"]["turns"];
}
}  // namespace

TEST_CASE("after a restart, thread/read and thread/resume return the same turns and hookRuns", "[e2e][persistence]") {
  TempHome home;
  home.write_hooks(kPersistenceHooks);
  std::string thread;
  Json live_turns = Json::array(), live_read;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    for (const char* prompt : {"first", "second"}) {
      auto messages = run_turn(daemon, thread, prompt);
      live_turns.push_back(find(messages, "turn/completed")["turn"]);
    }
    live_read = turns_of(daemon, "thread/read", thread);
    CHECK(daemon.close() == 0);
  }
  REQUIRE(live_turns[0]["hookRuns"].size() == 4);  // SessionStart, UserPromptSubmit, Stop ×2
  Daemon daemon(home);
  daemon.initialize();
  Json read = turns_of(daemon, "thread/read", thread);  // not loaded: straight from disk
  Json resumed = turns_of(daemon, "thread/resume", thread);
  CHECK(read == live_read);
  CHECK(resumed == live_read);
  REQUIRE(resumed.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(resumed[i]["hookRuns"] == live_turns[i]["hookRuns"]);
    CHECK(resumed[i]["status"] == "completed");
    std::vector<std::string> types;
    for (const auto& item : resumed[i]["items"]) types.push_back(item["type"]);
    CHECK(types == std::vector<std::string>{"userMessage", "agentMessage", "hookPrompt", "agentMessage"});
  }

  // The first turn after a resume runs SessionStart with source "resume".
  auto messages = run_turn(daemon, thread, "third");
  Json runs = find(messages, "turn/completed")["turn"]["hookRuns"];
  CHECK(runs[0]["entries"] == Json::parse(R"J([{"kind":"context","text":"session context (source=resume)"}])J"));
  CHECK(daemon.close() == 0);
}

TEST_CASE("a torn last line is skipped with a warning and the thread stays usable", "[e2e][persistence]") {
  TempHome home;
  std::string thread;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    run_turn(daemon, thread, "kept");
    CHECK(daemon.close() == 0);
  }
  const auto file = home.home / "sessions" / (thread + ".jsonl");
  std::ofstream(file, std::ios::app) << R"({"method":"turn/started","params":{"threadId":")";
  {
    Daemon daemon(home);
    daemon.initialize();
    Json turns = turns_of(daemon, "thread/resume", thread);
    REQUIRE(turns.size() == 1);
    CHECK(turns[0]["status"] == "completed");
    run_turn(daemon, thread, "appended after the torn line");
    CHECK(daemon.close() == 0);
  }
  Daemon daemon(home);
  daemon.initialize();
  Json turns = turns_of(daemon, "thread/read", thread);
  REQUIRE(turns.size() == 2);
  CHECK(turns[1]["items"][0]["content"][0]["text"] == "appended after the torn line");
}

TEST_CASE("a daemon killed mid-turn leaves completed turns intact and the cut turn interrupted", "[e2e][persistence]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"Stop":[{"hooks":[{"type":"command","command":"sleep 30","timeout":60}]}]}})");
  std::string thread;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "cut"}}}}});
    daemon.until("hook/started");  // the Stop hook is sleeping now
    daemon.kill();
  }
  Daemon daemon(home);
  daemon.initialize();
  Json turns = turns_of(daemon, "thread/read", thread);
  REQUIRE(turns.size() == 1);
  CHECK(turns[0]["status"] == "interrupted");
  CHECK(turns[0]["items"].size() == 2);  // the prompt and the reply were stored before the kill
  CHECK(turns[0]["hookRuns"] == Json::array());
}
