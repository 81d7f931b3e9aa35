// Wire details recorded from Codex 0.169 (a mock Responses API, compared message by message):
// thread/tokenUsage/updated after each model response and again after a resume, serviceTier on
// thread/start, thread/status/changed before a resume's response, and the error for resuming
// a thread that has no turn.
#include "daemon_process.hpp"
#include "mock_model.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace e2e;

namespace {
Json usage(std::int64_t total, std::int64_t input, std::int64_t cached, std::int64_t output, std::int64_t reasoning) {
  return {{"totalTokens", total}, {"inputTokens", input}, {"cachedInputTokens", cached}, {"cacheWriteInputTokens", 0},
          {"outputTokens", output}, {"reasoningOutputTokens", reasoning}};
}
Json api_usage(int input, int cached, int output, int reasoning) {
  return {{"input_tokens", input}, {"input_tokens_details", {{"cached_tokens", cached}}}, {"output_tokens", output},
          {"output_tokens_details", {{"reasoning_tokens", reasoning}}}, {"total_tokens", input + output}};
}
}  // namespace

TEST_CASE("thread/tokenUsage/updated follows each model response, sums the thread, and comes back on resume",
          "[e2e][wire]") {
  TempHome home;
  MockModel model(home, Json::array({
                            {{"tool_call", {{"call_id", "c1"}, {"name", "exec_command"},
                                            {"arguments", R"({"cmd":"true"})"}}},
                             {"usage", api_usage(100, 40, 10, 5)}},
                            {{"text", "done"}, {"usage", api_usage(150, 100, 20, 0)}},
                            {{"text", "again"}, {"usage", api_usage(200, 150, 7, 0)}},
                        }));
  model.write_config(home);
  std::string thread, turn1, turn2;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    auto messages = run_turn(daemon, thread, "run it");
    turn1 = messages[0]["result"]["turn"]["id"];
    const auto updates = find_all(messages, "thread/tokenUsage/updated");
    REQUIRE(updates.size() == 2);  // one per model response: the tool call, then the answer
    CHECK(updates[0] == Json{{"threadId", thread}, {"turnId", turn1},
                             {"tokenUsage", {{"total", usage(110, 100, 40, 10, 5)}, {"last", usage(110, 100, 40, 10, 5)},
                                             {"modelContextWindow", nullptr}}}});
    CHECK(updates[1]["tokenUsage"] == Json{{"total", usage(280, 250, 140, 30, 5)}, {"last", usage(170, 150, 100, 20, 0)},
                                           {"modelContextWindow", nullptr}});
    auto seq = methods(messages);  // as the reference: after the message, before idle
    CHECK(std::vector<std::string>(seq.end() - 4, seq.end()) ==
          std::vector<std::string>{"item/completed", "thread/tokenUsage/updated", "thread/status/changed",
                                   "turn/completed"});
    CHECK(daemon.close() == 0);
  }
  Daemon daemon(home);  // a new process: the stored total comes back
  daemon.initialize();
  Json resumed = daemon.request("thread/resume", {{"threadId", thread}});
  REQUIRE(resumed.contains("result"));
  auto around = daemon.received;
  CHECK(methods(around) == std::vector<std::string>{"<response>", "thread/status/changed", "<response>"});
  CHECK(around[1]["params"] == Json{{"threadId", thread}, {"status", {{"type", "idle"}}}});
  Json restored = daemon.next();
  CHECK(restored["method"] == "thread/tokenUsage/updated");
  CHECK(restored["params"]["turnId"] == turn1);
  CHECK(restored["params"]["tokenUsage"]["total"] == usage(280, 250, 140, 30, 5));
  auto messages = run_turn(daemon, thread, "more");
  CHECK(find(messages, "thread/tokenUsage/updated")["tokenUsage"]["total"] == usage(487, 450, 290, 37, 5));
  CHECK(daemon.close() == 0);
}

TEST_CASE("the built-in agent reports its own token counts", "[e2e][wire]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hello");
  const Json reported = find(messages, "thread/tokenUsage/updated")["tokenUsage"];
  const std::string reply = find(messages, "turn/completed")["turn"]["items"][0]["text"];
  std::int64_t output = 0;  // a token per word
  std::istringstream in(reply);
  for (std::string word; in >> word;) ++output;
  CHECK(reported["last"]["outputTokens"] == output);
  CHECK(reported["last"]["inputTokens"] == 1);  // "hello"
  CHECK(reported["last"]["totalTokens"] == output + 1);
  CHECK(reported["total"] == reported["last"]);
}

TEST_CASE("thread/start echoes serviceTier as the reference does, and the model request carries it", "[e2e][wire]") {
  TempHome home;
  MockModel model(home, Json::array({{{"text", "hi"}}, {{"text", "hi"}}}));
  model.write_config(home);
  Daemon daemon(home);
  daemon.initialize();
  auto tier_of = [&](const Json& params) {
    Json r = daemon.request("thread/start", params);
    REQUIRE(r.contains("result"));
    daemon.until("thread/started");
    return std::pair<Json, std::string>{r["result"]["serviceTier"], r["result"]["thread"]["id"]};
  };
  const std::string cwd = home.workspace.string();
  CHECK(tier_of({{"cwd", cwd}}).first == nullptr);                                  // absent: the config's (none)
  const auto [explicit_null, default_thread] = tier_of({{"cwd", cwd}, {"serviceTier", nullptr}});
  CHECK(explicit_null == "default");                                                 // explicit null: the default tier
  const auto [fast, fast_thread] = tier_of({{"cwd", cwd}, {"serviceTier", "fast"}});
  CHECK(fast == "priority");                                                         // legacy "fast"
  CHECK(tier_of({{"cwd", cwd}, {"serviceTier", "flex"}}).first == "flex");
  run_turn(daemon, fast_thread, "a");
  run_turn(daemon, default_thread, "b");
  const auto requests = model.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0]["service_tier"] == "priority");
  CHECK_FALSE(requests[1].contains("service_tier"));  // "default" is not sent
  CHECK(daemon.close() == 0);
}

TEST_CASE("thread/resume of a thread that never ran a turn is the reference's error", "[e2e][wire]") {
  TempHome home;
  std::string thread;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    CHECK(daemon.close() == 0);
  }
  Daemon daemon(home);
  daemon.initialize();
  CHECK(daemon.request("thread/resume", {{"threadId", thread}})["error"] ==
        Json{{"code", -32600}, {"message", "no rollout found for thread id " + thread}});
  CHECK(daemon.close() == 0);
}

TEST_CASE("hook discovery warnings are sent once per load, not again on every thread/resume", "[e2e][wire]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{},"not_a_hooks_key":1})");  // a warning naming the file and field
  Daemon daemon(home);
  daemon.initialize();
  Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()}});
  const std::string thread = started["result"]["thread"]["id"];
  auto first = daemon.until("warning");
  CHECK(first.back()["params"]["threadId"] == thread);
  run_turn(daemon, thread, "hello");
  daemon.notifications.clear();
  REQUIRE(daemon.request("thread/resume", {{"threadId", thread}}).contains("result"));  // already loaded
  CHECK(find_all(daemon.notifications, "warning").empty());
  daemon.request("thread/loaded/list", Json::object());  // anything sent after the resume has arrived
  for (const auto& m : daemon.notifications) CHECK(m.value("method", "") != "warning");
  CHECK(daemon.close() == 0);
}
