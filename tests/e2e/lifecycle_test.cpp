// End-to-end: initialize, threads, a plain turn, and JSON-RPC error handling over stdio.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

using namespace e2e;

TEST_CASE("a plain turn without hooks streams the reference's notification sequence", "[e2e]") {
  TempHome home;
  Daemon daemon(home);
  Json init = daemon.initialize();
  CHECK(init["result"]["userAgent"].get<std::string>().rfind("e2e/0.169.0 (", 0) == 0);
  CHECK(init["result"]["codexHome"] == home.home.string());
  const std::string thread = start_thread(daemon, home);
  CHECK(methods(daemon.received) ==
        std::vector<std::string>{"<response>", "<response>", "thread/started"});

  auto messages = run_turn(daemon, thread, "hello");
  auto seq = methods(messages);
  std::vector<std::string> head(seq.begin(), seq.begin() + 6);
  CHECK(head == std::vector<std::string>{"<response>", "thread/status/changed", "turn/started",
                                         "item/started", "item/completed", "item/started"});
  std::vector<std::string> tail(seq.end() - 4, seq.end());
  CHECK(tail == std::vector<std::string>{"item/completed", "thread/tokenUsage/updated", "thread/status/changed",
                                         "turn/completed"});
  CHECK(find_all(messages, "item/agentMessage/delta").size() > 2);
  CHECK(find_all(messages, "hook/started").empty());

  CHECK(scrub(messages[0]["result"]) == Json::parse(R"({"turn":{"id":"<id>","rootTurnId":"<id>",
      "items":[],"itemsView":"notLoaded","status":"inProgress","error":null,"startedAt":null,
      "completedAt":null,"durationMs":null,"hookRuns":[]}})"));
  Json user = find_all(messages, "item/completed")[0];
  CHECK(scrub(user) == Json::parse(R"({"threadId":"<id>","turnId":"<id>","completedAtMs":0,
      "contentTokenCount":null,"item":{"type":"userMessage","id":"<id>","clientId":null,
      "content":[{"type":"text","text":"hello","text_elements":[]}]}})"));
  const std::string reply = "You said: \"hello\"\nNo hook context reached me in this turn.";
  Json completed = find(messages, "turn/completed");
  CHECK(scrub(completed) == Json::parse(R"({"threadId":"<id>","turn":{"id":"<id>","rootTurnId":"<id>",
      "items":[{"type":"agentMessage","id":"<id>","text":)" + Json(reply).dump() + R"(,"phase":null}],
      "itemsView":"summary","status":"completed","error":null,"startedAt":0,"completedAt":0,
      "durationMs":0,"hookRuns":[]}})"));
  std::string streamed;
  for (const auto& delta : find_all(messages, "item/agentMessage/delta")) streamed += delta["delta"];
  CHECK(streamed == reply);
  for (const auto& m : messages)
    if (m.contains("method")) CHECK(m["emittedAtMs"].is_number_integer());
  CHECK(daemon.close() == 0);
}

TEST_CASE("thread/read, thread/list and thread/loaded/list describe the thread", "[e2e]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  run_turn(daemon, thread, "first prompt");

  Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"]["thread"];
  CHECK(read["id"] == thread);
  CHECK(read["preview"] == "first prompt");
  CHECK(read["status"] == Json{{"type", "idle"}});
  CHECK(read["cwd"] == home.workspace.string());
  CHECK(read["path"] == (home.home / "sessions" / (thread + ".jsonl")).string());
  REQUIRE(read["turns"].size() == 1);
  CHECK(read["turns"][0]["itemsView"] == "full");
  CHECK(read["turns"][0]["items"].size() == 2);

  Json without = daemon.request("thread/read", {{"threadId", thread}})["result"]["thread"];
  CHECK(without["turns"] == Json::array());

  Json listed = daemon.request("thread/list", Json::object())["result"];
  REQUIRE(listed["data"].size() == 1);
  CHECK(listed["data"][0]["id"] == thread);
  CHECK(listed["nextCursor"].is_null());
  CHECK(daemon.request("thread/loaded/list", Json::object())["result"] ==
        Json{{"data", {thread}}, {"nextCursor", nullptr}});
}

TEST_CASE("protocol errors get JSON-RPC errors and the session continues", "[e2e]") {
  TempHome home;
  Daemon daemon(home, {"--max-message-bytes", "2000"});
  auto error_of = [&](const Json& response) { return response["error"]; };

  CHECK(error_of(daemon.request("thread/list", Json::object())) ==
        Json{{"code", -32600}, {"message", "Not initialized"}});
  daemon.initialize();
  CHECK(error_of(daemon.request("initialize", {{"clientInfo", {{"name", "x"}, {"version", "1"}}}})) ==
        Json{{"code", -32600}, {"message", "Already initialized"}});

  daemon.send_line("this is not json");
  CHECK(daemon.next() == Json::parse(R"({"id":null,"error":{"code":-32700,"message":"Parse error: invalid JSON"}})"));
  daemon.send_line(R"([{"id":9,"method":"thread/list","params":{}}])");
  CHECK(daemon.next()["error"]["code"] == -32600);
  daemon.send_line(std::string(5000, 'x') + R"({"id":10})");
  CHECK(daemon.next() == Json::parse(R"({"id":null,"error":{"code":-32600,
      "message":"Invalid request: message exceeds the limit of 2000 bytes"}})"));

  CHECK(error_of(daemon.request("no/such/method", Json::object())) ==
        Json{{"code", -32601}, {"message", "Method not found: no/such/method"}});
  CHECK(error_of(daemon.request("turn/start", {{"threadId", "t"}, {"input", {{{"type", "text"}, {"text", 5}}}}})) ==
        Json{{"code", -32602}, {"message", "Invalid params: params.input[0].text: expected string"}});
  CHECK(error_of(daemon.request("turn/start", {{"threadId", "nope"}, {"input", Json::array()}})) ==
        Json{{"code", -32600}, {"message", "thread not loaded: nope"}});
  CHECK(error_of(daemon.request("thread/read", {{"threadId", "nope"}})) ==
        Json{{"code", -32600}, {"message", "thread not found: nope"}});

  // String ids are echoed, and the session still works after all of the above.
  daemon.send(Json{{"id", "str-1"}, {"method", "thread/loaded/list"}, {"params", Json::object()}});
  CHECK(daemon.next()["id"] == "str-1");
  const std::string thread = start_thread(daemon, home);
  CHECK(find(run_turn(daemon, thread, "still alive"), "turn/completed")["turn"]["status"] == "completed");
  CHECK(daemon.close() == 0);
}
