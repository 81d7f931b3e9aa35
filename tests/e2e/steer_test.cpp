// turn/steer: input sent while a turn runs joins it, as in Codex 0.169 — answered at once with
// the turn id, run through UserPromptSubmit, added as a userMessage item before the next model
// request, stored with the turn; the reference's errors otherwise.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

using namespace e2e;

TEST_CASE("a steered prompt joins the running turn after its tool call, through UserPromptSubmit", "[e2e][steer]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":"sh $FIXTURES/ups_context.sh"}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  Json started = daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "!sleep 1"}}}}});
  const std::string turn = started["result"]["turn"]["id"];
  std::vector<Json> messages{started};
  for (;;) {  // until the command runs
    messages.push_back(daemon.next());
    if (messages.back().value("method", "") == "item/started" &&
        messages.back()["params"]["item"]["type"] == "commandExecution")
      break;
  }
  Json steered = daemon.request("turn/steer", {{"threadId", thread}, {"expectedTurnId", turn},
                                               {"input", {{{"type", "text"}, {"text", "also say hi"}}}}});
  CHECK(steered["result"] == Json{{"turnId", turn}});
  CHECK(daemon.request("turn/steer", {{"threadId", thread}, {"expectedTurnId", "turn-x"},
                                      {"input", {{{"type", "text"}, {"text", "x"}}}}})["error"] ==
        Json{{"code", -32600}, {"message", "expected active turn id `turn-x` but found `" + turn + "`"}});
  for (auto& m : daemon.notifications) messages.push_back(m);
  daemon.notifications.clear();
  for (auto& m : daemon.until("turn/completed")) messages.push_back(std::move(m));

  // After the command: UserPromptSubmit for the steered text, then its userMessage, then the answer.
  std::vector<std::string> after;
  bool seen_command = false;
  for (const auto& m : messages) {
    const std::string method = m.value("method", "");
    if (method == "item/completed" && m["params"]["item"]["type"] == "commandExecution") seen_command = true;
    else if (seen_command && (method.rfind("hook/", 0) == 0 || method.rfind("item/", 0) == 0) &&
             method != "item/agentMessage/delta")
      after.push_back(method + (method.rfind("item/", 0) == 0 ? " " + m["params"]["item"]["type"].get<std::string>() : ""));
  }
  CHECK(after == std::vector<std::string>{"hook/started", "hook/completed", "item/started userMessage",
                                          "item/completed userMessage", "item/started agentMessage",
                                          "item/completed agentMessage"});
  const auto runs = find_all(messages, "hook/completed");
  REQUIRE(runs.size() == 2);  // the turn's prompt and the steered one
  const Json final_turn = find(messages, "turn/completed")["turn"];
  CHECK(final_turn["status"] == "completed");
  const std::string answer = final_turn["items"].back()["text"];
  CHECK(answer.find("I ran `sleep 1`") != std::string::npos);
  CHECK(answer.find("You said: \"also say hi\"") != std::string::npos);

  CHECK(daemon.request("turn/steer", {{"threadId", thread}, {"expectedTurnId", turn},
                                      {"input", {{{"type", "text"}, {"text", "late"}}}}})["error"] ==
        Json{{"code", -32600}, {"message", "no active turn to steer"}});
  // Stored with its turn.
  Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"];
  std::vector<std::string> types;
  for (const auto& item : read["thread"]["turns"][0]["items"]) types.push_back(item["type"]);
  CHECK(types == std::vector<std::string>{"userMessage", "commandExecution", "userMessage", "agentMessage"});
  CHECK(read["thread"]["turns"][0]["items"][2]["content"][0]["text"] == "also say hi");
  CHECK(daemon.close() == 0);
}
