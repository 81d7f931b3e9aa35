#include "server/agent/builtin_agent.hpp"

#include <catch2/catch.hpp>

using namespace appserver;

TEST_CASE("the built-in agent's reply shows the prompt and the hook context of this turn", "[agent]") {
  SamplingRequest request{{{"user", "old prompt"}, {"developer", "old context"},
                           {"developer", "session ctx"}, {"user", "hello"}, {"developer", "prompt ctx"}},
                          2};
  CHECK(BuiltinAgent::compose_reply(request) ==
        "You said: \"hello\"\nHook context I received (2):\n- session ctx\n- prompt ctx");
  request.conversation.push_back({"assistant", "..."});
  request.conversation.push_back({"user", "<hook_prompt hook_run_id=\"stop:2:/h\">again</hook_prompt>"});
  CHECK(BuiltinAgent::compose_reply(request).rfind(
            "Continuing because a Stop hook asked me to: <hook_prompt", 0) == 0);
}

TEST_CASE("the reply is streamed in several deltas that add up to it", "[agent]") {
  const std::string text = "You said: \"a fairly long prompt with many words in it\"\nNo hook context.";
  auto deltas = BuiltinAgent::split_deltas(text);
  CHECK(deltas.size() > 3);
  std::string joined;
  for (const auto& d : deltas) joined += d;
  CHECK(joined == text);
}

TEST_CASE("a patch block in the prompt becomes one apply_patch call, in prompt order with ! lines", "[agent]") {
  SamplingRequest request;
  request.conversation = {{"user", "first\n!ls\n*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\ndone"}};
  const auto calls = BuiltinAgent::tool_calls(request);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].name == "exec_command");
  CHECK(calls[1].call_id == "call_2");
  CHECK(calls[1].name == "apply_patch");
  CHECK(calls[1].arguments.is_null());
  CHECK(calls[1].input == "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n");
  // Once the outputs are back, the reply says what happened.
  request.conversation.push_back({"function_call", R"({"cmd":"ls"})", "call_1", "exec_command"});
  request.conversation.push_back({"function_call_output", "a.txt\n", "call_1", ""});
  request.conversation.push_back({"custom_tool_call", *calls[1].input, "call_2", "apply_patch"});
  request.conversation.push_back({"custom_tool_call_output", "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess.", "call_2", ""});
  CHECK(BuiltinAgent::tool_calls(request).empty());
  const std::string reply = BuiltinAgent::compose_reply(request);
  CHECK(reply.rfind("I ran `ls`; it returned:\na.txt\nI applied a patch; it returned:\nExit code: 0\nWall time: 0 seconds\nOutput:\nSuccess.\n", 0) == 0);
}

TEST_CASE("an unfinished patch block is no tool call", "[agent]") {
  SamplingRequest request;
  request.conversation = {{"user", "*** Begin Patch\n*** Add File: a.txt\n+hi"}};
  CHECK(BuiltinAgent::tool_calls(request).empty());
}

TEST_CASE("the sub-agent directives are calls in the multi_agent_v1 namespace, on the last agent spawned",
          "[agent]") {
  SamplingRequest request;
  request.conversation = {{"user", "!agent a task"}};
  auto calls = BuiltinAgent::tool_calls(request);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].name == "spawn_agent");
  CHECK(calls[0].tool_namespace == "multi_agent_v1");
  CHECK(calls[0].arguments == nlohmann::json{{"message", "a task"}});
  // A later turn addresses the agent that spawn_agent returned.
  request.conversation.push_back({"function_call", R"({"message":"a task"})", "call_1", "spawn_agent", "multi_agent_v1"});
  request.conversation.push_back({"function_call_output", R"({"agent_id":"child-1","nickname":"Hume"})", "call_1", ""});
  request.conversation.push_back({"assistant", "spawned"});
  request.turn_start = request.conversation.size();
  request.conversation.push_back({"user", "!send more\n!redirect other\n!wait\n!close\n!resume"});
  calls = BuiltinAgent::tool_calls(request);
  REQUIRE(calls.size() == 5);
  for (const auto& call : calls) CHECK(call.tool_namespace == "multi_agent_v1");
  CHECK(calls[0].arguments == nlohmann::json{{"target", "child-1"}, {"message", "more"}});
  CHECK(calls[1].arguments == nlohmann::json{{"target", "child-1"}, {"message", "other"}, {"interrupt", true}});
  CHECK(calls[2].name == "wait_agent");
  CHECK(calls[3].arguments == nlohmann::json{{"target", "child-1"}});
  CHECK(calls[4].arguments == nlohmann::json{{"id", "child-1"}});
}
