// End-to-end: the events beyond the turn — async handlers, SessionEnd, compaction — and what
// hooks see of the daemon (environment) and leave behind (analytics).
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

using namespace e2e;

namespace {
std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
std::string agent_text(const std::vector<Json>& messages) {
  std::string text;
  for (const auto& n : find_all(messages, "item/completed"))
    if (n["item"]["type"] == "agentMessage") text = n["item"]["text"];
  return text;
}
}  // namespace

TEST_CASE("async hooks send no notifications and their context reaches the next model request",
          "[e2e][events]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","async":true,"command":
    "cat >/dev/null; echo '{\"systemMessage\":\"async note\",\"hookSpecificOutput\":{\"hookEventName\":\"UserPromptSubmit\",\"additionalContext\":\"async context\"}}'"}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto first = run_turn(daemon, thread, "one");
  CHECK(find_all(first, "hook/started").empty());
  CHECK(find_all(first, "hook/completed").empty());
  // Its systemMessage arrives as a warning whenever it finishes (maybe already during turn 1).
  if (find_all(first, "warning").empty()) daemon.until("warning");
  auto second = run_turn(daemon, thread, "two");
  CHECK(agent_text(second).find("async context") != std::string::npos);
  // The listing says it is async.
  Json listed = daemon.request("hooks/list", {{"cwds", {home.workspace.string()}}})["result"];
  CHECK(listed["data"][0]["hooks"][0]["async"] == true);
}

TEST_CASE("SessionEnd runs when the last subscriber leaves, then the thread is closed", "[e2e][events]") {
  TempHome home;
  const auto out = home.root / "session_end.json";
  home.write_hooks(R"({"hooks":{"SessionEnd":[{"hooks":[{"type":"command","command":"cat > )" + out.string() +
                   R"("}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  Json reply = daemon.request("thread/unsubscribe", {{"threadId", thread}});
  CHECK(reply["result"]["status"] == "unsubscribed");
  auto messages = daemon.until("thread/closed");
  CHECK(methods(messages) == std::vector<std::string>{"hook/started", "hook/completed", "thread/closed"});
  Json run = find(messages, "hook/completed");
  CHECK(run["turnId"].is_null());
  CHECK(run["run"]["eventName"] == "sessionEnd");
  CHECK(run["run"]["scope"] == "thread");
  CHECK(run["run"]["status"] == "completed");
  Json payload = Json::parse(read_file(out));
  CHECK(payload == Json{{"session_id", thread}, {"transcript_path", payload["transcript_path"]},
                        {"cwd", home.workspace.string()}, {"hook_event_name", "SessionEnd"}, {"reason", "other"}});
  CHECK(daemon.request("thread/loaded/list", Json::object())["result"]["data"] == Json::array());
  // It had no turn: as the reference (which writes a rollout at the first turn), it cannot be
  // resumed; thread/read still shows it.
  CHECK(daemon.request("thread/resume", {{"threadId", thread}})["error"] ==
        Json{{"code", -32600}, {"message", "no rollout found for thread id " + thread}});
  CHECK(daemon.request("thread/read", {{"threadId", thread}})["result"]["thread"]["id"] == thread);
}

TEST_CASE("SessionEnd runs for every loaded thread when the daemon shuts down", "[e2e][events]") {
  TempHome home;
  const auto out = home.root / "ended";
  home.write_hooks(R"({"hooks":{"SessionEnd":[{"hooks":[{"type":"command","command":"cat >/dev/null; echo x >> )" +
                   out.string() + R"("}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  start_thread(daemon, home);
  start_thread(daemon, home);
  CHECK(daemon.close() == 0);
  CHECK(read_file(out) == "x\nx\n");
}

TEST_CASE("thread/compact/start runs PreCompact, a contextCompaction item and PostCompact, then SessionStart says compact",
          "[e2e][events]") {
  TempHome home;
  const auto sources = home.root / "sources";
  const auto compact_in = home.root / "compact.json";
  home.write_hooks(R"({"hooks":{
    "SessionStart":[{"hooks":[{"type":"command","command":"python3 -c \"import json,sys; print(json.load(sys.stdin)['source'])\" >> )" + sources.string() + R"("}]}],
    "PreCompact":[{"matcher":"manual","hooks":[{"type":"command","command":"cat > )" + compact_in.string() + R"("}]}],
    "PostCompact":[{"hooks":[{"type":"command","command":"cat >/dev/null"}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  run_turn(daemon, thread, "before");
  CHECK(daemon.request("thread/compact/start", {{"threadId", thread}})["result"] == Json::object());
  auto messages = daemon.until("turn/completed");
  std::vector<std::string> events;
  for (const auto& m : messages) {
    if (m.value("method", "") == "hook/completed") events.push_back(m["params"]["run"]["eventName"]);
    if (m.value("method", "") == "item/completed") events.push_back(m["params"]["item"]["type"]);
  }
  CHECK(events == std::vector<std::string>{"preCompact", "contextCompaction", "postCompact"});
  CHECK(find(messages, "turn/completed")["turn"]["status"] == "completed");
  Json payload = Json::parse(read_file(compact_in));
  CHECK(payload["hook_event_name"] == "PreCompact");
  CHECK(payload["trigger"] == "manual");
  CHECK_FALSE(payload.contains("permission_mode"));

  auto after = run_turn(daemon, thread, "after");
  CHECK(read_file(sources) == "startup\ncompact\n");
  // The model now sees the summary, not the old conversation.
  CHECK(agent_text(after).find("after") != std::string::npos);
  Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"]["thread"];
  REQUIRE(read["turns"].size() == 3);
  CHECK(read["turns"][1]["items"][0]["type"] == "contextCompaction");
}

TEST_CASE("hooks and the agent's commands do not inherit the model provider's secret, analytics record each run when enabled",
          "[e2e][events]") {
  TempHome home;
  const auto env_out = home.root / "env.txt";
  std::ofstream(home.home / "config.toml") << "[analytics]\nenabled = true\n\n[model_providers.corp]\n"
                                              "name = \"Corp\"\nbase_url = \"http://127.0.0.1:9/v1\"\n"
                                              "env_key = \"CORP_API_KEY\"\n";
  home.write_hooks(R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":"cat >/dev/null; env > )" +
                   env_out.string() + R"("}]}]}})");
  ::setenv("CORP_API_KEY", "secret-value", 1);
  ::setenv("HOOK_VISIBLE_VAR", "visible", 1);
  Daemon daemon(home);
  ::unsetenv("CORP_API_KEY");
  ::unsetenv("HOOK_VISIBLE_VAR");
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hi");
  const std::string env = read_file(env_out);
  CHECK(env.find("CORP_API_KEY") == std::string::npos);
  CHECK(env.find("HOOK_VISIBLE_VAR=visible") != std::string::npos);
  // The model's commands neither: `env` cannot show it the key.
  std::string command_env;
  for (const auto& m : find_all(run_turn(daemon, thread, "!env"), "item/completed"))
    if (m["item"]["type"] == "commandExecution") command_env = m["item"]["aggregatedOutput"];
  CHECK(command_env.find("HOOK_VISIBLE_VAR=visible") != std::string::npos);
  CHECK(command_env.find("CORP_API_KEY") == std::string::npos);

  std::ifstream in(home.home / "analytics/events.jsonl");
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(Json::parse(line) == Json{{"event_type", "codex_hook_run"},
                                  {"event_params",
                                   {{"thread_id", thread},
                                    {"turn_id", messages[0]["result"]["turn"]["id"]},
                                    {"model_slug", "builtin"},
                                    {"hook_name", "UserPromptSubmit"},
                                    {"hook_source", "user"},
                                    {"status", "completed"}}}});
}
