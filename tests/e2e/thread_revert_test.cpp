// thread/revert and thread/items/list as Codex 0.169 does them (recorded): the turns from
// beforeTurnId on are dropped — from thread/read, from what the model sees next, and after a
// restart —; a running turn is interrupted first; the next turn runs SessionStart "resume";
// items page by cursor in both directions.
#include "daemon_process.hpp"
#include "mock_model.hpp"

#include <catch2/catch.hpp>

using namespace e2e;

namespace {
const char* kSessionStartHooks = R"({"hooks":{
  "SessionStart":[{"hooks":[{"type":"command","command":"sh $FIXTURES/ups_context.sh"}]}]}})";

std::vector<std::string> user_texts(const Json& request) {
  std::vector<std::string> out;
  for (const auto& input : request["input"])
    if (input.value("role", "") == "user" && input["content"][0].value("type", "") == "input_text")
      out.push_back(input["content"][0]["text"]);
  return out;
}
}  // namespace

TEST_CASE("thread/revert drops a turn and every later one, for clients, for the model and after a restart",
          "[e2e][revert]") {
  TempHome home;
  MockModel model(home, Json::array({{{"text", "a1"}}, {{"text", "a2"}}, {{"text", "a3"}}, {{"text", "a4"}}, {{"text", "a5"}}}));
  model.write_config(home);
  home.write_hooks(kSessionStartHooks);
  std::string thread, first, second;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    first = find(run_turn(daemon, thread, "one"), "turn/started")["turn"]["id"];
    second = find(run_turn(daemon, thread, "two"), "turn/started")["turn"]["id"];
    run_turn(daemon, thread, "three");
    CHECK(daemon.request("thread/revert", {{"threadId", thread}, {"beforeTurnId", "nope"}})["error"] ==
          Json{{"code", -32600}, {"message", "turn not found: nope"}});
    Json reverted = daemon.request("thread/revert", {{"threadId", thread}, {"beforeTurnId", second}});
    // As the reference: unloaded and loaded again, then the response, then thread/reverted.
    std::vector<std::string> statuses;
    for (const auto& m : daemon.notifications)
      if (m.value("method", "") == "thread/status/changed") statuses.push_back(m["params"]["status"]["type"]);
    CHECK(statuses == std::vector<std::string>{"notLoaded", "idle"});
    daemon.notifications.clear();
    CHECK(reverted["result"]["thread"]["turns"] == Json::array());
    CHECK(reverted["result"]["turnsBackwardsCursor"].is_string());
    Json notification = daemon.next();
    notification.erase("emittedAtMs");
    CHECK(notification == Json{{"method", "thread/reverted"}, {"params", {{"threadId", thread}}}});
    Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"]["thread"];
    REQUIRE(read["turns"].size() == 1);
    CHECK(read["turns"][0]["id"] == first);
    // The model sees turn one only; the next turn starts with SessionStart "resume".
    auto next = run_turn(daemon, thread, "four");
    CHECK(find(next, "hook/completed")["run"]["eventName"] == "sessionStart");
    const auto requests = model.requests();
    REQUIRE(requests.size() == 4);
    auto texts = user_texts(requests[3]);
    CHECK(std::find(texts.begin(), texts.end(), "two") == texts.end());
    CHECK(std::find(texts.begin(), texts.end(), "one") != texts.end());
    CHECK(texts.back() == "four");
    CHECK(daemon.close() == 0);
  }
  // After a restart: the same turns, and the model still sees no reverted turn.
  Daemon daemon(home);
  daemon.initialize();
  Json resumed = daemon.request("thread/resume", {{"threadId", thread}})["result"]["thread"];
  std::vector<std::string> prompts;
  for (const auto& turn : resumed["turns"]) prompts.push_back(turn["items"][0]["content"][0]["text"]);
  CHECK(prompts == std::vector<std::string>{"one", "four"});
  run_turn(daemon, thread, "five");
  const auto texts = user_texts(model.requests().back());
  CHECK(std::find(texts.begin(), texts.end(), "three") == texts.end());
  CHECK(daemon.close() == 0);
}

TEST_CASE("thread/revert during a turn interrupts it first", "[e2e][revert]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  const std::string first = find(run_turn(daemon, thread, "hello"), "turn/started")["turn"]["id"];
  daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "!sleep 30"}}}}});
  daemon.until("item/started");
  Json reverted = daemon.request("thread/revert", {{"threadId", thread}, {"beforeTurnId", first}});
  CHECK(reverted["result"]["thread"]["turns"] == Json::array());
  CHECK(reverted["result"]["turnsBackwardsCursor"] == nullptr);
  CHECK(find(daemon.notifications, "turn/completed")["turn"]["status"] == "interrupted");
  CHECK(daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"]["thread"]["turns"] ==
        Json::array());
  CHECK(daemon.close() == 0);
}

TEST_CASE("thread/items/list pages a thread's items by cursor, both ways and per turn", "[e2e][revert]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  std::vector<std::string> turns;
  for (const char* text : {"one", "two", "three"})
    turns.push_back(find(run_turn(daemon, thread, text), "turn/started")["turn"]["id"]);
  auto list = [&](Json params) {
    params["threadId"] = thread;
    return daemon.request("thread/items/list", params)["result"];
  };
  auto texts = [](const Json& page) {
    std::vector<std::string> out;
    for (const auto& e : page["data"])
      out.push_back(e["item"]["type"] == "userMessage" ? e["item"]["content"][0]["text"].get<std::string>() : "reply");
    return out;
  };
  Json all = list(Json::object());
  CHECK(texts(all) == std::vector<std::string>{"one", "reply", "two", "reply", "three", "reply"});
  CHECK(all["nextCursor"] == nullptr);
  CHECK(all["data"][2]["turnId"] == turns[1]);
  Json page1 = list({{"limit", 2}});
  CHECK(texts(page1) == std::vector<std::string>{"one", "reply"});
  Json page2 = list({{"limit", 2}, {"cursor", page1["nextCursor"]}});
  CHECK(texts(page2) == std::vector<std::string>{"two", "reply"});
  Json back = list({{"limit", 2}, {"cursor", page2["backwardsCursor"]}, {"sortDirection", "desc"}});
  CHECK(texts(back) == std::vector<std::string>{"two", "reply"});  // from page 2's first item, the other way
  CHECK(texts(list({{"limit", 2}, {"sortDirection", "desc"}})) == std::vector<std::string>{"reply", "three"});
  CHECK(texts(list({{"turnId", turns[1]}})) == std::vector<std::string>{"two", "reply"});
  const std::string anchor = all["data"][2]["item"]["id"];
  CHECK(texts(list({{"turnId", turns[1]}, {"cursor", {{"type", "item"}, {"itemId", anchor}}}})) ==
        std::vector<std::string>{"reply"});
  CHECK(daemon.request("thread/items/list", {{"threadId", thread}, {"turnId", "nope"}})["error"]["message"] ==
        "turn not found: nope");
  CHECK(daemon.request("thread/items/list", {{"threadId", "nope"}})["error"]["message"] == "thread not found: nope");
  CHECK(daemon.close() == 0);
}
