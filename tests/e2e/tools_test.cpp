// End-to-end: the exec_command tool (the built-in agent runs `!` lines) and tool hooks.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace e2e;

namespace {
std::string hooks_json(const std::string& pre, const std::string& post = "") {
  std::string out = R"({"hooks":{)";
  if (!pre.empty())
    out += R"("PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":)" + Json(pre).dump() + "}]}]";
  if (!post.empty())
    out += std::string(pre.empty() ? "" : ",") + R"("PostToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":)" +
           Json(post).dump() + "}]}]";
  return out + "}}";
}

Json last_agent_text(const std::vector<Json>& messages) {
  Json text;
  for (const auto& n : find_all(messages, "item/completed"))
    if (n["item"]["type"] == "agentMessage") text = n["item"]["text"];
  return text;
}

std::vector<Json> items_of_type(const std::vector<Json>& messages, const std::string& type) {
  std::vector<Json> out;
  for (const auto& n : find_all(messages, "item/completed"))
    if (n["item"]["type"] == type) out.push_back(n["item"]);
  return out;
}
}  // namespace

TEST_CASE("a ! line runs as a commandExecution item, tool hooks see it, the agent gets the output", "[e2e][tools]") {
  TempHome home;
  const auto pre_log = home.root / "pre.jsonl", post_log = home.root / "post.jsonl";
  home.write_hooks(hooks_json("cat >> " + pre_log.string() + "; echo >> " + pre_log.string(),
                              "cat >> " + post_log.string() + "; echo >> " + post_log.string()));
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "please check\n!echo hello");

  auto commands = items_of_type(messages, "commandExecution");
  REQUIRE(commands.size() == 1);
  CHECK(commands[0] == Json{{"type", "commandExecution"}, {"id", "call_1"}, {"command", "echo hello"},
                            {"cwd", home.workspace.string()}, {"processId", nullptr}, {"source", "agent"},
                            {"status", "completed"}, {"commandActions", {{{"type", "unknown"}, {"command", "echo hello"}}}},
                            {"aggregatedOutput", "hello\n"}, {"exitCode", 0}, {"durationMs", commands[0]["durationMs"]}});
  std::string streamed;
  for (const auto& d : find_all(messages, "item/commandExecution/outputDelta")) streamed += d["delta"];
  CHECK(streamed == "hello\n");
  CHECK(last_agent_text(messages) == "I ran `echo hello`; it returned:\nhello\nYou said: \"please check\n!echo hello\"\n"
                                     "No hook context reached me in this turn.");
  const std::string source = (home.home / "hooks.json").string();
  std::vector<std::string> ids;
  const Json completed = find(messages, "turn/completed");  // keep it alive for the loop
  for (const auto& run : completed["turn"]["hookRuns"]) ids.push_back(run["id"]);
  CHECK(ids == std::vector<std::string>{"pre-tool-use:0:" + source + ":call_1", "post-tool-use:1:" + source + ":call_1"});

  std::ifstream pre(pre_log), post(post_log);
  std::string pre_line, post_line;
  std::getline(pre, pre_line);
  std::getline(post, post_line);
  Json pre_input = Json::parse(pre_line), post_input = Json::parse(post_line);
  CHECK(pre_input["hook_event_name"] == "PreToolUse");
  CHECK(pre_input["tool_name"] == "Bash");
  CHECK(pre_input["tool_input"] == Json{{"command", "echo hello"}});
  CHECK(pre_input["tool_use_id"] == "call_1");
  CHECK(post_input["tool_response"] == "hello\n");
  CHECK(pre_line.find(R"("tool_name":"Bash","tool_input":{"command":"echo hello"},"tool_use_id":"call_1"})") != std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("PreToolUse deny, legacy block and exit 2 keep the command from running", "[e2e][tools]") {
  struct Case {
    const char* name;
    std::string hook;
    const char* reason;
  };
  const Case cases[] = {
      {"deny", R"(cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no touching"}}')", "no touching"},
      {"legacy block", R"(cat >/dev/null; echo '{"decision":"block","reason":"legacy says no"}')", "legacy says no"},
      {"exit 2", "cat >/dev/null; echo 'exit two says no' >&2; exit 2", "exit two says no"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      TempHome home;
      home.write_hooks(hooks_json(c.hook));
      Daemon daemon(home);
      daemon.initialize();
      const std::string thread = start_thread(daemon, home);
      const auto marker = home.workspace / "touched";
      auto messages = run_turn(daemon, thread, "!touch " + marker.string());
      CHECK(items_of_type(messages, "commandExecution").empty());
      CHECK_FALSE(std::filesystem::exists(marker));
      Json run = find(messages, "hook/completed")["run"];
      CHECK(run["status"] == "blocked");
      CHECK(run["entries"] == Json{{{"kind", "feedback"}, {"text", c.reason}}});
      CHECK(last_agent_text(messages).get<std::string>().rfind(
                "I ran `touch " + marker.string() + "`; it returned:\nCommand blocked by PreToolUse hook: " +
                    c.reason + ". Command: touch " + marker.string() + "\n",
                0) == 0);
      CHECK(daemon.close() == 0);
    }
  }
}

TEST_CASE("PreToolUse allow + updatedInput rewrites the command, context reaches the agent", "[e2e][tools]") {
  TempHome home;
  home.write_hooks(hooks_json(
      R"(cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":{"command":"echo rewritten"},"additionalContext":"pre context"}}')",
      R"(cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"post context"}}')"));
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "!echo original");
  auto commands = items_of_type(messages, "commandExecution");
  REQUIRE(commands.size() == 1);
  CHECK(commands[0]["command"] == "echo rewritten");
  CHECK(commands[0]["aggregatedOutput"] == "rewritten\n");
  CHECK(last_agent_text(messages) == "I ran `echo original`; it returned:\nrewritten\nYou said: \"!echo original\"\n"
                                     "Hook context I received (2):\n- pre context\n- post context");
  CHECK(daemon.close() == 0);
}

TEST_CASE("PostToolUse block replaces what the model gets, the command already ran", "[e2e][tools]") {
  TempHome home;
  home.write_hooks(hooks_json("", R"(cat >/dev/null; echo '{"decision":"block","reason":"output withheld by policy"}')"));
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "!echo secret");
  auto commands = items_of_type(messages, "commandExecution");
  REQUIRE(commands.size() == 1);
  CHECK(commands[0]["aggregatedOutput"] == "secret\n");  // the user sees what ran
  CHECK(find(messages, "hook/completed")["run"]["status"] == "blocked");
  CHECK(last_agent_text(messages).get<std::string>().rfind(
            "I ran `echo secret`; it returned:\noutput withheld by policy\n", 0) == 0);
  CHECK(daemon.close() == 0);
}

TEST_CASE("interrupting a turn kills a running command's process group", "[e2e][tools]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  Json started = daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "!sleep 30 & sleep 30"}}}}});
  const std::string turn = started["result"]["turn"]["id"];
  for (bool running = false; !running;) {
    Json m = daemon.next();
    running = m.value("method", "") == "item/started" && m["params"]["item"]["type"] == "commandExecution";
  }
  const auto before = std::chrono::steady_clock::now();
  Json response = daemon.request("turn/interrupt", {{"threadId", thread}, {"turnId", turn}});
  CHECK(response["result"] == Json::object());
  auto rest = daemon.until("turn/completed");
  CHECK(std::chrono::steady_clock::now() - before < 3s);
  CHECK(items_of_type(daemon.notifications, "commandExecution").empty());
  CHECK(items_of_type(rest, "commandExecution").empty());
  CHECK(rest.back()["params"]["turn"]["status"] == "interrupted");
  CHECK(daemon.close() == 0);
}

namespace {
/// Starts a turn running `!<command>` with approval policy "untrusted"; returns the turn id.
std::string start_tool_turn(Daemon& daemon, const std::string& thread, const std::string& command) {
  Json started = daemon.request("turn/start", {{"threadId", thread},
                                               {"approvalPolicy", "untrusted"},
                                               {"input", {{{"type", "text"}, {"text", "!" + command}}}}});
  return started["result"]["turn"]["id"];
}
}  // namespace

TEST_CASE("with approvals on, the client is asked, accept runs the command, decline does not", "[e2e][tools]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  const auto marker = home.workspace / "approved";
  for (const std::string decision : {"decline", "accept"}) {
    DYNAMIC_SECTION(decision) {
      start_tool_turn(daemon, thread, "touch " + marker.string());
      std::vector<Json> before;
      Json request = next_server_request(daemon, &before);
      CHECK(request["method"] == "item/commandExecution/requestApproval");
      CHECK(request["params"]["itemId"] == "call_1");
      CHECK(request["params"]["command"] == "touch " + marker.string());
      // The reference's order: waiting on approval, the command item, then the request.
      REQUIRE(before.size() >= 2);
      CHECK(before[before.size() - 2]["method"] == "thread/status/changed");
      CHECK(before[before.size() - 2]["params"]["status"] ==
            Json::parse(R"({"type":"active","activeFlags":["waitingOnApproval"]})"));
      CHECK(before.back()["method"] == "item/started");
      CHECK(before.back()["params"]["item"]["type"] == "commandExecution");
      daemon.send(Json{{"id", request["id"]}, {"result", {{"decision", decision}}}});
      auto rest = daemon.until("turn/completed");
      REQUIRE(rest.size() >= 2);  // then resolved, active again, and the command's completion
      CHECK(methods(rest)[0] == "serverRequest/resolved");
      CHECK(rest[1]["params"]["status"] == Json::parse(R"({"type":"active","activeFlags":[]})"));
      CHECK(find(rest, "serverRequest/resolved") == Json{{"threadId", thread}, {"requestId", request["id"]}});
      Json item = find_all(rest, "item/completed")[0]["item"];
      CHECK(item["status"] == (decision == "accept" ? "completed" : "declined"));
      CHECK(std::filesystem::exists(marker) == (decision == "accept"));
    }
  }
  CHECK(daemon.close() == 0);
}

TEST_CASE("PermissionRequest hooks decide before the client is asked", "[e2e][tools]") {
  struct Case {
    const char* name;
    std::string hook;
    bool runs;
  };
  const Case cases[] = {
      {"allow", R"(cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}')", true},
      {"deny", R"(cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"not on this machine"}}}')", false},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      TempHome home;
      home.write_hooks(R"({"hooks":{"PermissionRequest":[{"matcher":"Bash","hooks":[{"type":"command","command":)" +
                       Json(c.hook).dump() + "}]}]}}");
      Daemon daemon(home);
      daemon.initialize();
      const std::string thread = start_thread(daemon, home);
      const auto marker = home.workspace / "ran";
      start_tool_turn(daemon, thread, "touch " + marker.string());
      auto messages = daemon.until("turn/completed");  // no approval request reaches the client
      for (const auto& m : messages) CHECK_FALSE((m.contains("id") && m.contains("method")));
      CHECK(std::filesystem::exists(marker) == c.runs);
      CHECK(items_of_type(messages, "commandExecution").size() == (c.runs ? 1u : 0u));
      Json run = find(messages, "hook/completed")["run"];
      CHECK(run["id"].get<std::string>().rfind("permission-request:0:", 0) == 0);
      CHECK(run["status"] == (c.runs ? "completed" : "blocked"));
      if (!c.runs)
        CHECK(last_agent_text(messages).get<std::string>().find(
                  "exec_command failed: CreateProcess { message: \"Rejected(\\\"not on this machine\\\")\" }") !=
              std::string::npos);
      CHECK(daemon.close() == 0);
    }
  }
}

TEST_CASE("PreModelRequest and PostModelRequest hooks run around every model request", "[e2e][tools]") {
  TempHome home;
  const auto log = home.root / "model-hooks.jsonl";
  const std::string record = "cat >> " + log.string() + "; echo >> " + log.string();
  home.write_hooks(R"({"hooks":{"PreModelRequest":[{"hooks":[{"type":"command","command":)" + Json(record).dump() +
                   R"(}]}],"PostModelRequest":[{"hooks":[{"type":"command","command":)" + Json(record).dump() + "}]}]}}");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "!echo one");  // two samples: the tool call, then the reply
  std::vector<std::string> events;
  const Json completed = find(messages, "turn/completed");
  for (const auto& run : completed["turn"]["hookRuns"]) events.push_back(run["eventName"]);
  CHECK(events == std::vector<std::string>{"preModelRequest", "postModelRequest", "preModelRequest", "postModelRequest"});
  std::ifstream in(log);
  std::vector<Json> inputs;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) inputs.push_back(Json::parse(line));
  REQUIRE(inputs.size() == 4);
  CHECK(inputs[0]["hook_event_name"] == "PreModelRequest");
  CHECK(inputs[0]["tools"][0]["name"] == "exec_command");
  CHECK(inputs[0]["input"].back()["content"][0]["text"] == "!echo one");
  CHECK(inputs[1]["status"] == "completed");
  CHECK(inputs[1]["needs_follow_up"] == true);
  CHECK(inputs[1]["output"][0]["type"] == "function_call");
  CHECK(inputs[2]["input"].back() == Json::parse(R"({"type":"function_call_output","call_id":"call_1","output":"one\n"})"));
  CHECK(inputs[3]["needs_follow_up"] == false);
  CHECK(inputs[3]["last_assistant_message"].get<std::string>().rfind("I ran `echo one`", 0) == 0);
  CHECK(daemon.close() == 0);
}

TEST_CASE("acceptForSession runs the command and the same command again without asking", "[e2e][tools]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  const std::string command = "printf approved-once";  // not on the known-safe list: asked under untrusted
  start_tool_turn(daemon, thread, command);
  Json request = next_server_request(daemon);
  CHECK(request["method"] == "item/commandExecution/requestApproval");
  daemon.send(Json{{"id", request["id"]}, {"result", {{"decision", "acceptForSession"}}}});
  auto first = daemon.until("turn/completed");
  CHECK(find_all(first, "item/completed")[0]["item"]["status"] == "completed");
  // Again in the same thread: it runs, nobody is asked. Another command is asked for.
  start_tool_turn(daemon, thread, command);
  auto second = daemon.until("turn/completed");
  for (const auto& m : second) CHECK_FALSE((m.contains("id") && m.contains("method")));
  bool ran = false;
  for (const auto& m : find_all(second, "item/completed"))
    ran = ran || (m["item"]["type"] == "commandExecution" && m["item"]["status"] == "completed");
  CHECK(ran);
  start_tool_turn(daemon, thread, "printf another");
  Json asked = next_server_request(daemon);
  CHECK(asked["params"]["command"] == "printf another");
  daemon.send(Json{{"id", asked["id"]}, {"result", {{"decision", "decline"}}}});
  daemon.until("turn/completed");
  CHECK(daemon.close() == 0);
}
