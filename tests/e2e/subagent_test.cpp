// Sub-agents (server/subagents/): the built-in agent's `!agent task` spawns a child thread and
// waits for it; the child runs SubagentStart / UserPromptSubmit / SubagentStop with the
// payloads Codex 0.169 sends (tests/unit/fixtures/codex_0.169_subagents/), its notifications
// reach the parent's client, and both threads are stored and listed.
#include "subagent_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace e2e;

TEST_CASE("!agent spawns a child thread with its own hooked turn, and its result comes back to the parent",
          "[e2e][subagents]") {
  TempHome home;
  home.write_hooks(hooks_json(home, kContext, ""));
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto messages = run_parent_turn(daemon, parent, "!agent say hi");

  // The parent's items: a spawnAgent and a wait collab call, then its reply.
  std::vector<Json> collab;
  for (const auto& m : find_all(of_thread(messages, parent), "item/completed"))
    if (m["item"]["type"] == "collabAgentToolCall") collab.push_back(m["item"]);
  REQUIRE(collab.size() == 2);
  REQUIRE(collab[0]["receiverThreadIds"].size() == 1);
  const std::string child = collab[0]["receiverThreadIds"][0];
  CHECK(collab[0] == Json{{"type", "collabAgentToolCall"}, {"id", "call_1"}, {"tool", "spawnAgent"}, {"status", "completed"},
                          {"senderThreadId", parent}, {"receiverThreadIds", {child}}, {"prompt", "say hi"},
                          {"model", "builtin"}, {"reasoningEffort", nullptr},
                          {"agentsStates", {{child, {{"status", "pendingInit"}, {"message", nullptr}}}}}});
  const std::string child_reply = "You said: \"say hi\"\nHook context I received (1):\n- child context from hook";
  CHECK(collab[1] == Json{{"type", "collabAgentToolCall"}, {"id", "call_2"}, {"tool", "wait"}, {"status", "completed"},
                          {"senderThreadId", parent}, {"receiverThreadIds", {child}}, {"prompt", nullptr},
                          {"model", nullptr}, {"reasoningEffort", nullptr},
                          {"agentsStates", {{child, {{"status", "completed"}, {"message", child_reply}}}}}});
  // The child's turn reached the parent's client: started, its prompt, its reply, completed.
  auto child_messages = of_thread(messages, child);
  CHECK(find(child_messages, "turn/completed")["turn"]["status"] == "completed");
  CHECK(find(child_messages, "turn/started")["turn"]["rootTurnId"] == messages[0]["result"]["turn"]["id"]);
  // The parent's model got the child's last message back.
  const std::string reply = last_reply(messages, parent);
  CHECK(reply.find("I waited for the sub-agents; it returned:\n{\"status\":{\"" + child + "\":{\"completed\":") !=
        std::string::npos);
  // And, after the wait's output, Codex's notification of the child's end as a user message.
  const std::string notification = "<subagent_notification>\n" +
                                   Json{{"agent_path", child}, {"status", {{"completed", child_reply}}}}.dump() +
                                   "\n</subagent_notification>";
  CHECK(reply.find("A sub-agent told me: " + notification) != std::string::npos);

  // The hook payloads, as Codex 0.169 sends them (session_id: the parent's).
  const auto payloads = hook_log(home);
  const auto parent_file = (home.home / "sessions" / (parent + ".jsonl")).string();
  const auto child_file = (home.home / "sessions" / (child + ".jsonl")).string();
  Json start = only(payloads, "SubagentStart");
  const std::string child_turn = start["turn_id"];
  CHECK(start == Json{{"session_id", parent}, {"turn_id", child_turn}, {"transcript_path", child_file},
                      {"cwd", home.workspace.string()}, {"hook_event_name", "SubagentStart"}, {"model", "builtin"},
                      {"permission_mode", "bypassPermissions"}, {"agent_id", child}, {"agent_type", "default"}});
  CHECK(only(payloads, "SubagentStop") ==
        Json{{"session_id", parent}, {"turn_id", child_turn}, {"transcript_path", parent_file},
             {"agent_transcript_path", child_file}, {"cwd", home.workspace.string()},
             {"hook_event_name", "SubagentStop"}, {"model", "builtin"}, {"permission_mode", "bypassPermissions"},
             {"stop_hook_active", false}, {"agent_id", child}, {"agent_type", "default"},
             {"last_assistant_message", child_reply}});
  std::vector<Json> prompts;
  for (const auto& p : payloads)
    if (p["hook_event_name"] == "UserPromptSubmit") prompts.push_back(p);
  REQUIRE(prompts.size() == 2);
  CHECK(prompts[1] == Json{{"session_id", parent}, {"turn_id", child_turn}, {"agent_id", child}, {"agent_type", "default"},
                           {"transcript_path", child_file}, {"cwd", home.workspace.string()},
                           {"hook_event_name", "UserPromptSubmit"}, {"model", "builtin"},
                           {"permission_mode", "bypassPermissions"}, {"prompt", "say hi"}});
  // One SessionStart (the parent's) and one Stop (the parent's): the child runs neither.
  CHECK(only(payloads, "SessionStart")["session_id"] == parent);
  CHECK(only(payloads, "Stop")["turn_id"] == messages[0]["result"]["turn"]["id"]);
  Json pre_wait;
  for (const auto& p : payloads)
    if (p["hook_event_name"] == "PreToolUse" && p["tool_use_id"] == "call_2") pre_wait = p;
  CHECK(pre_wait["tool_name"] == "multi_agent_v1wait_agent");  // Codex's spelling

  // Listing: the child only with the sub-agent source kinds; its source names the parent.
  Json listed = daemon.request("thread/list", Json::object())["result"]["data"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["id"] == parent);
  listed = daemon.request("thread/list", {{"sourceKinds", {"vscode", "subAgentThreadSpawn"}}})["result"]["data"];
  REQUIRE(listed.size() == 2);
  Json child_thread = listed[0]["id"] == child ? listed[0] : listed[1];
  CHECK(child_thread["source"] == Json{{"subAgent", {{"thread_spawn", {{"parent_thread_id", parent}, {"depth", 1},
                                                                      {"agent_path", nullptr}, {"agent_nickname", child_thread["agentNickname"]},
                                                                      {"agent_role", nullptr}}}}}});
  CHECK(child_thread["parentThreadId"] == parent);
  CHECK(child_thread["agentNickname"].is_string());
  CHECK(daemon.close() == 0);
  CHECK(only(hook_log(home), "SessionEnd")["session_id"] == parent);  // none for the child, as in Codex

  // After a restart both threads read back: the parent's collab items, the child's turn with
  // its SubagentStart and SubagentStop runs.
  Daemon again(home);
  again.initialize();
  Json parent_read = again.request("thread/read", {{"threadId", parent}, {"includeTurns", true}})["result"]["thread"];
  std::vector<std::string> types;
  for (const auto& item : parent_read["turns"][0]["items"]) types.push_back(item["type"]);
  CHECK(types == std::vector<std::string>{"userMessage", "collabAgentToolCall", "collabAgentToolCall", "agentMessage"});
  Json child_read = again.request("thread/read", {{"threadId", child}, {"includeTurns", true}})["result"]["thread"];
  CHECK(child_read["parentThreadId"] == parent);
  REQUIRE(child_read["turns"].size() == 1);
  std::vector<std::string> events;
  for (const auto& run : child_read["turns"][0]["hookRuns"]) events.push_back(run["eventName"]);
  CHECK(events == std::vector<std::string>{"subagentStart", "userPromptSubmit", "subagentStop"});
  CHECK(again.close() == 0);
}

TEST_CASE("a SubagentStop block continues the child, as Stop continues a thread", "[e2e][subagents]") {
  TempHome home;
  home.write_hooks(hooks_json(home, kContext, R"({"decision":"block","reason":"keep going, child"})"));
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto messages = run_parent_turn(daemon, parent, "!agent work");
  std::vector<Json> stops;
  for (const auto& p : hook_log(home))
    if (p["hook_event_name"] == "SubagentStop") stops.push_back(p);
  REQUIRE(stops.size() == 2);
  CHECK(stops[0]["stop_hook_active"] == false);
  CHECK(stops[1]["stop_hook_active"] == true);
  const std::string last = stops[1]["last_assistant_message"];
  INFO(last);
  // The continuation prompt is the block's reason, as a Stop block's (hook_prompt of the run).
  CHECK(last.rfind("Continuing because a Stop hook asked me to: <hook_prompt hook_run_id=\"subagent-stop:", 0) == 0);
  CHECK(last.find(">keep going, child</hook_prompt>") != std::string::npos);
  // The parent's wait returned the continued answer.
  const std::string reply = last_reply(messages, parent);
  CHECK(reply.find("keep going, child") != std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("a sub-agent cannot spawn its own: the depth limit answers as Codex does", "[e2e][subagents]") {
  TempHome home;
  home.write_hooks(hooks_json(home, "", ""));
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto messages = run_parent_turn(daemon, parent, "!agent !agent nested");
  std::string child_reply;
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["threadId"] != parent && m["item"]["type"] == "agentMessage") child_reply = m["item"]["text"];
  CHECK(child_reply.find("I spawned a sub-agent; it returned:\nunsupported call: multi_agent_v1spawn_agent\n") !=
        std::string::npos);
  std::size_t threads = 0;
  for (const auto& m : messages)
    if (m.value("method", "") == "turn/started") ++threads;
  CHECK(threads == 2);  // the parent and one child, no grandchild
  CHECK(daemon.close() == 0);
}

TEST_CASE("interrupting the parent while it waits interrupts the running sub-agent too", "[e2e][subagents]") {
  TempHome home;
  home.write_hooks(hooks_json(home, "", "", "30"));  // the child's SubagentStart sleeps
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  Json started = daemon.request("turn/start", {{"threadId", parent}, {"input", {{{"type", "text"}, {"text", "!agent slow"}}}}});
  const std::string turn = started["result"]["turn"]["id"];
  std::vector<Json> seen = daemon.until("hook/started");
  while (find_all(seen, "item/started").empty() ||
         find_all(seen, "item/started").back()["item"].value("tool", "") != "wait") {
    auto more = daemon.until("item/started");
    seen.insert(seen.end(), more.begin(), more.end());
  }
  CHECK(daemon.request("turn/interrupt", {{"threadId", parent}, {"turnId", turn}}).contains("result"));
  std::vector<Json> rest;
  int completed = 0;
  while (completed < 2) {
    auto part = daemon.until("turn/completed");
    for (const auto& m : part)
      if (m.value("method", "") == "turn/completed") {
        ++completed;
        CHECK(m["params"]["turn"]["status"] == "interrupted");
      }
    rest.insert(rest.end(), part.begin(), part.end());
  }
  CHECK(daemon.close() == 0);
}

TEST_CASE("a SubagentStart hook that fails or times out is reported, and the sub-agent still runs", "[e2e][subagents]") {
  struct Case {
    const char* name;
    const char* command;
    int timeout;
  };
  const Case cases[] = {{"failure", "cat >/dev/null; echo broken >&2; exit 1", 10}, {"timeout", "sleep 30", 1}};
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      TempHome home;
      home.write_hooks(Json{{"hooks", {{"SubagentStart", {{{"hooks", {{{"type", "command"}, {"command", c.command},
                                                                       {"timeout", c.timeout}}}}}}}}}}.dump());
      Daemon daemon(home);
      daemon.initialize();
      const std::string parent = start_thread(daemon, home);
      auto messages = run_parent_turn(daemon, parent, "!agent carry on");
      Json run;
      for (const auto& m : find_all(messages, "hook/completed"))
        if (m["run"]["eventName"] == "subagentStart") run = m["run"];
      REQUIRE(run.is_object());
      CHECK(run["status"] == "failed");
      CHECK(run["entries"].size() >= 1);
      std::vector<std::string> statuses;
      for (const auto& m : find_all(messages, "turn/completed")) statuses.push_back(m["turn"]["status"]);
      CHECK(statuses == std::vector<std::string>{"completed", "completed"});  // the child's, then the parent's
      const std::string reply = last_reply(messages, parent);
      CHECK(reply.find("{\"completed\":\"You said: \\\"carry on\\\"") != std::string::npos);
      CHECK(daemon.close() == 0);
    }
  }
}

TEST_CASE("send_input runs the idle sub-agent again, close_agent and resume_agent answer as Codex", "[e2e][subagents]") {
  TempHome home;
  home.write_hooks(hooks_json(home, "", ""));
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto first = run_parent_turn(daemon, parent, "!agent first task");
  std::string child;
  for (const auto& m : find_all(first, "item/completed"))
    if (m["item"]["type"] == "collabAgentToolCall" && m["item"]["tool"] == "spawnAgent") child = m["item"]["receiverThreadIds"][0];
  REQUIRE_FALSE(child.empty());
  auto outputs = [](const std::vector<Json>& messages) {  // the collab items of one parent turn, by tool
    std::map<std::string, Json> by_tool;
    for (const auto& m : find_all(messages, "item/completed"))
      if (m["item"]["type"] == "collabAgentToolCall") by_tool[m["item"]["tool"]] = m["item"];
    return by_tool;
  };
  auto reply = [&](const std::vector<Json>& messages) { return last_reply(messages, parent); };

  // send_input: the idle child runs a second turn; wait gets its answer.
  auto second = run_parent_turn(daemon, parent, "!send second task\n!wait");
  auto items = outputs(second);
  CHECK(items["sendInput"]["status"] == "completed");
  CHECK(items["sendInput"]["prompt"] == "second task");
  CHECK(items["wait"]["agentsStates"][child]["message"].get<std::string>().rfind("You said: \"second task\"", 0) == 0);
  std::size_t child_turns = 0;
  for (const auto& m : find_all(second, "turn/completed"))
    if (m["threadId"] == child) ++child_turns;
  CHECK(child_turns == 1);
  CHECK(reply(second).find("I sent the sub-agent more input; it returned:\n{\"submission_id\":\"") != std::string::npos);

  // close_agent: its previous status; then send_input is refused; resume_agent reopens it.
  auto third = run_parent_turn(daemon, parent, "!close\n!send refused\n!resume\n!send third task\n!wait");
  const std::string text = reply(third);
  CHECK(text.find("I closed the sub-agent; it returned:\n{\"previous_status\":{\"completed\":\"You said: \\\"second task\\\"") !=
        std::string::npos);
  CHECK(text.find("I sent the sub-agent more input; it returned:\nagent " + child + " is closed; resume_agent it first") !=
        std::string::npos);
  CHECK(text.find("I resumed the sub-agent; it returned:\n{\"status\":\"pending_init\"}") != std::string::npos);
  CHECK(text.find("{\"completed\":\"You said: \\\"third task\\\"") != std::string::npos);
  // The items' agent states, as the reference reports them: close the state before closing,
  // send_input the state it found (pending_init after a resume).
  items = outputs(third);
  CHECK(items["closeAgent"]["agentsStates"][child]["status"] == "completed");
  CHECK(items["closeAgent"]["agentsStates"][child]["message"].get<std::string>().rfind("You said: \"second task\"", 0) == 0);
  CHECK(items["resumeAgent"]["agentsStates"][child] == Json{{"status", "pendingInit"}, {"message", nullptr}});
  CHECK(items["sendInput"]["agentsStates"][child] == Json{{"status", "pendingInit"}, {"message", nullptr}});
  // SubagentStart ran once, at the first of the child's three turns (as Codex 0.169).
  std::size_t starts = 0, prompts = 0;
  for (const auto& p : hook_log(home)) {
    starts += p["hook_event_name"] == "SubagentStart";
    prompts += p["hook_event_name"] == "UserPromptSubmit" && p.contains("agent_id");
  }
  CHECK(starts == 1);
  CHECK(prompts == 3);
  // The hooks named the tools as Codex does.
  std::set<std::string> names;
  for (const auto& p : hook_log(home))
    if (p["hook_event_name"] == "PreToolUse") names.insert(p["tool_name"]);
  CHECK(names == std::set<std::string>{"spawn_agent", "multi_agent_v1wait_agent", "multi_agent_v1send_input",
                                       "multi_agent_v1close_agent", "multi_agent_v1resume_agent"});
  CHECK(daemon.close() == 0);
}

TEST_CASE("a client that subscribes to the parent after the spawn gets the running sub-agent's notifications",
          "[e2e][subagents][ws]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  WsClient a(daemon.ws_url()), b(daemon.ws_url());
  a.initialize("a");
  b.initialize("b");
  const std::string parent = a.request("thread/start", {{"cwd", home.workspace.string()}})["result"]["thread"]["id"];
  a.request("turn/start", {{"threadId", parent}, {"input", {{{"type", "text"}, {"text", "!agent !sleep 2"}}}}});
  std::string child;
  while (child.empty())
    for (const auto& m : a.until("item/completed"))
      if (m.value("method", "") == "item/completed" && m["params"]["item"]["type"] == "collabAgentToolCall")
        child = m["params"]["item"]["receiverThreadIds"][0];
  // b comes later: thread/resume of the parent while the child runs its command.
  CHECK(b.request("thread/resume", {{"threadId", parent}}).contains("result"));
  auto seen = b.until("turn/completed");
  CHECK(seen.back()["params"]["threadId"] == child);  // the child's turn ends first (the parent waits)
  CHECK(find(seen, "turn/completed")["turn"]["status"] == "completed");
  seen = b.until("turn/completed");
  CHECK(seen.back()["params"]["threadId"] == parent);
  CHECK(daemon.close() == 0);
}

TEST_CASE("after a restart the parent reaches its sub-agent again, and the sub-agent is still one",
          "[e2e][subagents]") {
  TempHome home;
  home.write_hooks(hooks_json(home, kContext, ""));
  std::string parent, child;
  {
    Daemon daemon(home);
    daemon.initialize();
    parent = start_thread(daemon, home);
    for (const auto& m : find_all(run_parent_turn(daemon, parent, "!agent first task"), "item/completed"))
      if (m["item"]["type"] == "collabAgentToolCall" && m["item"]["tool"] == "spawnAgent") child = m["item"]["receiverThreadIds"][0];
    CHECK(daemon.close() == 0);
  }
  REQUIRE_FALSE(child.empty());
  std::filesystem::remove(home.root / "hooks.jsonl");
  Daemon daemon(home);
  daemon.initialize();
  CHECK(daemon.request("thread/resume", {{"threadId", parent}}).contains("result"));
  // send_input and wait_agent load the sub-agent from its file; its turn runs its hooks as a sub-agent's.
  auto messages = run_parent_turn(daemon, parent, "!send second task\n!wait");
  CHECK(last_reply(messages, parent).find("{\"completed\":\"You said: \\\"second task\\\"") != std::string::npos);
  CHECK(last_reply(messages, child).rfind("You said: \"second task\"", 0) == 0);
  std::vector<std::string> child_events;
  for (const auto& p : hook_log(home))
    if (p.value("agent_id", "") == child) child_events.push_back(p["hook_event_name"]);
  CHECK(child_events == std::vector<std::string>{"UserPromptSubmit", "SubagentStop"});  // no second SubagentStart
  // A turn a client starts on the sub-agent itself runs SubagentStop too, not Stop.
  CHECK(daemon.request("thread/resume", {{"threadId", child}}).contains("result"));
  run_turn(daemon, child, "direct");
  const auto payloads = hook_log(home);
  CHECK(payloads.back()["hook_event_name"] == "SubagentStop");
  CHECK(payloads.back()["agent_id"] == child);
  CHECK(payloads.back()["last_assistant_message"].get<std::string>().rfind("You said: \"direct\"", 0) == 0);
  CHECK(daemon.close() == 0);
}
