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
