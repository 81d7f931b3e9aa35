// thread/delete as Codex 0.169 answers it: a loaded thread is announced notLoaded to its
// subscribers, the response is {}, then every connection hears thread/deleted; the file and the
// index row are gone (thread/read, thread/list, thread/resume no longer find it).
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

using namespace e2e;

TEST_CASE("thread/delete removes a loaded or stored thread for good and tells every connection", "[e2e][delete]") {
  TempHome home;
  std::string stored;
  {
    Daemon daemon(home);
    daemon.initialize();
    stored = start_thread(daemon, home);
    run_turn(daemon, stored, "kept on disk");
    CHECK(daemon.close() == 0);
  }
  Daemon daemon(home);
  daemon.initialize();
  WsClient* other = nullptr;  // a second connection, when the transport allows one
  std::unique_ptr<WsClient> second;
  if (websocket_transport()) {
    second = std::make_unique<WsClient>(daemon.ws_url());
    second->initialize("other");
    other = second.get();
  }
  const std::string loaded = start_thread(daemon, home);
  run_turn(daemon, loaded, "to be deleted");

  CHECK(daemon.request("thread/delete", {{"threadId", loaded}})["result"] == Json::object());
  CHECK(methods(daemon.notifications) == std::vector<std::string>{"thread/status/changed"});
  CHECK(daemon.notifications[0]["params"] == Json{{"threadId", loaded}, {"status", {{"type", "notLoaded"}}}});
  daemon.notifications.clear();
  CHECK(daemon.next()["params"] == Json{{"threadId", loaded}});  // thread/deleted
  if (other) CHECK(other->until("thread/deleted").back()["params"] == Json{{"threadId", loaded}});
  CHECK_FALSE(std::filesystem::exists(home.home / "sessions" / (loaded + ".jsonl")));

  CHECK(daemon.request("thread/delete", {{"threadId", stored}})["result"] == Json::object());  // not loaded
  CHECK(daemon.next()["method"] == "thread/deleted");
  CHECK_FALSE(std::filesystem::exists(home.home / "sessions" / (stored + ".jsonl")));

  for (const auto& id : {loaded, stored}) {
    CHECK(daemon.request("thread/read", {{"threadId", id}})["error"]["message"] == "thread not found: " + id);
    CHECK(daemon.request("thread/delete", {{"threadId", id}})["error"] ==
          Json{{"code", -32600}, {"message", "thread not found: " + id}});
  }
  CHECK(daemon.request("thread/list", Json::object())["result"]["data"] == Json::array());
  CHECK(daemon.request("thread/loaded/list", Json::object())["result"]["data"] == Json::array());
  CHECK(daemon.close() == 0);
}

TEST_CASE("thread/delete refuses a thread whose turn is running", "[e2e][delete]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  Json started = daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "!sleep 1"}}}}});
  REQUIRE(started.contains("result"));
  CHECK(daemon.request("thread/delete", {{"threadId", thread}})["error"] ==
        Json{{"code", -32600}, {"message", "thread " + thread + " is running a turn; interrupt it first"}});
  daemon.until("turn/completed");
  CHECK(daemon.request("thread/delete", {{"threadId", thread}})["result"] == Json::object());
  CHECK(daemon.close() == 0);
}
