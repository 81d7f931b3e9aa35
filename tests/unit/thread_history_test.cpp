#include "protocol/methods.hpp"
#include "server/agent/responses_format.hpp"
#include "server/threads/thread_history.hpp"
#include "server/threads/thread_store.hpp"
#include "schema/schema_validator.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace appserver;
using protocol::encode;
using protocol::Json;
namespace v2 = protocol::v2;

namespace {
v2::Thread make_thread() {
  v2::Thread t;
  t.id = "thread-1";
  t.sessionId = "thread-1";
  t.cwd = "/w";
  t.createdAt = t.updatedAt = 100;
  return t;
}

v2::HookRunSummary run(const char* id, v2::HookRunStatus status) {
  v2::HookRunSummary r;
  r.id = id;
  r.status = status;
  r.startedAt = 101;
  r.completedAt = 101;
  r.durationMs = 4;
  return r;
}

/// The stored records of one completed turn with a SessionStart run and a user prompt.
std::vector<std::pair<std::string, Json>> one_turn() {
  v2::Turn turn;
  turn.id = "turn-1";
  turn.startedAt = 101;
  v2::UserMessageItem user{"item-1", std::nullopt, {v2::TextUserInput{"hello", {}}}};
  v2::AgentMessageItem agent{"item-2", "hi there", std::nullopt};
  v2::Turn done = turn;
  done.status = v2::TurnStatus::completed;
  done.completedAt = 103;
  done.durationMs = 2000;
  return {
      {"thread/started", encode(v2::ThreadStartedNotification{make_thread()})},
      {"turn/started", encode(v2::TurnStartedNotification{"thread-1", turn})},
      {"hook/completed", encode(v2::HookCompletedNotification{"thread-1", "turn-1",
                                                               run("session-start:0:/h", v2::HookRunStatus::completed)})},
      {"$/developerMessage", Json{{"turnId", "turn-1"}, {"text", "ctx"}}},
      {"item/completed", encode(v2::ItemCompletedNotification{user, "thread-1", "turn-1", 0, std::nullopt})},
      {"item/completed", encode(v2::ItemCompletedNotification{agent, "thread-1", "turn-1", 0, std::nullopt})},
      {"hook/completed", encode(v2::HookCompletedNotification{"thread-1", "turn-1",
                                                               run("stop:1:/h", v2::HookRunStatus::blocked)})},
      {"turn/completed", encode(v2::TurnCompletedNotification{"thread-1", done})},
  };
}
}  // namespace

TEST_CASE("the reducer folds stored notifications into turns with items and hookRuns", "[history]") {
  ThreadHistory history;
  for (const auto& [method, params] : one_turn()) history.apply(method, params);
  REQUIRE(history.turns().size() == 1);
  v2::Turn expected;
  expected.id = "turn-1";
  expected.itemsView = v2::TurnItemsView::full;
  expected.status = v2::TurnStatus::completed;
  expected.startedAt = 101;
  expected.completedAt = 103;
  expected.durationMs = 2000;
  expected.items = {v2::UserMessageItem{"item-1", std::nullopt, {v2::TextUserInput{"hello", {}}}},
                    v2::AgentMessageItem{"item-2", "hi there", std::nullopt}};
  expected.hookRuns = {run("session-start:0:/h", v2::HookRunStatus::completed),
                       run("stop:1:/h", v2::HookRunStatus::blocked)};
  CHECK(history.turns()[0] == expected);
  CHECK(history.thread().preview == "hello");
  CHECK(history.thread().updatedAt == 103);
  CHECK(history.model_messages() == std::vector<ModelMessage>{
                                        {"developer", "ctx"}, {"user", "hello"}, {"assistant", "hi there"}});
}

TEST_CASE("turn/completed is stored without the items and hookRuns the reducer already has", "[history]") {
  auto records = one_turn();
  ThreadHistory sent;
  for (const auto& [method, params] : records) sent.apply(method, params);

  Json stored = stored_turn_completed(records.back().second);
  Json expected = records.back().second;
  expected["turn"]["items"] = Json::array();
  expected["turn"]["hookRuns"] = Json::array();
  expected["turn"]["itemsView"] = "notLoaded";
  CHECK(stored == expected);
  CHECK_FALSE(schema::SchemaValidator().validate_notification("turn/completed", stored));

  records.back().second = stored;
  ThreadHistory replayed;
  for (const auto& [method, params] : records) replayed.apply(method, params);
  CHECK(replayed.thread() == sent.thread());
  CHECK(replayed.model_messages() == sent.model_messages());
}

TEST_CASE("a turn cut off mid-way replays as interrupted with what it completed", "[history]") {
  ThreadHistory history;
  auto records = one_turn();
  records.pop_back();  // no turn/completed
  for (const auto& [method, params] : records) history.apply(method, params);
  history.finish_replay();
  CHECK(history.turns()[0].status == v2::TurnStatus::interrupted);
  CHECK(history.turns()[0].items.size() == 2);
  CHECK(history.turns()[0].hookRuns.size() == 2);
}

TEST_CASE("the store skips a torn last line and keeps every complete record", "[history]") {
  auto dir = std::filesystem::temp_directory_path() / ("store-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ThreadStore store(dir);
  {
    auto log = store.open_log("thread-1");
    for (const auto& [method, params] : one_turn()) log->append(method, params);
  }
  std::ofstream(store.path_for("thread-1"), std::ios::app) << R"({"method":"turn/started","par)";
  auto loaded = store.load("thread-1");
  REQUIRE(loaded);
  REQUIRE(loaded->warnings.size() == 1);
  CHECK(loaded->warnings[0] == store.path_for("thread-1").string() +
                                   ":9: skipping torn last line (the writer stopped mid-line)");
  REQUIRE(loaded->history.turns().size() == 1);
  CHECK(loaded->history.turns()[0].status == v2::TurnStatus::completed);
  CHECK(loaded->history.turns()[0].hookRuns.size() == 2);

  auto listed = store.list();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == "thread-1");
  CHECK(listed[0].turns.empty());
  CHECK_FALSE(store.load("../etc/passwd"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a $/revert record drops its turn and the later ones, with what the model saw of them", "[history]") {
  ThreadHistory history;
  for (const auto& [method, params] : one_turn()) history.apply(method, params);
  const auto after_first = history.model_messages();
  // A second turn, recorded the same way under another id, with a user shell record.
  for (auto [method, params] : one_turn()) {
    if (method == "thread/started") continue;
    std::string text = params.dump();
    for (std::size_t at; (at = text.find("turn-1")) != std::string::npos;) text.replace(at, 6, "turn-2");
    history.apply(method, Json::parse(text));
  }
  history.apply("$/userContext", Json{{"turnId", "turn-2"}, {"text", "<user_shell_command>…"}});
  REQUIRE(history.turns().size() == 2);
  CHECK(history.model_messages().size() > after_first.size());
  history.apply("$/revert", Json{{"beforeTurnId", "turn-2"}});
  REQUIRE(history.turns().size() == 1);
  CHECK(history.turns()[0].id == "turn-1");
  CHECK(history.model_messages() == after_first);
  CHECK(history.has_turn("turn-1"));
  CHECK_FALSE(history.has_turn("turn-2"));
  history.apply("$/revert", Json{{"beforeTurnId", "unknown"}});  // nothing to cut
  CHECK(history.turns().size() == 1);
  history.apply("$/revert", Json{{"beforeTurnId", "turn-1"}});
  CHECK(history.turns().empty());
  CHECK(history.model_messages().empty());
  CHECK_THROWS_AS(history.apply("$/revert", Json{{"beforeTurnId", 5}}), protocol::DecodeError);
}

TEST_CASE("a tool search and a namespaced call are kept and replayed to the model as Codex replays them",
          "[history]") {
  using protocol::Json;
  ThreadHistory history;
  history.apply(kFunctionCallRecord, {{"turnId", "t"}, {"callId", "ts_1"}, {"toolSearch", true},
                                      {"arguments", {{"query", "spawn agent"}}}});
  const Json found = Json::array({{{"type", "namespace"}, {"name", "multi_agent_v1"}, {"tools", Json::array()}}});
  history.apply(kFunctionCallOutputRecord, {{"turnId", "t"}, {"callId", "ts_1"}, {"toolSearch", true}, {"tools", found}});
  history.apply(kFunctionCallRecord, {{"turnId", "t"}, {"callId", "c"}, {"name", "spawn_agent"},
                                      {"namespace", "multi_agent_v1"}, {"arguments", {{"message", "m"}}}});
  history.apply(kFunctionCallOutputRecord, {{"turnId", "t"}, {"callId", "c"}, {"output", "{}"}});
  CHECK(responses_input(history.model_messages()) == Json::parse(R"([
    {"type": "tool_search_call", "call_id": "ts_1", "status": "completed", "execution": "client",
     "arguments": {"query": "spawn agent"}},
    {"type": "tool_search_output", "call_id": "ts_1", "status": "completed", "execution": "client",
     "tools": [{"type": "namespace", "name": "multi_agent_v1", "tools": []}]},
    {"type": "function_call", "call_id": "c", "name": "spawn_agent", "namespace": "multi_agent_v1",
     "arguments": "{\"message\":\"m\"}"},
    {"type": "function_call_output", "call_id": "c", "output": "{}"}])"));
  // With the sub-agent tools offered, a developer message names their namespace first.
  const Json offered = responses_input(history.model_messages(), true);
  CHECK(offered[0] == Json::parse(R"({"type": "message", "role": "developer", "content": [{"type": "input_text",
    "text": "<tools>\nDeferred tool namespaces:\n- multi_agent_v1: Tools for spawning and managing sub-agents.\n</tools>"}]})"));
  CHECK(offered.size() == 5);
}
