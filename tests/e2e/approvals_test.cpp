// Which commands ask for approval, and what runs inside the sandbox afterwards
// (server/approvals/exec_approval.hpp): escalation under on-request, rm -f, the refusals under
// never, known-safe commands under untrusted, and the retry outside the sandbox after a
// sandbox denial under on-failure. The built-in agent asks for escalation with `!!cmd`.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <iterator>

using namespace e2e;

namespace {

std::string thread_with(Daemon& daemon, const TempHome& home, const std::string& approval, const std::string& sandbox) {
  Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()},
                                                 {"approvalPolicy", approval},
                                                 {"sandbox", sandbox}});
  REQUIRE(started.contains("result"));
  // v2 has no "on-failure": the nearest value is reported, as the reference reports it.
  CHECK(started["result"]["approvalPolicy"] == (approval == "on-failure" ? "on-request" : approval));
  daemon.until("thread/started");
  return started["result"]["thread"]["id"];
}

void start_turn(Daemon& daemon, const std::string& thread, const std::string& text) {
  REQUIRE(daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", text}}}}})
              .contains("result"));
}

/// The agent's reply of a finished turn (what the model got back is quoted in it).
std::string reply_of(const std::vector<Json>& messages) {
  std::string reply;
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["item"]["type"] == "agentMessage") reply = m["item"]["text"];
  return reply;
}

std::vector<Json> command_items(const std::vector<Json>& messages) {
  std::vector<Json> items;
  for (const auto& m : find_all(messages, "item/completed"))
    if (m["item"]["type"] == "commandExecution") items.push_back(m["item"]);
  return items;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool asks(const std::vector<Json>& messages) {
  return std::any_of(messages.begin(), messages.end(), [](const Json& m) { return m.contains("id") && m.contains("method"); });
}

/// A folder outside the workspace, /tmp and $TMPDIR: not writable under workspace-write.
struct Outside {
  std::filesystem::path dir = "/var/tmp/app-server-approvals-" + std::to_string(::getpid());
  Outside() { std::filesystem::create_directories(dir); }
  ~Outside() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST_CASE("on-request: an escalation request is asked with its justification and runs outside the sandbox",
          "[e2e][approvals]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the escalation test did not run");
    return;
  }
  TempHome home;
  // A PermissionRequest hook that records its stdin: it sees the justification as `description`.
  const auto seen = home.root / "permission.json";
  home.write_hooks(R"({"hooks":{"PermissionRequest":[{"matcher":"Bash","hooks":[{"type":"command","command":"cat > )" +
                   seen.string() + R"("}]}]}})");
  Outside outside;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = thread_with(daemon, home, "on-request", "workspace-write");
  for (const std::string decision : {"decline", "accept"}) {
    DYNAMIC_SECTION(decision) {
      const auto target = outside.dir / ("escalated-" + decision);
      const std::string command = "touch " + target.string();
      start_turn(daemon, thread, "!!" + command);
      Json request = next_server_request(daemon);
      CHECK(request["method"] == "item/commandExecution/requestApproval");
      Json expected = {{"threadId", thread},
                       {"turnId", request["params"]["turnId"]},
                       {"itemId", "call_1"},
                       {"startedAtMs", request["params"]["startedAtMs"]},
                       {"command", command},
                       {"cwd", home.workspace.string()},
                       {"commandActions", {{{"type", "unknown"}, {"command", command}}}},
                       {"reason", "Run `" + command + "` outside the sandbox?"},
                       {"availableDecisions", {"accept", "acceptForSession", "decline", "cancel"}}};
      CHECK(request["params"] == expected);
      Json hook_input = Json::parse(read_file(seen));
      CHECK(hook_input["tool_input"] == Json{{"command", command}, {"description", "Run `" + command + "` outside the sandbox?"}});
      daemon.send(Json{{"id", request["id"]}, {"result", {{"decision", decision}}}});
      auto rest = daemon.until("turn/completed");
      CHECK(std::filesystem::exists(target) == (decision == "accept"));
      REQUIRE(command_items(rest).size() == 1);
      CHECK(command_items(rest)[0]["status"] == (decision == "accept" ? "completed" : "declined"));
      if (decision == "decline")  // the model is told as Codex tells it
        CHECK(reply_of(rest).find(R"x(exec_command failed: CreateProcess { message: "Rejected(\"rejected by user\")" })x") !=
              std::string::npos);
    }
  }
  // Without escalation the same write is not asked for, and the sandbox refuses it.
  const auto refused = outside.dir / "not-escalated";
  auto messages = run_turn(daemon, thread, "!touch " + refused.string());
  CHECK_FALSE(asks(messages));
  CHECK_FALSE(std::filesystem::exists(refused));
  REQUIRE(command_items(messages).size() == 1);
  CHECK(command_items(messages)[0]["aggregatedOutput"].get<std::string>().find("Read-only file system") != std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("on-request: rm -f is asked for, and once approved still runs inside the sandbox", "[e2e][approvals]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the rm -f test did not run");
    return;
  }
  TempHome home;
  Outside outside;
  std::filesystem::create_directories(home.workspace / "gone");
  std::filesystem::create_directories(outside.dir / "kept");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = thread_with(daemon, home, "on-request", "workspace-write");
  start_turn(daemon, thread, "!rm -rf gone " + (outside.dir / "kept").string() + "; true");
  Json request = next_server_request(daemon);
  CHECK(request["method"] == "item/commandExecution/requestApproval");
  CHECK(request["params"]["reason"].is_null());  // no justification: a plain question
  daemon.send(Json{{"id", request["id"]}, {"result", {{"decision", "accept"}}}});
  daemon.until("turn/completed");
  CHECK_FALSE(std::filesystem::exists(home.workspace / "gone"));  // inside: removed
  CHECK(std::filesystem::exists(outside.dir / "kept"));           // outside: the sandbox kept it
  CHECK(daemon.close() == 0);
}

TEST_CASE("never: escalation and rm -f are refused in the reference's words, nothing runs, nothing is asked",
          "[e2e][approvals]") {
  TempHome home;
  std::filesystem::create_directories(home.workspace / "gone");
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = thread_with(daemon, home, "never", "workspace-write");
  auto messages = run_turn(daemon, thread, "!!touch escalated\n!rm -rf gone");
  CHECK_FALSE(asks(messages));
  CHECK(command_items(messages).empty());  // as the reference: no item for a refused command
  CHECK_FALSE(std::filesystem::exists(home.workspace / "escalated"));
  CHECK(std::filesystem::exists(home.workspace / "gone"));
  const std::string reply = reply_of(messages);
  CHECK(reply.find("approval policy is Never; reject command — you cannot ask for escalated permissions if the approval "
                   "policy is Never") != std::string::npos);
  CHECK(reply.find("`rm -rf gone` rejected: rm -f style commands are not permitted. Use a safer approach") !=
        std::string::npos);
  CHECK(daemon.close() == 0);
}

TEST_CASE("untrusted: known-safe commands run without asking, the others are asked for", "[e2e][approvals]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = thread_with(daemon, home, "untrusted", "danger-full-access");
  for (const char* safe : {"ls -la", "echo hi | wc -l", "sed -n 1,2p /etc/hostname"}) {
    INFO(safe);
    auto messages = run_turn(daemon, thread, std::string("!") + safe);
    CHECK_FALSE(asks(messages));
    REQUIRE(command_items(messages).size() == 1);
    CHECK(command_items(messages)[0]["status"] == "completed");
  }
  for (const char* asked : {"git status", "ls > listing.txt", "echo $HOME"}) {
    INFO(asked);
    start_turn(daemon, thread, std::string("!") + asked);
    Json request = next_server_request(daemon);
    CHECK(request["params"]["command"] == asked);
    daemon.send(Json{{"id", request["id"]}, {"result", {{"decision", "decline"}}}});
    daemon.until("turn/completed");
  }
  CHECK_FALSE(std::filesystem::exists(home.workspace / "listing.txt"));
  CHECK(daemon.close() == 0);
}

TEST_CASE("on-failure: after a sandbox denial the user is asked to run the command outside the sandbox",
          "[e2e][approvals]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the retry test did not run");
    return;
  }
  TempHome home;
  Outside outside;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = thread_with(daemon, home, "on-failure", "workspace-write");
  for (const std::string decision : {"decline", "accept"}) {
    DYNAMIC_SECTION(decision) {
      const auto target = outside.dir / ("retried-" + decision);
      start_turn(daemon, thread, "!touch " + target.string());
      std::vector<Json> before;
      Json request = next_server_request(daemon, &before);
      // The sandboxed attempt ran first (its output was streamed), then the question.
      std::string streamed;
      for (const auto& d : find_all(before, "item/commandExecution/outputDelta")) streamed += d["delta"].get<std::string>();
      CHECK(streamed.find("Read-only file system") != std::string::npos);
      CHECK(request["params"]["reason"] == "command failed; retry without sandbox?");
      CHECK(request["params"]["itemId"] == "call_1");
      daemon.send(Json{{"id", request["id"]}, {"result", {{"decision", decision}}}});
      auto rest = daemon.until("turn/completed");
      CHECK(std::filesystem::exists(target) == (decision == "accept"));
      REQUIRE(command_items(rest).size() == 1);
      Json item = command_items(rest)[0];
      if (decision == "accept") {
        CHECK(item["status"] == "completed");
        CHECK(item["exitCode"] == 0);
      } else {  // the sandboxed failure stands, and is what the model gets
        CHECK(item["status"] == "failed");
        CHECK(item["exitCode"] == 1);
        CHECK(reply_of(rest).find("Read-only file system") != std::string::npos);
      }
    }
  }
  // A failure that is not the sandbox's is not retried.
  auto messages = run_turn(daemon, thread, "!exit 3");
  CHECK_FALSE(asks(messages));
  CHECK(daemon.close() == 0);
}

TEST_CASE("two clients on a thread both get the approval request: the first answer wins, both see it resolved",
          "[e2e][approvals][ws]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  WsClient a(daemon.ws_url()), b(daemon.ws_url());
  a.initialize("a");
  b.initialize("b");
  Json started = a.request("thread/start", {{"cwd", home.workspace.string()}, {"approvalPolicy", "on-request"},
                                            {"sandbox", "workspace-write"}});
  const std::string thread = started["result"]["thread"]["id"];
  CHECK(b.request("thread/resume", {{"threadId", thread}}).contains("result"));
  const auto target = home.workspace / "approved-by-b";
  CHECK(a.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "!!touch " + target.string()}}}}})
            .contains("result"));
  Json to_a = next_server_request(a), to_b = next_server_request(b);
  CHECK(to_a == to_b);  // one request, the same id, to every subscriber
  b.send(Json{{"id", to_b["id"]}, {"result", {{"decision", "accept"}}}});
  auto seen_by_a = a.until("turn/completed");
  CHECK(find(seen_by_a, "serverRequest/resolved") == Json{{"threadId", thread}, {"requestId", to_a["id"]}});
  a.send(Json{{"id", to_a["id"]}, {"result", {{"decision", "decline"}}}});  // too late: ignored
  auto seen_by_b = b.until("turn/completed");
  CHECK(find(seen_by_b, "serverRequest/resolved") == Json{{"threadId", thread}, {"requestId", to_b["id"]}});
  CHECK(std::filesystem::exists(target));
  // The daemon is still well: both clients are answered.
  CHECK(a.request("thread/loaded/list", Json::object())["result"]["data"] == Json{thread});
  CHECK(b.request("thread/loaded/list", Json::object())["result"]["data"] == Json{thread});
  CHECK(daemon.close() == 0);
}
