// exec_command running `apply_patch <<'PATCH' … PATCH`, intercepted as Codex 0.169 does it
// (recorded): PreToolUse sees Bash and the heredoc, a fileChange item instead of a command, the
// file written, the reference's output to the model, no PostToolUse; a failing hunk changes
// nothing and gives "apply_patch verification failed: …" without an item.
#include "daemon_process.hpp"
#include "mock_model.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace e2e;

TEST_CASE("an apply_patch heredoc in exec_command becomes a fileChange item, as the reference does", "[e2e][patch]") {
  TempHome home;
  const std::string add = "apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: hello.txt\n+hello\n+world\n*** End Patch\nPATCH";
  const std::string bad = "apply_patch <<'PATCH'\n*** Begin Patch\n*** Update File: hello.txt\n@@\n-nothere\n+x\n*** End Patch\nPATCH";
  MockModel model(home, Json::array({{{"tool_call", {{"call_id", "c1"}, {"name", "exec_command"}, {"arguments", Json{{"cmd", add}}.dump()}}}},
                                     {{"text", "added"}},
                                     {{"tool_call", {{"call_id", "c2"}, {"name", "exec_command"}, {"arguments", Json{{"cmd", bad}}.dump()}}}},
                                     {{"text", "failed"}}}));
  model.write_config(home);
  home.write_hooks(R"({"hooks":{"PreToolUse":[{"hooks":[{"type":"command","command":"true"}]}],"PostToolUse":[{"hooks":[{"type":"command","command":"true"}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "add");
  const std::string path = (home.workspace / "hello.txt").string();
  Json item;
  std::vector<std::string> events;
  for (const auto& m : messages) {
    if (m.value("method", "") == "item/completed" && m["params"]["item"]["type"] == "fileChange") item = m["params"]["item"];
    if (m.value("method", "") == "hook/completed") events.push_back(m["params"]["run"]["eventName"]);
    CHECK_FALSE((m.value("method", "") == "item/started" && m["params"]["item"]["type"] == "commandExecution"));
  }
  CHECK(item == Json{{"type", "fileChange"}, {"id", "c1"}, {"status", "completed"},
                     {"changes", {{{"path", path}, {"kind", {{"type", "add"}}}, {"diff", "hello\nworld\n"}}}}});
  CHECK(events == std::vector<std::string>{"preToolUse"});  // no PostToolUse on this path
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "hello\nworld\n");
  auto failed = run_turn(daemon, thread, "bad");
  for (const auto& m : failed)
    CHECK_FALSE((m.value("method", "") == "item/started" && m["params"]["item"]["type"] == "fileChange"));
  const auto requests = model.requests();
  REQUIRE(requests.size() == 4);
  std::vector<std::string> outputs;
  for (const auto& input : requests[3]["input"])
    if (input.value("type", "") == "function_call_output") outputs.push_back(input["output"]);
  REQUIRE(outputs.size() == 2);
  CHECK(outputs[0].find("Exit code: 0") != std::string::npos);
  CHECK(outputs[1] == "apply_patch verification failed: Failed to find expected lines in " + path + ":\nnothere");
  std::ifstream again(path);
  std::stringstream unchanged;
  unchanged << again.rdbuf();
  CHECK(unchanged.str() == "hello\nworld\n");
  CHECK(daemon.close() == 0);
}
