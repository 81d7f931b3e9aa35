// A tool call that prints 10 MB: the client is streamed its first MiB (and the item says how
// much more there was), the model gets the reference's head + tail (at most 16 KiB) in this
// and every later request, and the thread file holds the output once, not twice.
#include "daemon_process.hpp"
#include "mock_model.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;

TEST_CASE("a 10 MB tool output is bounded for the client, the model and the thread file", "[e2e][model]") {
  TempHome home;
  const auto script = home.root / "big.py";
  std::ofstream(script) << "import sys\nsys.stdout.write(''.join('line %d\\n' % i for i in range(1200000)))\n";
  const Json arguments = {{"cmd", "python3 " + script.string()}};
  Json replies = Json::array();
  replies.push_back({{"tool_call", {{"call_id", "call_big"}, {"name", "exec_command"}, {"arguments", arguments.dump()}}}});
  replies.push_back({{"text", "That was long."}});
  replies.push_back({{"text", "Still here."}});
  MockModel model(home, replies);
  model.write_config(home, "approval_policy = \"never\"\n");
  home.write_hooks(R"({"hooks":{"PostToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({\"systemMessage\": str(len(d[\"tool_response\"]))}))'"}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "print a lot");

  std::string streamed;
  for (const auto& d : find_all(messages, "item/commandExecution/outputDelta")) streamed += d["delta"].get<std::string>();
  CHECK(streamed.size() == (1u << 20));
  CHECK(streamed.rfind("line 0\nline 1\n", 0) == 0);
  Json command = find_all(messages, "item/completed")[1]["item"];
  REQUIRE(command["type"] == "commandExecution");
  const std::string aggregated = command["aggregatedOutput"];
  CHECK(aggregated.substr(0, 1u << 20) == streamed);
  std::size_t total = 0;
  for (int i = 0; i < 1200000; ++i) total += 6 + std::to_string(i).size();
  CHECK(aggregated.substr(1u << 20) == "\n[" + std::to_string(total - (1u << 20)) + " more bytes of output not shown]");

  auto requests = model.requests();
  REQUIRE(requests.size() == 2);
  const Json output = requests[1]["input"].back();
  CHECK(output["type"] == "function_call_output");
  const std::string to_model = output["output"];
  CHECK(to_model.size() <= 16 * 1024);
  CHECK(to_model.rfind("Warning: truncated output (original token count: " + std::to_string((total + 3) / 4) +
                           ")\nTotal output lines: 1200000\n\nline 0\n", 0) == 0);
  CHECK(to_model.find("line 1199999\n") == to_model.size() - 13);
  // PostToolUse sees what the model sees, as in the reference (Python counts characters).
  std::size_t characters = 0;
  for (unsigned char c : to_model) characters += (c & 0xC0) != 0x80;
  CHECK(find(messages, "hook/completed")["run"]["entries"] ==
        Json::array({{{"kind", "warning"}, {"text", std::to_string(characters)}}}));

  run_turn(daemon, thread, "and now?");
  requests = model.requests();
  REQUIRE(requests.size() == 3);
  std::size_t request_bytes = requests[2].dump().size();
  CHECK(request_bytes < 32 * 1024);  // the later request carries the truncated text only

  CHECK(daemon.close() == 0);
  const auto file = home.home / "sessions" / (thread + ".jsonl");
  CHECK(std::filesystem::file_size(file) < (1u << 20) + 256 * 1024);  // the client's MiB once, not twice
}
