// The sandbox of the agent's commands (server/sandbox/): bubblewrap under read-only and
// workspace-write, nothing under danger-full-access, and fail closed without bwrap. Needs a
// working bwrap (Debian bubblewrap, installed by scripts/setup.sh); without one the tests that
// need it warn and check only the fail-closed path.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>

using namespace e2e;

namespace {

std::string thread_with(Daemon& daemon, const TempHome& home, const std::string& sandbox) {
  Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()}, {"sandbox", sandbox}});
  REQUIRE(started.contains("result"));
  daemon.until("thread/started");
  return started["result"]["thread"]["id"];
}

/// The command's item/completed of a `!command` turn.
Json run_command(Daemon& daemon, const std::string& thread, const std::string& command) {
  Json item;
  for (const auto& m : find_all(run_turn(daemon, thread, "!" + command), "item/completed"))
    if (m["item"]["type"] == "commandExecution") item = m["item"];
  return item;
}

}  // namespace

TEST_CASE("commands write only where the sandbox policy lets them", "[e2e][sandbox]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the sandbox tests did not run");
    return;
  }
  TempHome home;
  std::filesystem::create_directories(home.workspace / ".git");
  const std::filesystem::path outside = "/var/tmp/app-server-sandbox-" + std::to_string(::getpid());
  struct Case {
    const char* sandbox;
    bool inside, git, outside;
  };
  const Case cases[] = {{"read-only", false, false, false},
                        {"workspace-write", true, false, false},
                        {"danger-full-access", true, true, true}};
  Daemon daemon(home);
  daemon.initialize();
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.sandbox) {
      const std::string thread = thread_with(daemon, home, c.sandbox);
      const auto in = home.workspace / (std::string("in-") + c.sandbox);
      const auto git = home.workspace / ".git" / (std::string("x-") + c.sandbox);
      const auto out = outside.string() + "-" + c.sandbox;
      Json item = run_command(daemon, thread, "touch " + in.string() + "; touch " + git.string() + "; touch " + out +
                                                  "; echo done > /dev/null; echo ok");
      INFO(item.dump());
      CHECK(item["status"] == "completed");  // the shell ran; `echo ok` is the last word
      CHECK(std::filesystem::exists(in) == c.inside);
      CHECK(std::filesystem::exists(git) == c.git);  // .git in a writable root stays read-only
      CHECK(std::filesystem::exists(out) == c.outside);
      if (!c.outside) CHECK(item["aggregatedOutput"].get<std::string>().find("Read-only file system") != std::string::npos);
      std::filesystem::remove(out);
    }
  }
  CHECK(daemon.close() == 0);
}

TEST_CASE("the network is off in the sandbox unless workspace-write allows it", "[e2e][sandbox][ws]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the sandbox network test did not run");
    return;
  }
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  daemon.initialize();
  const std::string url = daemon.ws_url();  // ws://127.0.0.1:PORT: something that listens
  const std::string port = url.substr(url.rfind(':') + 1);
  const std::string probe = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + "' 2>/dev/null && echo connected || echo refused";
  for (const auto& [sandbox, expected] : {std::pair{"workspace-write", "refused\n"}, {"read-only", "refused\n"},
                                          {"danger-full-access", "connected\n"}}) {
    const std::string thread = thread_with(daemon, home, sandbox);
    CHECK(run_command(daemon, thread, probe)["aggregatedOutput"] == expected);
  }
  CHECK(daemon.close() == 0);
}

TEST_CASE("without bwrap a sandboxed command does not run and says why, while danger-full-access still runs", "[e2e][sandbox]") {
  TempHome home;
  Daemon daemon(home, Daemon::Launch{{"--home", home.home.string(), "--cwd", home.workspace.string()},
                                     {"PATH=/nonexistent"}});
  daemon.initialize();
  const auto marker = home.workspace / "marker";
  Json item = run_command(daemon, thread_with(daemon, home, "workspace-write"), "/usr/bin/touch " + marker.string());
  CHECK(item["status"] == "failed");
  CHECK(item["exitCode"].is_null());
  const std::string output = item["aggregatedOutput"];
  CHECK(output.rfind("sandbox unavailable: bwrap (bubblewrap) was not found on PATH", 0) == 0);
  CHECK(output.find("sandbox_mode") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(marker));
  Json full = run_command(daemon, thread_with(daemon, home, "danger-full-access"), "/usr/bin/touch " + marker.string());
  CHECK(full["status"] == "completed");
  CHECK(std::filesystem::exists(marker));
  CHECK(daemon.close() == 0);
}

TEST_CASE("config.toml's [sandbox_workspace_write] adds writable roots and network access", "[e2e][sandbox][ws]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the sandbox config test did not run");
    return;
  }
  TempHome home;
  const std::filesystem::path extra = "/var/tmp/app-server-sandbox-root-" + std::to_string(::getpid());
  std::filesystem::create_directories(extra);
  std::ofstream(home.home / "config.toml") << "sandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\n"
                                              "writable_roots = [\"" << extra.string() << "\"]\nnetwork_access = true\n"
                                              "exclude_slash_tmp = true\n";
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  daemon.initialize();
  const std::string url = daemon.ws_url();
  Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()}});
  daemon.until("thread/started");
  CHECK(started["result"]["sandbox"] == Json{{"type", "workspaceWrite"}, {"writableRoots", {extra.string()}},
                                             {"networkAccess", true}, {"excludeTmpdirEnvVar", false},
                                             {"excludeSlashTmp", true}});
  const std::string thread = started["result"]["thread"]["id"];
  const std::string tmp_file = "/tmp/app-server-sandbox-excluded-" + std::to_string(::getpid());
  Json item = run_command(daemon, thread,
                          "touch " + (extra / "x").string() + " && echo root-ok; touch " + tmp_file +
                              " 2>/dev/null || echo tmp-refused; bash -c 'exec 3<>/dev/tcp/127.0.0.1/" +
                              url.substr(url.rfind(':') + 1) + "' 2>/dev/null && echo connected");
  CHECK(item["aggregatedOutput"] == "root-ok\ntmp-refused\nconnected\n");
  CHECK(std::filesystem::exists(extra / "x"));
  CHECK_FALSE(std::filesystem::exists(tmp_file));
  std::filesystem::remove_all(extra);
  CHECK(daemon.close() == 0);
}

TEST_CASE("turn/start sandboxPolicy applies to that turn and the later ones", "[e2e][sandbox]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the sandbox override test did not run");
    return;
  }
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  const std::string thread = thread_with(daemon, home, "danger-full-access");
  Json bad = daemon.request("turn/start", {{"threadId", thread}, {"sandboxPolicy", "readOnly"},
                                           {"input", {{{"type", "text"}, {"text", "!true"}}}}});
  CHECK(bad["error"]["code"] == -32602);
  Json started = daemon.request("turn/start", {{"threadId", thread}, {"sandboxPolicy", {{"type", "readOnly"}}},
                                               {"input", {{{"type", "text"}, {"text", "!touch " + (home.workspace / "a").string()}}}}});
  REQUIRE(started.contains("result"));
  daemon.until("turn/completed");
  CHECK_FALSE(std::filesystem::exists(home.workspace / "a"));
  run_command(daemon, thread, "touch " + (home.workspace / "b").string());  // a later turn: still read-only
  CHECK_FALSE(std::filesystem::exists(home.workspace / "b"));
  CHECK(daemon.close() == 0);
}

TEST_CASE("command/exec runs under its sandboxPolicy, else under config.toml's sandbox_mode, as the reference",
          "[e2e][sandbox]") {
  if (!bwrap_works()) {
    WARN("bwrap cannot run here: the command/exec sandbox test did not run");
    return;
  }
  TempHome home;
  std::ofstream(home.home / "config.toml") << "sandbox_mode = \"workspace-write\"\n";
  const std::filesystem::path outside = "/var/tmp/app-server-exec-sandbox-" + std::to_string(::getpid());
  std::filesystem::create_directories(outside);
  Daemon daemon(home);
  daemon.initialize();
  auto exec = [&](const std::string& target, Json policy) {
    Json params = {{"command", {"touch", target}}, {"cwd", home.workspace.string()}};
    if (!policy.is_null()) params["sandboxPolicy"] = policy;
    return daemon.request("command/exec", params);
  };
  // config.toml's workspace-write: the workspace yes, elsewhere no (the command's own error).
  CHECK(exec((home.workspace / "in").string(), nullptr)["result"]["exitCode"] == 0);
  Json refused = exec((outside / "default").string(), nullptr)["result"];
  CHECK(refused["exitCode"] == 1);
  CHECK(refused["stderr"].get<std::string>().find("Read-only file system") != std::string::npos);
  // sandboxPolicy wins: read-only refuses even the workspace, full access writes anywhere.
  CHECK(exec((home.workspace / "ro").string(), {{"type", "readOnly"}})["result"]["exitCode"] == 1);
  CHECK(exec((outside / "full").string(), {{"type", "dangerFullAccess"}})["result"]["exitCode"] == 0);
  CHECK(exec((home.workspace / "bad").string(), "readOnly")["error"]["code"] == -32602);
  Json profile = daemon.request("command/exec", {{"command", {"touch", (outside / "profile").string()}},
                                                 {"permissionProfile", {{"type", "managed"}}}});
  CHECK(profile["error"] == Json{{"code", -32602},
                                 {"message", "command/exec permissionProfile is not supported by this "
                                             "server; use sandboxPolicy"}});
  CHECK(std::filesystem::exists(home.workspace / "in"));
  CHECK_FALSE(std::filesystem::exists(home.workspace / "ro"));
  CHECK_FALSE(std::filesystem::exists(outside / "default"));
  CHECK(std::filesystem::exists(outside / "full"));
  std::filesystem::remove_all(outside);
  CHECK(daemon.close() == 0);
}

TEST_CASE("command/exec under a sandbox policy fails closed without bwrap", "[e2e][sandbox]") {
  TempHome home;
  Daemon daemon(home, Daemon::Launch{{"--home", home.home.string(), "--cwd", home.workspace.string()},
                                     {"PATH=/nonexistent"}});
  daemon.initialize();
  const auto marker = home.workspace / "marker";
  Json r = daemon.request("command/exec", {{"command", {"/usr/bin/touch", marker.string()}}, {"sandboxPolicy", {{"type", "readOnly"}}}});
  CHECK(r["error"]["code"] == -32603);
  CHECK(r["error"]["message"].get<std::string>().rfind("sandbox unavailable: bwrap (bubblewrap) was not found on PATH", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
  CHECK(daemon.close() == 0);
}
