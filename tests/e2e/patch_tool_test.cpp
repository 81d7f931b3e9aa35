// The apply_patch tool (a freeform call; here from the built-in agent's patch directive, so no
// network), with hooks as Codex 0.169 runs them (recorded with a mock model; docs/hooks.md
// "File edits"): PreToolUse / PostToolUse as `apply_patch` with the aliases Write and Edit,
// tool_input {command: <patch>}, the reference's texts for a block and a decline, the
// fileChange item, turn/diff/updated, approvals under a read-only sandbox, replay after restart.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace e2e;

namespace {

const std::string kPatch = "*** Begin Patch\n*** Add File: notes.txt\n+first line\n*** End Patch\n";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Json> read_lines(const std::filesystem::path& path) {
  std::vector<Json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(Json::parse(line));
  return out;
}

/// The built-in agent's reply (the last agentMessage of the turn).
std::string reply_of(const std::vector<Json>& messages) {
  std::string text;
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["item"]["type"] == "agentMessage") text = m["item"]["text"];
  return text;
}

std::vector<std::string> hook_events(const std::vector<Json>& messages) {
  std::vector<std::string> out;
  for (const auto& m : find_all(messages, "hook/completed")) out.push_back(m["run"]["eventName"]);
  return out;
}

}  // namespace

TEST_CASE("apply_patch: Write|Edit hooks fire once each around a fileChange item, then turn/diff/updated", "[e2e][patch]") {
  TempHome home;
  const auto log = home.root / "payloads.jsonl";
  // A bash PreToolUse hook whose matcher names all three aliases (it must run once), and a
  // Python PostToolUse hook on Write|Edit that checks the edited file, as a formatter would.
  home.write_hooks(R"({"hooks":{
    "PreToolUse":[{"matcher":"Write|Edit|apply_patch","hooks":[{"type":"command","command":"bash -c 'cat >> )" + log.string() + "; echo >> " + log.string() + R"('"}]}],
    "PostToolUse":[{"matcher":"Write|Edit","hooks":[{"type":"command","command":"python3 -c \"import json,sys,os; d=json.load(sys.stdin); open('PAYLOADS','a').write(json.dumps(d)+'\\n'); ok=open(os.path.join(d['cwd'],'notes.txt')).read()=='first line\\n'; print(json.dumps({'hookSpecificOutput':{'hookEventName':'PostToolUse','additionalContext':'notes.txt checked: '+('ok' if ok else 'bad')}}))\""}]}]}})");
  {  // the Python hook appends to the same log (its path has no quotes to escape)
    std::ifstream in(home.home / "hooks.json");
    std::stringstream text;
    text << in.rdbuf();
    std::string json = text.str();
    json.replace(json.find("PAYLOADS"), 8, log.string());
    home.write_hooks(json);
  }
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "add notes\n" + kPatch);

  CHECK(hook_events(messages) == std::vector<std::string>{"preToolUse", "postToolUse"});
  const std::string path = (home.workspace / "notes.txt").string();
  const Json item = {{"type", "fileChange"}, {"id", "call_1"}, {"status", "completed"},
                     {"changes", {{{"path", path}, {"kind", {{"type", "add"}}}, {"diff", "first line\n"}}}}};
  Json started, completed;
  for (const auto& m : find_all(messages, "item/started"))
    if (m["item"]["type"] == "fileChange") started = m["item"];
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["item"]["type"] == "fileChange") completed = m["item"];
  Json in_progress = item;
  in_progress["status"] = "inProgress";
  CHECK(started == in_progress);
  CHECK(completed == item);
  CHECK(read_text(path) == "first line\n");

  // The reference's order: the item, its diff, then PostToolUse; each model response ends
  // with the diff again.
  std::vector<std::string> order;
  for (const auto& m : messages) {
    const std::string method = m.value("method", "");
    if (method == "turn/diff/updated" || method == "hook/completed" ||
        (method == "item/completed" && m["params"]["item"]["type"] == "fileChange"))
      order.push_back(method == "hook/completed" ? m["params"]["run"]["eventName"].get<std::string>() : method);
  }
  CHECK(order == std::vector<std::string>{"preToolUse", "item/completed", "turn/diff/updated", "postToolUse",
                                          "turn/diff/updated", "turn/diff/updated"});
  CHECK(find(messages, "turn/diff/updated") ==
        Json{{"threadId", thread},
             {"turnId", find(messages, "turn/completed")["turn"]["id"]},
             {"diff", "diff --git a/notes.txt b/notes.txt\nnew file mode 100644\n"
                      "index 0000000000000000000000000000000000000000..08fe2720d8e3fe3a5f81fbb289bc4c7a522f13da\n"
                      "--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1 @@\n+first line\n"}});

  const auto payloads = read_lines(log);
  REQUIRE(payloads.size() == 2);
  CHECK(payloads[0]["hook_event_name"] == "PreToolUse");
  CHECK(payloads[0]["tool_name"] == "apply_patch");
  CHECK(payloads[0]["tool_input"] == Json{{"command", kPatch}});
  CHECK(payloads[0]["tool_use_id"] == "call_1");
  CHECK(payloads[1]["hook_event_name"] == "PostToolUse");
  CHECK(payloads[1]["tool_input"] == Json{{"command", kPatch}});
  const std::string response = payloads[1]["tool_response"];
  CHECK(response.rfind("Exit code: 0\nWall time: ", 0) == 0);
  CHECK(response.substr(response.find("\nOutput:\n")) == "\nOutput:\nSuccess. Updated the following files:\nA notes.txt\n");
  // The PostToolUse context reaches the model (the built-in agent lists it).
  CHECK(reply_of(messages).find("- notes.txt checked: ok") != std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("apply_patch: a PreToolUse deny, block or rewrite as the reference handles each", "[e2e][patch]") {
  struct Case {
    const char* name;
    std::string hook;
    std::string output;  // what the model gets (the start of it)
    const char* written;  // the file the patch ends up writing, or nullptr
  };
  const Case cases[] = {
      {"deny",
       R"(cat >/dev/null; echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no edits here"}}')",
       "Command blocked by PreToolUse hook: no edits here. Command: " + kPatch, nullptr},
      {"block", R"(cat >/dev/null; echo 'blocked by policy' >&2; exit 2)",
       "Command blocked by PreToolUse hook: blocked by policy. Command: " + kPatch, nullptr},
      {"rewrite",
       R"PY(python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'hookSpecificOutput':{'hookEventName':'PreToolUse','permissionDecision':'allow','updatedInput':{'command':d['tool_input']['command'].replace('notes.txt','other.txt')}}}))")PY",
       "Exit code: 0\nWall time: ", "other.txt"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      TempHome home;
      home.write_hooks(Json{{"hooks", {{"PreToolUse", {{{"matcher", "Edit"}, {"hooks", {{{"type", "command"}, {"command", c.hook}}}}}}}}}}.dump());
      Daemon daemon(home);
      daemon.initialize();
      const std::string thread = start_thread(daemon, home);
      auto messages = run_turn(daemon, thread, kPatch);
      const std::string reply = reply_of(messages);
      INFO(reply);
      CHECK(reply.find("I applied a patch; it returned:\n" + c.output.substr(0, 200)) != std::string::npos);
      bool item = false;
      for (const auto& m : find_all(messages, "item/started")) item = item || m["item"]["type"] == "fileChange";
      CHECK(item == (c.written != nullptr));
      CHECK_FALSE(std::filesystem::exists(home.workspace / "notes.txt"));
      if (c.written) CHECK(read_text(home.workspace / c.written) == "first line\n");
      CHECK(daemon.close() == 0);
    }
  }
}

TEST_CASE("apply_patch under a read-only sandbox asks the client: decline writes nothing, acceptForSession asks once", "[e2e][patch]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"PermissionRequest":[{"matcher":"Write","hooks":[{"type":"command","command":"cat >> )" +
                   (home.root / "permission.jsonl").string() + "; echo >> " + (home.root / "permission.jsonl").string() +
                   R"("}]}]}})");
  Daemon daemon(home);
  daemon.initialize();
  Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()}, {"sandbox", "read-only"},
                                                 {"approvalPolicy", "on-request"}});
  REQUIRE(started.contains("result"));
  daemon.until("thread/started");
  const std::string thread = started["result"]["thread"]["id"];
  auto answer = [&](const std::string& decision) {
    std::vector<Json> before;
    Json request = next_server_request(daemon, &before);
    CHECK(request["method"] == "item/fileChange/requestApproval");
    CHECK(before.back()["params"]["status"] == Json::parse(R"({"type":"active","activeFlags":["waitingOnApproval"]})"));
    daemon.send(Json{{"id", request["id"]}, {"result", {{"decision", decision}}}});
    return daemon.until("turn/completed");
  };
  auto start_turn = [&](const std::string& text) {
    REQUIRE(daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", text}}}}})
                .contains("result"));
  };

  start_turn(kPatch);
  auto declined = answer("decline");
  CHECK(find_all(declined, "item/completed")[0]["item"]["status"] == "declined");
  CHECK(reply_of(declined).find("I applied a patch; it returned:\npatch rejected by user\n") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(home.workspace / "notes.txt"));
  const auto permission = read_lines(home.root / "permission.jsonl");
  REQUIRE(permission.size() == 1);  // PermissionRequest saw the patch without its last newline
  CHECK(permission[0]["tool_input"] == Json{{"command", kPatch.substr(0, kPatch.size() - 1)}});

  start_turn(kPatch);
  answer("acceptForSession");
  CHECK(read_text(home.workspace / "notes.txt") == "first line\n");
  // The same file again: no request this time.
  auto again = run_turn(daemon, thread, "*** Begin Patch\n*** Update File: notes.txt\n@@\n-first line\n+second line\n*** End Patch");
  for (const auto& m : again) CHECK_FALSE((m.contains("id") && m.contains("method")));
  CHECK(read_text(home.workspace / "notes.txt") == "second line\n");
  CHECK(daemon.close() == 0);
}

TEST_CASE("apply_patch items and their hook runs come back after a restart", "[e2e][patch]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"PostToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"cat >/dev/null"}]}]}})");
  std::string thread;
  Json live;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    run_turn(daemon, thread, kPatch);
    Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}});
    REQUIRE(read.contains("result"));
    live = read["result"]["thread"]["turns"][0];
    CHECK(daemon.close() == 0);
  }
  Daemon daemon(home);
  daemon.initialize();
  Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}});
  REQUIRE(read.contains("result"));
  const Json turn = read["result"]["thread"]["turns"][0];
  CHECK(turn["items"] == live["items"]);
  CHECK(turn["hookRuns"] == live["hookRuns"]);
  std::vector<std::string> types;
  for (const auto& item : turn["items"]) types.push_back(item["type"]);
  CHECK(types == std::vector<std::string>{"userMessage", "fileChange", "agentMessage"});
  REQUIRE(turn["hookRuns"].size() == 1);
  CHECK(turn["hookRuns"][0]["eventName"] == "postToolUse");
  // The model's view survives too: a resumed turn's reply still counts the patch call.
  Json resumed = daemon.request("thread/resume", {{"threadId", thread}});
  REQUIRE(resumed.contains("result"));
  auto next = run_turn(daemon, thread, "again");
  CHECK(reply_of(next).find("You said: \"again\"") != std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("the hooks.json corpus configs that match Write, Edit or apply_patch fire on an edit", "[e2e][patch]") {
  // tests/corpus/hooks: 4 of its 16 real-world shapes match an edit tool. Their commands point
  // at scripts that are not here, so each command handler becomes `cat >/dev/null` (matchers,
  // groups and other handler types as written); then one patch turn shows which events ran.
  const std::pair<const char*, std::vector<std::string>> cases[] = {
      {"claude-edit-write-matcher.json", {"preToolUse", "postToolUse"}},  // Edit|Write
      {"command-windows.json", {"preToolUse"}},                          // Bash|apply_patch|Edit|Write, once
      {"mcp-tool-handler.json", {"postToolUse"}},  // apply_patch: the command handler (mcp_tool is not run)
      {"claude-http-handler.json", {}},            // Write, but an http handler: not run, as in Codex
  };
  for (const auto& [file, expected] : cases) {
    DYNAMIC_SECTION(file) {
      std::ifstream in(std::string(CORPUS_DIR) + "/" + file);
      Json config = Json::parse(in);
      for (auto& [event, groups] : config["hooks"].items())
        for (auto& group : groups)
          for (auto& handler : group["hooks"])
            if (handler.value("type", "") == "command") handler["command"] = "cat >/dev/null";
      TempHome home;
      home.write_hooks(config.dump());
      Daemon daemon(home);
      daemon.initialize();
      const std::string thread = start_thread(daemon, home);
      auto messages = run_turn(daemon, thread, kPatch);
      CHECK(hook_events(messages) == expected);
      CHECK(read_text(home.workspace / "notes.txt") == "first line\n");
      CHECK(daemon.close() == 0);
    }
  }
}

TEST_CASE("apply_patch: update, delete and move in one patch, and a PostToolUse block replaces the output", "[e2e][patch]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"PostToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"cat >/dev/null; echo '{\"decision\":\"block\",\"reason\":\"formatting failed\"}'"}]}]}})");
  {
    std::ofstream(home.workspace / "keep.txt") << "a\nb\nc\n";
    std::ofstream(home.workspace / "old.txt") << "x\n";
    std::ofstream(home.workspace / "gone.txt") << "bye\n";
  }
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread,
                           "*** Begin Patch\n*** Update File: keep.txt\n@@\n a\n-b\n+B\n*** Delete File: gone.txt\n"
                           "*** Update File: old.txt\n*** Move to: new.txt\n@@\n-x\n+y\n*** End Patch");
  const std::string ws = home.workspace.string() + "/";
  Json completed;
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["item"]["type"] == "fileChange") completed = m["item"];
  CHECK(completed["status"] == "completed");
  CHECK(completed["changes"] ==
        Json::array({{{"path", ws + "gone.txt"}, {"kind", {{"type", "delete"}}}, {"diff", "bye\n"}},
                     {{"path", ws + "keep.txt"}, {"kind", {{"type", "update"}, {"move_path", nullptr}}},
                      {"diff", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"}},
                     {{"path", ws + "old.txt"}, {"kind", {{"type", "update"}, {"move_path", ws + "new.txt"}}},
                      {"diff", "@@ -1 +1 @@\n-x\n+y\n"}}}));
  CHECK(read_text(home.workspace / "keep.txt") == "a\nB\nc\n");
  CHECK(read_text(home.workspace / "new.txt") == "y\n");
  CHECK_FALSE(std::filesystem::exists(home.workspace / "old.txt"));
  CHECK_FALSE(std::filesystem::exists(home.workspace / "gone.txt"));
  const std::string diff = find(messages, "turn/diff/updated")["diff"];
  CHECK(diff.find("diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n") == 0);
  CHECK(diff.find("diff --git a/keep.txt b/keep.txt\n") != std::string::npos);
  CHECK(diff.find("diff --git a/old.txt b/new.txt\n") != std::string::npos);
  // The model got the PostToolUse reason instead of the tool's output.
  CHECK(reply_of(messages).find("I applied a patch; it returned:\nformatting failed\n") != std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("sandbox_mode in config.toml is the thread's sandbox policy unless thread/start names one", "[e2e][patch]") {
  TempHome home;
  std::ofstream(home.home / "config.toml") << "sandbox_mode = \"read-only\"\napproval_policy = \"on-request\"\n";
  Daemon daemon(home);
  daemon.initialize();
  Json configured = daemon.request("thread/start", {{"cwd", home.workspace.string()}});
  CHECK(configured["result"]["sandbox"] == Json{{"type", "readOnly"}});
  daemon.until("thread/started");
  Json named = daemon.request("thread/start", {{"cwd", home.workspace.string()}, {"sandbox", "danger-full-access"}});
  CHECK(named["result"]["sandbox"] == Json{{"type", "dangerFullAccess"}});
  daemon.until("thread/started");
  // Under the configured read-only policy a patch asks first.
  const std::string thread = configured["result"]["thread"]["id"];
  REQUIRE(daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", kPatch}}}}})
              .contains("result"));
  Json asked = next_server_request(daemon);
  CHECK(asked["method"] == "item/fileChange/requestApproval");
  daemon.send(Json{{"id", asked["id"]}, {"result", {{"decision", "cancel"}}}});
  auto rest = daemon.until("turn/completed");
  CHECK(rest.back()["params"]["turn"]["status"] == "interrupted");
  CHECK_FALSE(std::filesystem::exists(home.workspace / "notes.txt"));
  CHECK(daemon.close() == 0);
}

TEST_CASE("apply_patch: a hunk that does not apply changes nothing and the model gets the reference's error", "[e2e][patch]") {
  TempHome home;
  const auto log = home.root / "pre.jsonl";
  home.write_hooks(R"({"hooks":{"PreToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"cat >> )" +
                   log.string() + "; echo >> " + log.string() + R"("}]}]}})");
  std::ofstream(home.workspace / "keep.txt") << "a\n";
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  // Two files: the first hunk would apply, the second does not; neither file changes.
  auto messages = run_turn(daemon, thread,
                           "*** Begin Patch\n*** Add File: notes.txt\n+x\n*** Update File: keep.txt\n@@\n-nothere\n+b\n"
                           "*** End Patch");
  const std::string keep = (home.workspace / "keep.txt").string();
  CHECK(reply_of(messages).find("I applied a patch; it returned:\napply_patch verification failed: Failed to find "
                                "expected lines in " + keep + ":\nnothere\n") != std::string::npos);
  for (const auto& m : find_all(messages, "item/started")) CHECK(m["item"]["type"] != "fileChange");
  for (const auto& m : messages) CHECK(m.value("method", "") != "turn/diff/updated");
  CHECK(read_lines(log).size() == 1);  // PreToolUse ran first, as in the reference
  CHECK_FALSE(std::filesystem::exists(home.workspace / "notes.txt"));
  CHECK(read_text(keep) == "a\n");
  // Not a patch at all: refused before any hook.
  auto junk = run_turn(daemon, thread, "*** Begin Patch\n*** Frobnicate File: x\n*** End Patch");
  CHECK(hook_events(junk).empty());
  CHECK(reply_of(junk).find("I applied a patch; it returned:\napply_patch verification failed: ") != std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("apply_patch under a read-only sandbox and approval policy never is rejected as the reference rejects it", "[e2e][patch]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()}, {"sandbox", "read-only"},
                                                 {"approvalPolicy", "never"}});
  daemon.until("thread/started");
  auto messages = run_turn(daemon, started["result"]["thread"]["id"], kPatch);
  CHECK(reply_of(messages).find("I applied a patch; it returned:\npatch rejected: writing is blocked by read-only "
                                "sandbox; rejected by user approval settings\n") != std::string::npos);
  for (const auto& m : find_all(messages, "item/started")) CHECK(m["item"]["type"] != "fileChange");
  for (const auto& m : messages) CHECK_FALSE((m.contains("id") && m.contains("method")));
  CHECK_FALSE(std::filesystem::exists(home.workspace / "notes.txt"));
  CHECK(daemon.close() == 0);
}
