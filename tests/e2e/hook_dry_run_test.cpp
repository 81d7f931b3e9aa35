// `app-server hooks test`: a hook author's dry run, with the hooks a user writes (Python, bash,
// node), checked through its --json report (whole objects where the values are ours) and its
// text; and `--help` on every subcommand. These start no daemon: [once] keeps them out of the
// WebSocket pass.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;

namespace {

/// Writes a hook script into the workspace and returns a command running it with `interpreter`.
std::string script(const TempHome& home, const std::string& name, const std::string& interpreter,
                   const std::string& body) {
  const auto path = home.root / name;
  std::ofstream(path) << body;
  return interpreter + " " + path.string();
}

/// `{"hooks": {event: [{matcher?, hooks: [{command, timeout?}]}, ...]}}` from (matcher, command) pairs.
Json hooks_file(const std::string& event, const std::vector<std::pair<std::string, std::string>>& handlers,
                int timeout = 0) {
  Json groups = Json::array();
  for (const auto& [matcher, command] : handlers) {
    Json handler = {{"type", "command"}, {"command", command}};
    if (timeout) handler["timeout"] = timeout;
    Json group = {{"hooks", Json::array({handler})}};
    if (!matcher.empty()) group["matcher"] = matcher;
    groups.push_back(group);
  }
  return {{"hooks", {{event, groups}}}};
}

Json report(const TempHome& home, std::vector<std::string> args, int want_status = 0, const std::string& in = "") {
  args.insert(args.begin(), "test");
  args.push_back("--json");
  const CliOutput r = home.hooks_output(args, in);
  INFO(r.out << r.err);
  REQUIRE(r.status == want_status);
  return Json::parse(r.out);
}

Json effect(std::string summary) {
  return {{"summary", std::move(summary)}, {"blocked", false},      {"stopped", false},
          {"contexts", Json::array()},      {"updatedInput", nullptr}, {"verdict", nullptr},
          {"continuationPrompts", Json::array()}, {"modelToolOutput", nullptr}};
}

}  // namespace

TEST_CASE("hooks test: a UserPromptSubmit hook in bash that blocks the prompt", "[once][cli]") {
  TempHome home;
  const std::string cmd = script(home, "guard.sh", "bash",
                                 "payload=$(cat)\n"
                                 "case \"$payload\" in *password*) echo 'no secrets in prompts' >&2; exit 2;; esac\n");
  home.write_hooks(hooks_file("UserPromptSubmit", {{"", cmd}}).dump());
  const Json r = report(home, {"UserPromptSubmit", "--prompt", "my password is hunter2"});
  Json want = effect("blocked: the prompt is not recorded and never reaches the model; the turn ends");
  want["blocked"] = true;
  CHECK(r["effect"] == want);
  REQUIRE(r["runs"].size() == 1);
  CHECK(r["runs"][0]["status"] == "blocked");
  CHECK(r["runs"][0]["entries"] == Json::array({{{"kind", "feedback"}, {"text", "no secrets in prompts"}}}));
  CHECK(r["payload"]["prompt"] == "my password is hunter2");
  CHECK(r["handlers"][0]["exitCode"] == 2);
  CHECK(r["handlers"][0]["stderr"] == "no secrets in prompts\n");
  // The same prompt without the word goes through.
  CHECK(report(home, {"UserPromptSubmit", "--prompt", "hello"})["effect"] == effect("none"));
}

TEST_CASE("hooks test: PreToolUse in Python denies one command and node rewrites another", "[once][cli]") {
  TempHome home;
  const std::string deny = script(home, "deny.py", "python3", R"(import json, sys
d = json.load(sys.stdin)
if "rm -rf" in d["tool_input"]["command"]:
    print(json.dumps({"hookSpecificOutput": {"hookEventName": "PreToolUse",
        "permissionDecision": "deny", "permissionDecisionReason": "destructive"}}))
)");
  const std::string rewrite = script(home, "rewrite.js", "node", R"(let s = "";
process.stdin.on("data", c => s += c).on("end", () => {
  const d = JSON.parse(s);
  if (d.tool_input.command.startsWith("ls"))
    console.log(JSON.stringify({hookSpecificOutput: {hookEventName: "PreToolUse",
      permissionDecision: "allow", updatedInput: {command: d.tool_input.command + " -la"}}}));
});
)");
  home.write_hooks(hooks_file("PreToolUse", {{"Bash", deny}, {"Bash", rewrite}}).dump());

  const Json denied = report(home, {"PreToolUse", "--command", "rm -rf build"});
  Json want = effect("blocked: the command does not run");
  want["blocked"] = true;
  want["modelToolOutput"] = "Command blocked by PreToolUse hook: destructive. Command: rm -rf build";
  CHECK(denied["effect"] == want);
  CHECK(denied["runs"][0]["status"] == "blocked");
  CHECK(denied["runs"][1]["status"] == "completed");

  const Json rewritten = report(home, {"PreToolUse", "--command", "ls"});
  want = effect("rewritten: the command that runs is \"ls -la\"");
  want["updatedInput"] = {{"command", "ls -la"}};
  CHECK(rewritten["effect"] == want);
  CHECK(rewritten["runs"][0]["id"] == "pre-tool-use:0:" + (home.home / "hooks.json").string() + ":call_hooks_test");
}

TEST_CASE("hooks test: a Stop hook that blocks gives the continuation prompt", "[once][cli]") {
  TempHome home;
  home.write_hooks(hooks_file("Stop", {{"", script(home, "stop.py", "python3", R"(import json, sys
d = json.load(sys.stdin)
if not d["stop_hook_active"]:
    print(json.dumps({"decision": "block", "reason": "run the tests first"}))
)")}}).dump());
  const Json r = report(home, {"Stop"});
  Json want = effect("continued: the turn goes on with 1 continuation prompt");
  want["blocked"] = true;
  want["continuationPrompts"] = {"run the tests first"};
  CHECK(r["effect"] == want);
  CHECK(r["handlers"][0]["matcher"] == "none (Stop ignores matchers)");
}

TEST_CASE("hooks test: SessionStart context from plain stdout, matched on the source", "[once][cli]") {
  TempHome home;
  home.write_hooks(hooks_file("SessionStart", {{"startup", "echo 'branch: main'"}, {"resume", "echo resumed"}}).dump());
  const Json r = report(home, {"SessionStart"});
  Json want = effect("context only: the turn goes on as it would");
  want["contexts"] = {"branch: main"};
  CHECK(r["effect"] == want);
  CHECK(r["handlers"][1]["notRun"] == "not run: the matcher does not match");
  CHECK(r["handlers"][1]["matcher"] == "\"resume\" does not match \"startup\"");
  CHECK(report(home, {"SessionStart", "--source", "resume"})["effect"]["contexts"] == Json{"resumed"});
}

TEST_CASE("hooks test: an untrusted hook is listed and not run unless trust is bypassed", "[once][cli]") {
  TempHome home;
  const auto marker = home.root / "ran";
  home.write_hooks(hooks_file("Stop", {{"", "touch " + marker.string()}}).dump(), /*trust=*/false);
  const std::string key = (home.home / "hooks.json").string() + ":stop:0:0";
  Json r = report(home, {"Stop"});
  CHECK(r["handlers"][0]["trustStatus"] == "untrusted");
  CHECK(r["handlers"][0]["notRun"] ==
        "not run: not trusted (app-server hooks trust " + key + ", or --dangerously-bypass-hook-trust)");
  CHECK(r["runs"] == Json::array());
  CHECK_FALSE(std::filesystem::exists(marker));
  r = report(home, {"Stop", "--dangerously-bypass-hook-trust"});
  CHECK(r["runs"].size() == 1);
  CHECK(std::filesystem::exists(marker));
}

TEST_CASE("hooks test: a matcher that does not match the tool name, and a payload from stdin", "[once][cli]") {
  TempHome home;
  home.write_hooks(hooks_file("PostToolUse", {{"Write|Edit", "echo '{\"decision\":\"block\",\"reason\":\"lint failed\"}'"}}).dump());
  Json r = report(home, {"PostToolUse"});
  CHECK(r["handlers"][0]["matcher"] == "\"Write|Edit\" does not match \"Bash\"");
  CHECK(r["runs"] == Json::array());
  // A payload of the hook author's, with another tool: its tool_name drives the matcher.
  const Json payload = {{"session_id", "s"}, {"turn_id", "t"}, {"transcript_path", nullptr},
                        {"cwd", home.workspace.string()}, {"hook_event_name", "PostToolUse"},
                        {"model", "gpt-5"}, {"permission_mode", "default"}, {"tool_name", "Edit"},
                        {"tool_input", {{"file_path", "a.txt"}}}, {"tool_response", "ok"},
                        {"tool_use_id", "call_1"}};
  r = report(home, {"PostToolUse", "--payload", "-"}, 0, payload.dump());
  CHECK(r["payload"] == payload);
  CHECK(r["handlers"][0]["matcher"] == "\"Write|Edit\" matches \"Edit\"");
  CHECK(r["runs"][0]["id"] == "post-tool-use:0:" + (home.home / "hooks.json").string() + ":call_1");
  Json want = effect("replaced: the model gets the hook's feedback instead of the command's output");
  want["blocked"] = true;
  want["modelToolOutput"] = "lint failed";
  CHECK(r["effect"] == want);
}

TEST_CASE("hooks test: a hook that hangs is killed at its timeout and the run fails", "[once][cli]") {
  TempHome home;
  home.write_hooks(hooks_file("Stop", {{"", script(home, "hang.py", "python3", "import time\ntime.sleep(60)\n")}}, 1).dump());
  const auto started = std::chrono::steady_clock::now();
  const Json r = report(home, {"Stop"}, /*want_status=*/1);
  CHECK(std::chrono::steady_clock::now() - started < 20s);
  CHECK(r["runs"][0]["status"] == "failed");
  CHECK(r["runs"][0]["entries"] == Json::array({{{"kind", "error"}, {"text", "hook timed out after 1s"}}}));
  CHECK(r["effect"] == effect("none"));
}

TEST_CASE("hooks test: almost-right output fails as the reference fails it, with a warning that names the field",
          "[once][cli]") {
  TempHome home;
  home.write_hooks(hooks_file("Stop", {{"", "echo '{\"decison\": \"block\", \"reason\": \"tests\"}'"}}).dump());
  const CliOutput r = home.hooks_output({"test", "Stop"});
  CHECK(r.status == 1);
  CHECK(r.out.find("    status   failed\n"
                   "    error: hook returned invalid stop hook JSON output\n"
                   "    warning: Stop hook output: unknown field \"decison\"; did you mean \"decision\"? (the output "
                   "takes continue, decision, reason, stopReason, suppressOutput, systemMessage)\n") != std::string::npos);
  CHECK(r.out.find("effect on the turn: none\n") != std::string::npos);
}

TEST_CASE("hooks test: usage errors exit 2 and name the problem", "[once][cli]") {
  TempHome home;
  CliOutput r = home.hooks_output({"test"});
  CHECK(r.status == 2);
  CHECK(r.err == "app-server: hooks test: name an event, e.g. `app-server hooks test PreToolUse`\n");
  r = home.hooks_output({"test", "AfterTool"});
  CHECK(r.status == 2);
  CHECK(r.err == "app-server: hooks test: unknown event AfterTool (see hooks test --help for the list)\n");
  r = home.hooks_output({"test", "Stop", "--payload", "-"}, "[1]");
  CHECK(r.status == 2);
  CHECK(r.err == "app-server: --payload -: expected a JSON object\n");
}

TEST_CASE("every subcommand answers --help on stdout with exit 0", "[once][cli]") {
  TempHome home;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--help"}, "app-server — a Codex app-server v2 JSON-RPC daemon"},
      {{"replay", "--help"}, "Usage: app-server replay FILE"},
      {{"generate-json-schema", "--help"}, "Usage: app-server generate-json-schema --out DIR"},
      {{"hooks", "--help"}, "app-server hooks — review, trust and try the hooks a thread would run."},
      {{"hooks", "list", "--help"}, "Usage: app-server hooks list"},
      {{"hooks", "trust", "--help"}, "Usage: app-server hooks trust"},
      {{"hooks", "test", "--help"}, "Usage: app-server hooks test EVENT [options]"},
      {{"hooks", "test", "Stop", "-h"}, "Usage: app-server hooks test EVENT [options]"}};
  for (const auto& [args, first_line] : cases) {
    const CliOutput r = run_cli(args, home.root);
    INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.out << r.err);
    CHECK(r.status == 0);
    CHECK(r.out.rfind(first_line, 0) == 0);
    CHECK(r.err.empty());
  }
  const std::string hooks_help = run_cli({"hooks", "--help"}, home.root).out;
  for (const char* word : {"\n  list ", "\n  trust ", "\n  test "}) CHECK(hooks_help.find(word) != std::string::npos);
}

TEST_CASE("hooks test --all-layers lists an untrusted project's hooks without running them", "[once][cli]") {
  TempHome home;
  const auto marker = home.root / "project-hook-ran";
  std::filesystem::create_directories(home.workspace / ".git");
  std::filesystem::create_directories(home.workspace / ".codex");
  std::ofstream(home.workspace / ".codex" / "hooks.json") << hooks_file("Stop", {{"", "touch " + marker.string()}}).dump();
  Json r = report(home, {"Stop"});
  CHECK(r["handlers"] == Json::array());
  REQUIRE(r["warnings"].size() == 1);
  CHECK(r["warnings"][0].get<std::string>().rfind("skipping project hooks in " + (home.workspace / ".codex").string(), 0) == 0);
  r = report(home, {"Stop", "--all-layers"});
  REQUIRE(r["handlers"].size() == 1);
  CHECK(r["handlers"][0]["source"] == "project");
  CHECK(r["handlers"][0]["notRun"] == "not run: its project is not trusted (app-server hooks trust --project)");
  CHECK(r["runs"] == Json::array());
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("docs/hooks.md shows the payload --print-payload prints, for every event", "[once][cli]") {
  TempHome home;  // no config: model "builtin", permission_mode "default"
  std::ifstream in(std::string(DOCS_DIR) + "/hooks.md");
  const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* event : {"SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse",
                            "Stop", "PreCompact", "PostCompact", "SessionEnd", "SubagentStart", "SubagentStop",
                            "Interrupt", "PreModelRequest", "PostModelRequest"}) {
    const CliOutput r = run_cli({"hooks", "test", event, "--print-payload", "--home", home.home.string(), "--cwd",
                                 "/home/me/project"},
                                home.root);
    INFO(event << ":\n" << r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(docs.find("<summary>" + std::string(event) + "</summary>\n\n```json\n" + r.out + "```\n") != std::string::npos);
  }
}
