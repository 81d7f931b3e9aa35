// End-to-end: hook trust as a client drives it (hooks/list → config/batchWrite), the bypass
// switches, and the config.toml forms of hooks.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;

namespace {

bool ran_hook(const std::vector<Json>& messages) { return !find_all(messages, "hook/started").empty(); }

Json list_entry(Daemon& daemon, const TempHome& home) {
  return daemon.request("hooks/list", {{"cwds", {home.workspace.string()}}})["result"]["data"][0];
}

Json batch_write(Daemon& daemon, const std::string& key_path, const Json& value) {
  return daemon.request("config/batchWrite",
                        {{"edits", {{{"keyPath", key_path}, {"value", value}, {"mergeStrategy", "upsert"}}}},
                         {"reloadUserConfig", true}});
}

void write_project_hook(const TempHome& home, const std::string& command) {
  std::filesystem::create_directories(home.workspace / ".codex");
  std::ofstream(home.workspace / ".codex/hooks.json")
      << R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":)" << Json(command).dump()
      << "}]}]}}";
}

}  // namespace

TEST_CASE("an untrusted project hook never runs, trusting runs it, editing it makes it modified and stops it",
          "[e2e][trust]") {
  TempHome home;
  const std::string marker = (home.root / "ran").string();
  write_project_hook(home, "cat >/dev/null; touch " + marker);
  Daemon daemon(home);
  daemon.initialize();

  // 1. The project is not trusted: its hooks are not even listed, a warning says why.
  Json entry = list_entry(daemon, home);
  CHECK(entry["hooks"] == Json::array());
  REQUIRE(entry["warnings"].size() == 1);
  CHECK(entry["warnings"][0].get<std::string>().find("is not trusted") != std::string::npos);
  std::string thread = start_thread(daemon, home);
  CHECK_FALSE(ran_hook(run_turn(daemon, thread, "one")));
  CHECK_FALSE(std::filesystem::exists(marker));

  // 2. The project is trusted, the hook is listed but untrusted: still not run.
  Json written = batch_write(daemon, "projects." + Json(home.workspace.string()).dump(), {{"trust_level", "trusted"}});
  CHECK(written["result"]["status"] == "ok");
  CHECK(written["result"]["filePath"] == (home.home / "config.toml").string());
  entry = list_entry(daemon, home);
  REQUIRE(entry["hooks"].size() == 1);
  Json hook = entry["hooks"][0];
  CHECK(hook["trustStatus"] == "untrusted");
  CHECK(hook["source"] == "project");
  CHECK(hook["isManaged"] == false);
  CHECK(hook["enabled"] == true);
  CHECK_FALSE(ran_hook(run_turn(daemon, thread, "two")));

  // 3. Trusting its hash (what the Codex TUI's review screen writes) runs it, also on the
  //    thread that is already loaded.
  written = batch_write(daemon, "hooks.state", {{hook["key"], {{"trusted_hash", hook["currentHash"]}}}});
  CHECK(written["result"]["version"].get<std::string>().rfind("sha256:", 0) == 0);
  CHECK(list_entry(daemon, home)["hooks"][0]["trustStatus"] == "trusted");
  CHECK(ran_hook(run_turn(daemon, thread, "three")));
  CHECK(std::filesystem::exists(marker));

  // 4. Editing the hook changes its hash: it is `modified` and a new thread does not run it.
  std::filesystem::remove(marker);
  write_project_hook(home, "cat >/dev/null; touch " + marker + "; echo edited");
  entry = list_entry(daemon, home);
  CHECK(entry["hooks"][0]["trustStatus"] == "modified");
  CHECK_FALSE(ran_hook(run_turn(daemon, start_thread(daemon, home), "four")));
  CHECK_FALSE(std::filesystem::exists(marker));

  // 5. enabled = false disables a trusted hook.
  write_project_hook(home, "cat >/dev/null; touch " + marker);
  batch_write(daemon, "hooks.state", {{hook["key"], {{"enabled", false}}}});
  entry = list_entry(daemon, home);
  CHECK(entry["hooks"][0]["trustStatus"] == "trusted");
  CHECK(entry["hooks"][0]["enabled"] == false);
  CHECK_FALSE(ran_hook(run_turn(daemon, start_thread(daemon, home), "five")));
}

TEST_CASE("config/batchWrite rejects other files and stale versions with clear errors", "[e2e][trust]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  Json other = daemon.request("config/batchWrite", {{"edits", Json::array()}, {"filePath", "/etc/passwd"}});
  CHECK(other["error"]["code"] == -32602);
  Json stale = daemon.request("config/batchWrite",
                              {{"edits", {{{"keyPath", "model"}, {"value", "x"}, {"mergeStrategy", "replace"}}}},
                               {"expectedVersion", "sha256:0"}});
  CHECK(stale["error"]["code"] == -32600);
  CHECK(stale["error"]["message"].get<std::string>().find("config version conflict") != std::string::npos);
}

TEST_CASE("the bypass flag and thread config bypass_hook_trust run untrusted hooks and say so",
          "[e2e][trust]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":"cat >/dev/null"}]}]}})",
                   /*trust=*/false);
  SECTION("the daemon flag") {
    Daemon daemon(home, {"--dangerously-bypass-hook-trust"});
    daemon.initialize();
    daemon.request("thread/start", {{"cwd", home.workspace.string()}});
    auto warnings = find_all(daemon.until("warning"), "warning");
    CHECK(warnings.back()["message"] ==
          "hook trust is bypassed (--dangerously-bypass-hook-trust): 1 untrusted hook will run");
  }
  SECTION("the thread's config, as the Codex TUI sends it") {
    Daemon daemon(home);
    daemon.initialize();
    Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()},
                                                   {"config", {{"bypass_hook_trust", true}}}});
    const std::string thread = started["result"]["thread"]["id"];
    auto warnings = find_all(daemon.until("warning"), "warning");
    CHECK(warnings.back()["message"] == "hook trust is bypassed (thread config bypass_hook_trust): 1 untrusted hook will run");
    CHECK(ran_hook(run_turn(daemon, thread, "hi")));
    // Another thread without the override does not run it.
    CHECK_FALSE(ran_hook(run_turn(daemon, start_thread(daemon, home), "hi")));
  }
}

TEST_CASE("hooks from [[hooks.<Event>]] and the [hooks] argv form of config.toml run once trusted",
          "[e2e][trust]") {
  TempHome home;
  const std::string out = (home.root / "argv.json").string();
  std::ofstream(home.home / "config.toml") << "[hooks]\nuser_prompt_submit = [\"sh\", \"-c\", \"cat > " << out
                                           << "\"]\n\n[[hooks.Stop]]\n[[hooks.Stop.hooks]]\ntype = \"command\"\n"
                                              "command = \"cat >/dev/null\"\n";
  REQUIRE(home.hooks_command({"trust", "--all"}) == 0);
  Daemon daemon(home);
  daemon.initialize();
  auto messages = run_turn(daemon, start_thread(daemon, home), "argv");
  auto runs = find_all(messages, "hook/completed");
  REQUIRE(runs.size() == 2);
  const std::string source = (home.home / "config.toml").string();
  CHECK(runs[0]["run"]["id"] == "user-prompt-submit:0:" + source);
  CHECK(runs[1]["run"]["id"] == "stop:1:" + source);
  std::ifstream in(out);
  Json payload = Json::parse(in);
  CHECK(payload["hook_event_name"] == "UserPromptSubmit");
  CHECK(payload["prompt"] == "argv");
}
