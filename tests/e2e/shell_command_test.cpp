// thread/shellCommand (the Codex TUI's `!cmd`), as Codex 0.169 does it: answered `{}` at once;
// on an idle thread a turn of its own with one `userShell` commandExecution item and no hooks;
// during a turn the item joins it; the model sees a `<user_shell_command>` user message on its
// next request; stored and replayed like any item.
#include "daemon_process.hpp"
#include "mock_model.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace e2e;

namespace {
const char* kEveryEventHooks = R"({"hooks":{
  "SessionStart":[{"hooks":[{"type":"command","command":"sh $FIXTURES/ups_context.sh"}]}],
  "UserPromptSubmit":[{"hooks":[{"type":"command","command":"sh $FIXTURES/ups_context.sh"}]}],
  "PreToolUse":[{"hooks":[{"type":"command","command":"true"}]}],
  "PostToolUse":[{"hooks":[{"type":"command","command":"true"}]}],
  "Stop":[{"hooks":[{"type":"command","command":"true"}]}]}})";
}  // namespace

TEST_CASE("thread/shellCommand on an idle thread runs the user's shell as a turn of its own, without hooks",
          "[e2e][shell]") {
  ::setenv("SHELL", "/bin/sh", 1);  // the daemon's user shell: the displayed command names it
  TempHome home;
  MockModel model(home, Json::array({{{"text", "seen"}}}));
  model.write_config(home);
  home.write_hooks(kEveryEventHooks);  // after the config: trust is written into it
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  CHECK(daemon.request("thread/shellCommand", {{"threadId", thread}, {"command", "echo hi; echo err >&2; exit 3"}}) ==
        Json{{"id", 3}, {"result", Json::object()}});  // initialize=1, thread/start=2
  auto messages = daemon.notifications;
  daemon.notifications.clear();
  for (auto& m : daemon.until("turn/completed")) messages.push_back(std::move(m));
  std::vector<std::string> names;
  for (const auto& m : messages) names.push_back(m["method"]);
  // No hook of any event runs for the user's own command (as the reference).
  CHECK(names == std::vector<std::string>{"thread/status/changed", "turn/started", "item/started",
                                          "item/commandExecution/outputDelta", "item/commandExecution/outputDelta",
                                          "item/completed", "thread/status/changed", "turn/completed"});
  const Json item = scrub(find(messages, "item/completed")["item"]);
  CHECK(item == Json{{"type", "commandExecution"}, {"id", "<id>"}, {"command", "/bin/sh -lc 'echo hi; echo err >&2; exit 3'"},
                     {"cwd", home.workspace.string()}, {"processId", nullptr}, {"source", "userShell"},
                     {"status", "failed"}, {"commandActions", {{{"type", "unknown"}, {"command", "echo hi; echo err >&2; exit 3"}}}},
                     {"aggregatedOutput", "hi\nerr\n"}, {"exitCode", 3}, {"durationMs", 0}});
  CHECK(find(messages, "turn/completed")["turn"]["status"] == "completed");

  // The next model request carries the command and its result as a user message.
  run_turn(daemon, thread, "what did I run?");
  const auto requests = model.requests();
  REQUIRE(requests.size() == 1);
  std::string shell_record;
  for (const auto& input : requests[0]["input"])
    if (input.value("role", "") == "user" && input["content"][0]["text"].get<std::string>().rfind("<user_shell_command>", 0) == 0)
      shell_record = input["content"][0]["text"];
  const std::string prefix =
      "<user_shell_command>\n<command>\necho hi; echo err >&2; exit 3\n</command>\n<result>\nExit code: 3\nDuration: ";
  REQUIRE(shell_record.rfind(prefix, 0) == 0);
  CHECK(shell_record.substr(shell_record.find(" seconds")) ==
        " seconds\nOutput:\nhi\nerr\n\n</result>\n</user_shell_command>");
  // The preview stays the user's first prompt, not the shell command.
  Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"]["thread"];
  CHECK(read["preview"] == "what did I run?");
  REQUIRE(read["turns"].size() == 2);
  CHECK(scrub(read["turns"][0]["items"][0]) == item);
  CHECK(read["turns"][0]["hookRuns"] == Json::array());
  // SessionStart ran on the first model turn, not on the shell command's turn.
  CHECK(read["turns"][1]["hookRuns"][0]["eventName"] == "sessionStart");

  // Errors.
  CHECK(daemon.request("thread/shellCommand", {{"threadId", thread}, {"command", "  "}})["error"] ==
        Json{{"code", -32600}, {"message", "command must not be empty"}});
  CHECK(daemon.request("thread/shellCommand", {{"threadId", thread}, {"command", "ls"}, {"timeoutMs", -1}})["error"]["code"] == -32602);
  CHECK(daemon.request("thread/shellCommand", {{"threadId", "nope"}, {"command", "ls"}})["error"] ==
        Json{{"code", -32600}, {"message", "thread not loaded: nope"}});
  CHECK(daemon.close() == 0);

  // Replayed after a restart.
  Daemon again(home);
  again.initialize();
  Json resumed = again.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"]["thread"];
  CHECK(scrub(resumed["turns"][0]["items"][0]) == item);
  CHECK(again.close() == 0);
}

TEST_CASE("thread/shellCommand during a turn joins that turn, and a timeout or an interrupt ends the command",
          "[e2e][shell]") {
  ::setenv("SHELL", "/bin/sh", 1);
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  Json started = daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "!sleep 1"}}}}});
  const std::string turn = started["result"]["turn"]["id"];
  for (;;) {  // until the agent's command runs
    Json m = daemon.next();
    if (m.value("method", "") == "item/started" && m["params"]["item"]["source"] == "agent") break;
  }
  CHECK(daemon.request("thread/shellCommand", {{"threadId", thread}, {"command", "echo during"}})["result"] == Json::object());
  auto messages = daemon.until("turn/completed");
  for (auto& m : daemon.notifications) messages.push_back(m);
  std::vector<Json> shell_items;
  for (const auto& m : messages)
    if (m.value("method", "") == "item/completed" && m["params"]["item"]["type"] == "commandExecution") {
      CHECK(m["params"]["turnId"] == turn);
      shell_items.push_back(m["params"]["item"]);
    }
  REQUIRE(shell_items.size() == 2);
  CHECK(shell_items[0]["source"] == "userShell");  // the user's echo ends before the agent's sleep
  CHECK(shell_items[0]["aggregatedOutput"] == "during\n");
  CHECK(shell_items[1]["source"] == "agent");
  CHECK(find_all(messages, "turn/started").empty());  // no turn of its own

  // timeoutMs: the command is killed and fails with exit code -1 (as the reference).
  daemon.request("thread/shellCommand", {{"threadId", thread}, {"command", "sleep 30"}, {"timeoutMs", 200}});
  auto timed = daemon.until("turn/completed");
  const Json timed_item = find(timed, "item/completed")["item"];
  CHECK(timed_item["status"] == "failed");
  CHECK(timed_item["exitCode"] == -1);
  CHECK(timed_item["aggregatedOutput"] == "\n[command timed out after 200 ms]");

  // turn/interrupt of the shell command's own turn kills it; the turn ends interrupted.
  daemon.request("thread/shellCommand", {{"threadId", thread}, {"command", "sleep 30"}});
  const Json own = daemon.until("turn/started").back()["params"]["turn"];
  daemon.until("item/started");
  CHECK(daemon.request("turn/steer", {{"threadId", thread}, {"expectedTurnId", own["id"]},
                                      {"input", {{{"type", "text"}, {"text", "x"}}}}})["error"]["message"] ==
        "no active turn to steer");
  CHECK(daemon.request("turn/interrupt", {{"threadId", thread}, {"turnId", own["id"]}})["result"] == Json::object());
  auto interrupted = daemon.notifications;
  for (auto& m : daemon.until("turn/completed")) interrupted.push_back(std::move(m));
  CHECK(find(interrupted, "item/completed")["item"]["status"] == "failed");
  CHECK(find(interrupted, "turn/completed")["turn"]["status"] == "interrupted");
  CHECK(daemon.close() == 0);
}
