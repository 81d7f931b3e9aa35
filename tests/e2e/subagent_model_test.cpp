// Sub-agents as a Responses API model meets them (server/tools/tool_search.hpp): the tools are
// found with a client-executed tool_search and called in the multi_agent_v1 namespace, as Codex
// 0.169 offers them (tests/unit/fixtures/codex_0.169_subagents/); and the limits of
// config.toml [agents] (max_threads, max_depth, enabled) with Codex's texts.
#include "mock_model.hpp"
#include "subagent_helpers.hpp"

#include <catch2/catch.hpp>

using namespace e2e;

namespace {

/// The output the model got for `call_id` in a request's input (the whole input item).
Json output_for(const Json& input, const std::string& call_id) {
  for (const auto& item : input)
    if (item.value("call_id", "") == call_id && item.value("type", "").find("output") != std::string::npos) return item;
  return nullptr;
}

std::vector<std::string> tool_types_and_names(const Json& request) {
  std::vector<std::string> out;
  for (const auto& tool : request["tools"]) out.push_back(tool.contains("name") ? tool["name"] : tool["type"]);
  return out;
}

/// Every tool_call outputs `call_id` got: the text of a function_call_output.
std::string output_text(const std::vector<Json>& requests, const std::string& call_id) {
  for (const auto& request : requests)
    if (auto out = output_for(request["input"], call_id); !out.is_null()) return out.value("output", "");
  return "";
}

}  // namespace

TEST_CASE("a Responses model finds the sub-agent tools with tool_search, spawns and waits as in Codex",
          "[e2e][subagents][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([
    {"item": {"type": "tool_search_call", "call_id": "ts_1", "execution": "client", "status": "completed",
              "arguments": {"query": "spawn agent"}}},
    {"item": {"type": "function_call", "call_id": "call_spawn", "name": "spawn_agent", "namespace": "multi_agent_v1",
              "arguments": "{\"message\":\"CHILD-TASK: say hi\"}"}},
    {"for": "CHILD-TASK", "text": "child result"},
    {"text": "parent done"}])"));
  model.write_config(home);
  home.write_hooks(hooks_json(home, kContext, ""));
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto messages = run_parent_turn(daemon, parent, "go");
  // The parent's turn ends after the spawn; the child's result arrives as a notification.
  auto requests = model.requests();
  REQUIRE(requests.size() >= 3);
  const Json deferred = {{"type", "message"}, {"role", "developer"},
                         {"content", {{{"type", "input_text"},
                                       {"text", "<tools>\nDeferred tool namespaces:\n- multi_agent_v1: Tools for "
                                                "spawning and managing sub-agents.\n</tools>"}}}}};
  // The parent's first request: the tool_search tool, the namespace named in a developer message.
  CHECK(tool_types_and_names(requests[0]) == std::vector<std::string>{"exec_command", "tool_search"});
  const Json& search_tool = requests[0]["tools"][1];
  CHECK(search_tool["execution"] == "client");
  CHECK(search_tool["parameters"] == Json::parse(R"({"type": "object", "properties": {
      "limit": {"type": "number", "description": "How many tools to return at most. Defaults to 8."},
      "query": {"type": "string", "description": "Words describing the tools to find."}},
    "required": ["query"], "additionalProperties": false})"));
  CHECK(requests[0]["input"][0] == deferred);
  // The second: the search and what it found, replayed as Codex replays them.
  const Json& second = requests[1]["input"];
  CHECK(second[second.size() - 2] == Json::parse(R"({"type": "tool_search_call", "call_id": "ts_1",
      "status": "completed", "execution": "client", "arguments": {"query": "spawn agent"}})"));
  const Json found = second.back();
  CHECK(found["type"] == "tool_search_output");
  CHECK(found["execution"] == "client");
  REQUIRE(found["tools"].size() == 1);
  CHECK(found["tools"][0]["type"] == "namespace");
  CHECK(found["tools"][0]["name"] == "multi_agent_v1");
  std::vector<std::string> names;
  for (const auto& t : found["tools"][0]["tools"]) {
    names.push_back(t["name"]);
    CHECK(t["defer_loading"] == true);
  }
  CHECK(names.front() == "spawn_agent");  // the best match of "spawn agent"
  CHECK(std::set<std::string>(names.begin(), names.end()) ==
        std::set<std::string>{"spawn_agent", "send_input", "wait_agent", "close_agent", "resume_agent"});
  // The spawn ran (PreToolUse/PostToolUse named as Codex names them) and was replayed with its namespace.
  const auto collab = find_all(of_thread(messages, parent), "item/completed");
  REQUIRE(collab.size() >= 2);
  CHECK(collab[1]["item"]["type"] == "collabAgentToolCall");
  CHECK(collab[1]["item"]["status"] == "completed");
  const std::string child = collab[1]["item"]["receiverThreadIds"][0];
  Json spawn_replayed;
  for (const auto& request : requests)
    for (const auto& item : request["input"])
      if (item.value("call_id", "") == "call_spawn" && item["type"] == "function_call") spawn_replayed = item;
  CHECK(spawn_replayed == Json::parse(R"({"type": "function_call", "call_id": "call_spawn", "name": "spawn_agent",
      "namespace": "multi_agent_v1", "arguments": "{\"message\":\"CHILD-TASK: say hi\"}"})"));
  // The child (depth 1 = agents.max_depth) is offered no tool_search and no deferred namespace.
  for (const auto& request : requests) {
    const std::string text = request["input"].dump();
    if (text.find("CHILD-TASK") == std::string::npos || text.find("call_spawn") != std::string::npos) continue;
    CHECK(tool_types_and_names(request) == std::vector<std::string>{"exec_command"});
    CHECK(request["input"][0] != deferred);
  }
  bool child_done = !find_all(of_thread(messages, child), "turn/completed").empty();
  while (!child_done)
    for (const auto& m : daemon.until("turn/completed"))
      child_done = child_done || (m.value("method", "") == "turn/completed" && m["params"]["threadId"] == child);
  std::vector<std::string> tools_hooked;
  for (const auto& p : hook_log(home))
    if (p["hook_event_name"] == "PreToolUse") tools_hooked.push_back(p["tool_name"]);
  CHECK(tools_hooked == std::vector<std::string>{"spawn_agent"});  // the search runs no hook
  CHECK(daemon.close() == 0);
}

TEST_CASE("tool_search answers what Codex answers: no match, no query, and calls it does not know are unsupported",
          "[e2e][subagents][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([
    {"item": {"type": "tool_search_call", "call_id": "ts_wait", "execution": "client", "arguments": {"query": "wait", "limit": 1}}},
    {"item": {"type": "tool_search_call", "call_id": "ts_weather", "execution": "client", "arguments": {"query": "weather forecast"}}},
    {"item": {"type": "tool_search_call", "call_id": "ts_none", "execution": "client", "arguments": {"nope": 1}}},
    {"item": {"type": "function_call", "call_id": "call_foo", "name": "foo", "arguments": "{}"}},
    {"item": {"type": "function_call", "call_id": "call_bare", "name": "spawn_agent", "arguments": "{\"message\":\"x\"}"}},
    {"item": {"type": "function_call", "call_id": "call_ns_foo", "name": "foo", "namespace": "multi_agent_v1", "arguments": "{}"}},
    {"text": "done"}])"));
  model.write_config(home);
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  run_turn(daemon, thread, "go");
  const auto requests = model.requests();
  REQUIRE(requests.size() == 7);
  const Json& input = requests.back()["input"];
  const Json wait = output_for(input, "ts_wait");
  REQUIRE(wait["tools"].size() == 1);
  REQUIRE(wait["tools"][0]["tools"].size() == 1);
  CHECK(wait["tools"][0]["tools"][0]["name"] == "wait_agent");
  CHECK(output_for(input, "ts_weather") == Json::parse(R"({"type": "tool_search_output", "call_id": "ts_weather",
      "status": "completed", "execution": "client", "tools": []})"));
  CHECK(output_for(input, "ts_none")["tools"] == Json::array());
  CHECK(output_for(input, "call_foo") ==
        Json::parse(R"({"type": "function_call_output", "call_id": "call_foo", "output": "unsupported call: foo"})"));
  CHECK(output_text(requests, "call_bare") == "unsupported call: spawn_agent");
  CHECK(output_text(requests, "call_ns_foo") == "unsupported call: multi_agent_v1foo");
  CHECK(daemon.close() == 0);
}

TEST_CASE("agents.enabled = false offers no tool_search, and the tools are unsupported calls",
          "[e2e][subagents][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([
    {"item": {"type": "function_call", "call_id": "call_spawn", "name": "spawn_agent", "namespace": "multi_agent_v1",
              "arguments": "{\"message\":\"x\"}"}},
    {"text": "done"}])"));
  model.write_config(home, "[agents]\nenabled = false\n");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  run_turn(daemon, thread, "go");
  const auto requests = model.requests();
  REQUIRE(requests.size() == 2);
  CHECK(tool_types_and_names(requests[0]) == std::vector<std::string>{"exec_command"});
  CHECK(requests[0]["input"][0]["role"] == "user");
  CHECK(output_text(requests, "call_spawn") == "unsupported call: multi_agent_v1spawn_agent");
  CHECK(daemon.close() == 0);
}

TEST_CASE("agents.max_threads: a spawn past it fails with Codex's text, and close_agent frees the place",
          "[e2e][subagents]") {
  TempHome home;
  std::ofstream(home.home / "config.toml") << "[agents]\nmax_threads = 1\n";
  home.write_hooks(hooks_json(home, "", ""));
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto messages = run_parent_turn(daemon, parent, "!agent first task\n!agent second task");
  std::vector<Json> spawns;
  for (const auto& m : find_all(of_thread(messages, parent), "item/completed"))
    if (m["item"]["type"] == "collabAgentToolCall" && m["item"]["tool"] == "spawnAgent") spawns.push_back(m["item"]);
  REQUIRE(spawns.size() == 2);
  CHECK(spawns[0]["status"] == "completed");
  Json failed = spawns[1];
  CHECK(failed == Json{{"type", "collabAgentToolCall"}, {"id", failed["id"]}, {"tool", "spawnAgent"},
                       {"status", "failed"}, {"senderThreadId", parent}, {"receiverThreadIds", Json::array()},
                       {"prompt", "second task"}, {"model", ""}, {"reasoningEffort", failed["reasoningEffort"]},
                       {"agentsStates", Json::object()}, {"startedAtMs", failed["startedAtMs"]},
                       {"completedAtMs", failed["completedAtMs"]}});
  CHECK(last_reply(messages, parent).find("collab spawn failed: agent thread limit reached") != std::string::npos);
  std::size_t post_tool_use = 0;
  for (const auto& p : hook_log(home))
    if (p["hook_event_name"] == "PostToolUse" && p["tool_name"] == "spawn_agent") ++post_tool_use;
  CHECK(post_tool_use == 1);  // as the reference: none for the refused spawn
  // Closing the first frees its place.
  messages = run_parent_turn(daemon, parent, "!close\n!agent third task");
  std::size_t completed_spawns = 0;
  for (const auto& m : find_all(of_thread(messages, parent), "item/completed"))
    if (m["item"]["type"] == "collabAgentToolCall" && m["item"]["tool"] == "spawnAgent" && m["item"]["status"] == "completed")
      ++completed_spawns;
  CHECK(completed_spawns == 1);
  CHECK(daemon.close() == 0);
}

TEST_CASE("agents.max_depth = 2 lets a sub-agent spawn its own, its source says depth 2", "[e2e][subagents]") {
  TempHome home;
  std::ofstream(home.home / "config.toml") << "[agents]\nmax_depth = 2\n";
  home.write_hooks(hooks_json(home, "", ""));
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto messages = run_parent_turn(daemon, parent, "!agent !agent !agent deepest");
  std::map<std::string, Json> sources;  // the threads spawned, by id
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["item"]["type"] == "collabAgentToolCall" && m["item"]["tool"] == "spawnAgent" && m["item"]["status"] == "completed")
      sources[m["item"]["receiverThreadIds"][0]] = nullptr;
  REQUIRE(sources.size() == 2);  // a child and a grandchild; the grandchild (depth 2) cannot spawn
  std::set<int> depths;
  for (auto& [id, source] : sources) {
    auto read = daemon.request("thread/read", {{"threadId", id}});
    depths.insert(read["result"]["thread"]["source"]["subAgent"]["thread_spawn"]["depth"].get<int>());
  }
  CHECK(depths == std::set<int>{1, 2});
  bool refused = false;
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["item"]["type"] == "agentMessage" &&
        m["item"]["text"].get<std::string>().find("unsupported call: multi_agent_v1spawn_agent") != std::string::npos)
      refused = true;
  CHECK(refused);
  CHECK(daemon.close() == 0);
}

TEST_CASE("send_input with interrupt: true stops the sub-agent's turn and starts one with the message",
          "[e2e][subagents][model]") {
  TempHome home;
  MockModel model(home, Json::parse(R"([
    {"item": {"type": "function_call", "call_id": "call_spawn", "name": "spawn_agent", "namespace": "multi_agent_v1",
              "arguments": "{\"message\":\"CHILD-TASK: a long job\"}"}},
    {"for": "CHILD-TASK", "tool_call": {"call_id": "call_sleep", "name": "exec_command", "arguments": "{\"cmd\":\"sleep 30\"}"}},
    {"tool_call": {"call_id": "call_pause", "name": "exec_command", "arguments": "{\"cmd\":\"sleep 1\"}"}},
    {"item": {"type": "function_call", "call_id": "call_send", "name": "send_input", "namespace": "multi_agent_v1",
              "arguments": "{\"target\":\"$AGENT\",\"message\":\"the new task\",\"interrupt\":true}"}},
    {"for": "CHILD-TASK", "text": "redirected result"},
    {"text": "parent done"}])"));
  model.write_config(home);
  Daemon daemon(home);
  daemon.initialize();
  const std::string parent = start_thread(daemon, home);
  auto messages = run_parent_turn(daemon, parent, "go");
  Json send;
  for (const auto& m : find_all(of_thread(messages, parent), "item/completed"))
    if (m["item"]["type"] == "collabAgentToolCall" && m["item"]["tool"] == "sendInput") send = m["item"];
  REQUIRE(send.is_object());
  CHECK(send["status"] == "completed");
  const std::string child = send["receiverThreadIds"][0];
  // The child: its first turn interrupted (the sleep killed), the second runs the message.
  Json turns;
  for (int i = 0; i < 100; ++i) {
    turns = daemon.request("thread/read", {{"threadId", child}, {"includeTurns", true}})["result"]["thread"]["turns"];
    if (turns.size() == 2 && turns[1]["status"] != "inProgress") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(turns.size() == 2);
  CHECK(turns[0]["status"] == "interrupted");
  CHECK(turns[1]["status"] == "completed");
  CHECK(turns[1]["items"][0]["content"][0]["text"] == "the new task");
  CHECK(turns[1]["items"].back()["text"] == "redirected result");
  CHECK(turns[1]["rootTurnId"] == find(messages, "turn/started")["turn"]["id"]);
  // submission_id names the turn that got the message.
  CHECK(Json::parse(output_text(model.requests(), "call_send")) == Json{{"submission_id", turns[1]["id"]}});
  CHECK(daemon.close() == 0);
}
