// End-to-end: real hook scripts on SessionStart, UserPromptSubmit and Stop.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;

namespace {
std::string hook(const std::string& event, const std::string& command, int timeout = 10,
                 const std::string& extra = "") {
  return "\"" + event + "\":[{\"hooks\":[{\"type\":\"command\",\"command\":" + Json(command).dump() +
         ",\"timeout\":" + std::to_string(timeout) + extra + "}]}]";
}

std::string sh(const std::string& script) { return "sh " + fixture(script); }

Json completed_runs(const std::vector<Json>& messages) {
  Json runs = Json::array();
  for (const auto& n : find_all(messages, "hook/completed")) runs.push_back(n["run"]);
  return runs;
}
}  // namespace

TEST_CASE("hook context reaches the agent, hook/started and hook/completed describe each run", "[e2e][hooks]") {
  TempHome home;
  home.write_hooks("{\"hooks\":{" + hook("SessionStart", sh("session_context.sh"), 10,
                                         ",\"statusMessage\":\"Loading session context\"") +
                   "," + hook("UserPromptSubmit", sh("ups_context.sh")) + "}}");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hello");
  const std::string source = (home.home / "hooks.json").string();

  auto started = find_all(messages, "hook/started");
  REQUIRE(started.size() == 2);
  const Json expected_started = scrub(Json{
      {"threadId", thread}, {"turnId", messages[0]["result"]["turn"]["id"]},
      {"run", {{"id", "session-start:0:" + source}, {"eventName", "sessionStart"},
               {"handlerType", "command"}, {"executionMode", "sync"}, {"scope", "thread"},
               {"sourcePath", source}, {"source", "user"}, {"displayOrder", 0}, {"status", "running"},
               {"statusMessage", "Loading session context"}, {"startedAt", 1}, {"completedAt", nullptr},
               {"durationMs", nullptr}, {"entries", Json::array()}}}});
  CHECK(scrub(started[0]) == expected_started);
  Json runs = completed_runs(messages);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["status"] == "completed");
  CHECK(runs[0]["entries"] == Json::parse(R"J([{"kind":"context","text":"session context (source=startup)"}])J"));
  CHECK(runs[0]["completedAt"].is_number_integer());
  CHECK(runs[0]["durationMs"].is_number_integer());
  CHECK(runs[1]["id"] == "user-prompt-submit:1:" + source);
  CHECK(runs[1]["scope"] == "turn");
  CHECK(runs[1]["entries"] == Json::parse(R"([{"kind":"warning","text":"prompt checked"},
                                              {"kind":"context","text":"prompt context"}])"));
  CHECK(methods(messages)[3] == "hook/started");  // right after turn/started

  Json agent = find_all(messages, "item/completed")[1]["item"];
  CHECK(agent["text"] == "You said: \"hello\"\nHook context I received (2):\n"
                         "- session context (source=startup)\n- prompt context");
  Json turn = find(messages, "turn/completed")["turn"];
  CHECK(turn["hookRuns"] == runs);
}

TEST_CASE("a blocked prompt never enters history and the turn completes with no items", "[e2e][hooks]") {
  struct Case {
    const char* script;
    const char* status;
    Json entries;
  };
  const Case cases[] = {
      {"ups_block.sh", "blocked",
       Json::parse(R"([{"kind":"warning","text":"prompt refused"},{"kind":"feedback","text":"blocked by policy"}])")},
      {"ups_exit2.sh", "blocked", Json::parse(R"([{"kind":"feedback","text":"blocked by exit 2"}])")},
      {"ups_continue_false.sh", "stopped",
       Json::parse(R"([{"kind":"warning","text":"stop message"},{"kind":"stop","text":"stopped by hook"}])")},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.script) {
      TempHome home;
      home.write_hooks("{\"hooks\":{" + hook("UserPromptSubmit", sh(c.script)) + "," +
                       hook("Stop", sh("exit1.sh")) + "}}");
      Daemon daemon(home);
      daemon.initialize();
      const std::string thread = start_thread(daemon, home);
      auto messages = run_turn(daemon, thread, "do something forbidden");
      CHECK(methods(messages) == std::vector<std::string>{"<response>", "thread/status/changed", "turn/started",
                                                          "hook/started", "hook/completed",
                                                          "thread/status/changed", "turn/completed"});
      Json turn = find(messages, "turn/completed")["turn"];
      CHECK(turn["status"] == "completed");
      CHECK(turn["items"] == Json::array());
      REQUIRE(turn["hookRuns"].size() == 1);
      CHECK(turn["hookRuns"][0]["status"] == c.status);
      CHECK(turn["hookRuns"][0]["entries"] == c.entries);

      Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}});
      CHECK(read["result"]["thread"]["turns"][0]["items"] == Json::array());
      CHECK(read["result"]["thread"]["preview"] == "");
    }
  }
}

TEST_CASE("a Stop hook that blocks once makes the agent continue within the same turn", "[e2e][hooks]") {
  TempHome home;
  const auto payloads = home.root / "stop-payloads.jsonl";
  home.write_hooks("{\"hooks\":{\"Stop\":[{\"hooks\":["
                   "{\"type\":\"command\",\"command\":" + Json(sh("stop_block_once.sh")).dump() + "},"
                   "{\"type\":\"command\",\"command\":" + Json(sh("record_stdin.sh") + " " + payloads.string()).dump() +
                   "}]}]}}");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "finish the task");
  const std::string source = (home.home / "hooks.json").string();

  auto items = find_all(messages, "item/completed");
  REQUIRE(items.size() == 4);
  CHECK(items[1]["item"]["type"] == "agentMessage");
  const Json expected_prompt = Json{{"type", "hookPrompt"}, {"id", "<id>"},
                                        {"fragments", {{{"text", "please continue once more"},
                                                        {"hookRunId", "stop:0:" + source}}}}};
  CHECK(scrub(items[2]["item"]) == expected_prompt);
  CHECK(items[3]["item"]["text"].get<std::string>().rfind(
            "Continuing because a Stop hook asked me to: <hook_prompt hook_run_id=\"stop:0:", 0) == 0);
  Json turn = find(messages, "turn/completed")["turn"];
  CHECK(turn["status"] == "completed");
  std::vector<std::string> statuses;
  for (const auto& run : turn["hookRuns"]) statuses.push_back(run["status"]);
  CHECK(statuses == std::vector<std::string>{"blocked", "completed", "completed", "completed"});
  CHECK(turn["hookRuns"][0]["entries"] == Json::parse(R"([{"kind":"feedback","text":"please continue once more"}])"));

  std::ifstream in(payloads);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  Json a = Json::parse(first), b = Json::parse(second);
  CHECK(a["stop_hook_active"] == false);
  CHECK(b["stop_hook_active"] == true);
  CHECK(a["hook_event_name"] == "Stop");
  CHECK(a["session_id"] == thread);
  CHECK(a["turn_id"] == turn["id"]);
  CHECK(a["cwd"] == home.workspace.string());
  CHECK(a["permission_mode"] == "bypassPermissions");
  CHECK(a["transcript_path"] == (home.home / "sessions" / (thread + ".jsonl")).string());
  CHECK(a["last_assistant_message"] == items[1]["item"]["text"]);
  // Key order on the wire matches the reference (compact JSON, fixed order).
  CHECK(first.rfind(R"({"session_id":")", 0) == 0);
  CHECK(first.find(R"("stop_hook_active":false,"last_assistant_message":)") != std::string::npos);
}

TEST_CASE("a hook that times out or fails is reported and the turn goes on", "[e2e][hooks]") {
  TempHome home;
  home.write_hooks("{\"hooks\":{" + hook("UserPromptSubmit", "sleep 30 & sleep 30", 1) + "," +
                   hook("Stop", sh("exit1.sh")) + "}}");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto started = std::chrono::steady_clock::now();
  auto messages = run_turn(daemon, thread, "hello");
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  Json turn = find(messages, "turn/completed")["turn"];
  CHECK(turn["status"] == "completed");
  REQUIRE(turn["hookRuns"].size() == 2);
  CHECK(turn["hookRuns"][0]["status"] == "failed");
  CHECK(turn["hookRuns"][0]["entries"] == Json::parse(R"([{"kind":"error","text":"hook timed out after 1s"}])"));
  CHECK(turn["hookRuns"][1]["status"] == "failed");
  CHECK(turn["hookRuns"][1]["entries"] == Json::parse(R"([{"kind":"error","text":"hook exited with code 1"}])"));
  CHECK(find_all(messages, "item/completed").size() == 2);  // the prompt and the reply
}

TEST_CASE("hooks/list shows discovered hooks and a bad hooks.json becomes a warning", "[e2e][hooks]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"Stop":[{"hooks":[{"type":"command","command":"true","timeout":3}]}]}})");
  std::filesystem::create_directories(home.workspace / ".codex");
  std::ofstream(home.workspace / ".codex/hooks.json") << R"({"hooks":{},"extra":1})";
  REQUIRE(home.hooks_command({"trust", "--project"}) == 0);  // untrusted projects are not read
  Daemon daemon(home);
  daemon.initialize();
  Json listed = daemon.request("hooks/list", {{"cwds", {home.workspace.string()}}})["result"];
  const std::string source = (home.home / "hooks.json").string();
  const std::string project = (home.workspace / ".codex/hooks.json").string();
  Json entry = listed["data"][0];
  CHECK(entry["cwd"] == home.workspace.string());
  REQUIRE(entry["hooks"].size() == 1);
  Json meta = entry["hooks"][0];
  CHECK(meta["key"] == source + ":stop:0:0");
  CHECK(meta["eventName"] == "stop");
  CHECK(meta["command"] == "true");
  CHECK(meta["timeoutSec"] == 3);
  CHECK(meta["source"] == "user");
  CHECK(meta["currentHash"].get<std::string>().rfind("sha256:", 0) == 0);
  CHECK(entry["warnings"] == Json{"failed to parse hooks config " + project +
                                  ": unknown field `extra`, expected `description` or `hooks`"});
  // The same warning reaches a client that starts a thread there.
  start_thread(daemon, home);
  auto warnings = find_all(daemon.until("warning"), "warning");
  CHECK(warnings.back()["message"] == entry["warnings"][0]);
}
