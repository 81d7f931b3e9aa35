// End-to-end: what a remote UI (the Codex TUI) asks at startup, and turn/interrupt.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

using namespace e2e;

TEST_CASE("a UI's startup requests get valid, empty-where-nothing-exists results", "[e2e][ui]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize("codex-tui");
  auto result = [&](const std::string& method, Json params) {
    Json response = daemon.request(method, std::move(params));
    INFO(method << ": " << response.dump());
    REQUIRE(response.contains("result"));
    return response["result"];
  };
  CHECK(result("account/read", Json::object()) ==
        Json::parse(R"({"account":null,"requiresOpenaiAuth":false,"userId":null})"));
  Json models = result("model/list", {{"includeHidden", true}});
  REQUIRE(models["data"].size() == 1);
  CHECK(models["data"][0]["id"] == "builtin");
  CHECK(models["data"][0]["isDefault"] == true);
  Json config = result("config/read", {{"includeLayers", true}, {"cwd", "."}});
  CHECK(config["config"]["model"] == "builtin");
  CHECK(config["origins"] == Json::object());
  daemon.send_line(R"({"id":"reqs","method":"configRequirements/read","params":null})");
  CHECK(daemon.next() == Json::parse(R"({"id":"reqs","result":{"requirements":null}})"));
  CHECK(result("skills/list", {{"cwds", {home.workspace.string()}}, {"forceReload", true}}) ==
        Json{{"data", {{{"cwd", home.workspace.string()}, {"skills", Json::array()}, {"errors", Json::array()}}}}});
  CHECK(result("collaborationMode/list", Json::object()) == Json{{"data", Json::array()}});
  CHECK(result("plugin/installed", {{"cwds", Json::array()}}) ==
        Json::parse(R"({"marketplaces":[],"marketplaceLoadErrors":[]})"));
  CHECK(result("account/bedrock/checkGovCloudRequirements", Json::object()) ==
        Json::parse(R"({"isGovCloud":false,"shouldWarn":false})"));

  const std::string thread = start_thread(daemon, home);
  run_turn(daemon, thread, "one");
  run_turn(daemon, thread, "two");
  Json page = result("thread/turns/list", {{"threadId", thread}, {"limit", 1}});
  REQUIRE(page["data"].size() == 1);
  CHECK(page["data"][0]["items"][0]["content"][0]["text"] == "two");  // newest first
  CHECK(page["nextCursor"] == "1");
  CHECK(result("thread/turns/list", {{"threadId", thread}, {"cursor", "1"}})["data"][0]["items"][0]["content"][0]["text"] == "one");
  // The TUI asks after /fork; exec_command keeps no background terminals.
  CHECK(result("thread/backgroundTerminals/list", {{"threadId", thread}}) == Json{{"data", Json::array()}, {"nextCursor", nullptr}});
  CHECK(daemon.close() == 0);
}

TEST_CASE("turn/interrupt stops a turn waiting on a hook, runs Interrupt hooks first, replies {}", "[e2e][ui]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{
    "UserPromptSubmit":[{"hooks":[{"type":"command","command":"sleep 30","timeout":60}]}],
    "Interrupt":[{"hooks":[{"type":"command","command":"cat >/dev/null; echo '{\"systemMessage\":\"interrupted by the user\"}'"}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  Json started = daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "wait"}}}}});
  const std::string turn = started["result"]["turn"]["id"];
  daemon.until("hook/started");  // the prompt hook is sleeping

  const auto before = std::chrono::steady_clock::now();
  daemon.send(Json{{"id", 99}, {"method", "turn/interrupt"}, {"params", {{"threadId", thread}, {"turnId", turn}}}});
  auto messages = daemon.until("turn/completed");
  CHECK(std::chrono::steady_clock::now() - before < 5s);
  std::vector<std::string> seq;
  for (const auto& m : messages) {
    if (m.contains("method")) seq.push_back(m["method"].get<std::string>() +
                                            (m["method"] == "hook/completed" ? ":" + m["params"]["run"]["eventName"].get<std::string>() : ""));
    else seq.push_back("<response " + m["id"].dump() + ">");
  }
  CHECK(seq == std::vector<std::string>{"hook/completed:userPromptSubmit", "hook/started", "hook/completed:interrupt",
                                        "<response 99>", "thread/status/changed", "turn/completed"});
  CHECK(messages[0]["params"]["run"]["entries"] == Json::parse(R"([{"kind":"error","text":"hook was cancelled"}])"));
  CHECK(messages[2]["params"]["run"]["entries"] == Json::parse(R"([{"kind":"warning","text":"interrupted by the user"}])"));
  CHECK(messages[3]["result"] == Json::object());
  Json done = messages.back()["params"]["turn"];
  CHECK(done["status"] == "interrupted");
  CHECK(done["items"] == Json::array());

  // The stored turn keeps its hook runs; a second interrupt is an error; the thread goes on.
  Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}});
  CHECK(read["result"]["thread"]["turns"][0]["status"] == "interrupted");
  CHECK(read["result"]["thread"]["turns"][0]["hookRuns"].size() == 2);
  CHECK(daemon.request("turn/interrupt", {{"threadId", thread}, {"turnId", turn}})["error"]["code"] == -32600);
  CHECK(daemon.close() == 0);
}
