// thread/fork as Codex 0.169 does it: a new thread with the source's turns and forkedFromId,
// the copied token usage, thread/started; its first turn runs SessionStart with source "fork";
// the source is untouched; the fork is stored, listed and resumable after a restart.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;

TEST_CASE("thread/fork copies the turns into a new thread whose first turn starts with source fork", "[e2e][fork]") {
  TempHome home;
  const auto log = home.root / "session_start.jsonl";
  home.write_hooks(R"({"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"cat >> )" + log.string() +
                   R"(; echo >> )" + log.string() + R"("}]}]}})");
  std::string source, fork;
  {
    Daemon daemon(home);
    daemon.initialize();
    source = start_thread(daemon, home);
    run_turn(daemon, source, "the original prompt");
    CHECK(daemon.request("thread/name/set", {{"threadId", source}, {"name", "original"}}).contains("result"));
    daemon.next();  // thread/name/updated

    Json forked = daemon.request("thread/fork", {{"threadId", source}});
    REQUIRE(forked.contains("result"));
    const Json thread = forked["result"]["thread"];
    fork = thread["id"];
    CHECK(fork != source);
    CHECK(thread["forkedFromId"] == source);
    CHECK(thread["name"] == "original");  // the name is copied, as the reference does
    CHECK(thread["preview"] == "the original prompt");
    CHECK(thread["status"] == Json{{"type", "idle"}});
    REQUIRE(thread["turns"].size() == 1);
    const Json original = daemon.request("thread/read", {{"threadId", source}, {"includeTurns", true}})["result"]["thread"];
    CHECK(thread["turns"] == original["turns"]);  // the same turns, ids included, as the reference
    // Then, as the reference: the copied token usage, then thread/started (no turns).
    CHECK(methods(daemon.notifications) == std::vector<std::string>{"thread/tokenUsage/updated", "thread/started"});
    CHECK(daemon.notifications[0]["params"]["threadId"] == fork);
    CHECK(daemon.notifications[1]["params"]["thread"]["turns"] == Json::array());
    daemon.notifications.clear();

    auto messages = run_turn(daemon, fork, "in the fork");
    CHECK(find(messages, "turn/completed")["turn"]["status"] == "completed");
    CHECK(daemon.request("thread/read", {{"threadId", source}, {"includeTurns", true}})["result"]["thread"]["turns"].size() == 1);
    CHECK(daemon.close() == 0);
  }
  std::vector<std::string> sources;  // SessionStart of the source's first turn, then the fork's
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) sources.push_back(Json::parse(line)["source"]);
  CHECK(sources == std::vector<std::string>{"startup", "fork"});

  Daemon daemon(home);  // stored: listed, and resumable with both turns
  daemon.initialize();
  Json listed = daemon.request("thread/list", Json::object())["result"]["data"];
  REQUIRE(listed.size() == 2);
  const Json& listed_fork = listed[0]["id"] == fork ? listed[0] : listed[1];  // same second: id order
  CHECK(listed_fork["id"] == fork);
  CHECK(listed_fork["forkedFromId"] == source);
  Json resumed = daemon.request("thread/resume", {{"threadId", fork}})["result"]["thread"];
  REQUIRE(resumed["turns"].size() == 2);
  CHECK(resumed["turns"][1]["items"][0]["content"][0]["text"] == "in the fork");
  CHECK(daemon.request("thread/fork", {{"threadId", "missing"}})["error"] ==
        Json{{"code", -32600}, {"message", "thread not found: missing"}});
  CHECK(daemon.close() == 0);
}
