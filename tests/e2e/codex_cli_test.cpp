// The daemon launched the way client SDKs launch "the codex binary": `<bin> app-server
// --listen stdio:// -c … --enable …`, isolated with CODEX_HOME and no app-server flag at all;
// a turn runs with the home's trusted hooks, and the overrides take effect.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;

namespace {
const char* kUpsHook = R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command",
    "command":"sh $FIXTURES/ups_context.sh","timeout":10}]}]}})";

Daemon sdk_launch(const TempHome& home, std::vector<std::string> extra) {
  std::vector<std::string> argv{"app-server", "--listen", "stdio://", "-c", "model=\"mock\"", "--enable",
                                "web_search"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Daemon(home, Daemon::Launch{argv, {"-u", "APP_SERVER_HOME", "CODEX_HOME=" + home.home.string()}});
}
}  // namespace

TEST_CASE("an SDK's `app-server --listen stdio:// -c … --enable …` with CODEX_HOME runs a turn with hooks",
          "[e2e][cli][once]") {
  TempHome home;
  home.write_hooks(kUpsHook);
  {  // top-level keys go before the [hooks.state] tables that trusting wrote
    std::ifstream in(home.home / "config.toml");
    const std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(home.home / "config.toml") << "model = \"from-file\"\napproval_policy = \"never\"\n" << rest;
  }
  Daemon daemon = sdk_launch(home, {});
  Json init = daemon.initialize();
  CHECK(init["result"]["codexHome"] == home.home.string());  // CODEX_HOME chose the home
  Json config = daemon.request("config/read", Json::object())["result"];
  CHECK(config["config"]["model"] == "mock");  // -c model="mock", over config.toml
  CHECK(config["origins"]["model"]["name"] == Json{{"type", "sessionFlags"}});
  CHECK(config["origins"]["model"]["version"].get<std::string>().rfind("sha256:", 0) == 0);
  CHECK(config["origins"]["approval_policy"]["name"] ==
        Json{{"type", "user"}, {"file", (home.home / "config.toml").string()}});
  const std::string thread = start_thread(daemon, home);
  auto messages = run_turn(daemon, thread, "hello");
  const auto runs = find_all(messages, "hook/completed");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["run"]["eventName"] == "userPromptSubmit");
  CHECK(runs[0]["run"]["status"] == "completed");
  CHECK(find(messages, "turn/completed")["turn"]["status"] == "completed");
  CHECK(std::filesystem::exists(home.home / "sessions" / (thread + ".jsonl")));  // stored in CODEX_HOME
  CHECK(daemon.close() == 0);
}

TEST_CASE("a launch with --disable hooks turns the home's hooks off for this process only", "[e2e][cli][once]") {
  TempHome home;
  home.write_hooks(kUpsHook);
  {
    Daemon daemon = sdk_launch(home, {"--disable", "hooks"});
    daemon.initialize();
    const std::string thread = start_thread(daemon, home);
    CHECK(find_all(run_turn(daemon, thread, "hello"), "hook/started").empty());
    CHECK(daemon.close() == 0);
  }
  Daemon daemon = sdk_launch(home, {});  // config.toml itself was not changed
  daemon.initialize();
  const std::string thread = start_thread(daemon, home);
  CHECK(find_all(run_turn(daemon, thread, "hello"), "hook/started").size() == 1);
  CHECK(daemon.close() == 0);
}

TEST_CASE("Codex options that do not apply are warned about on stderr, and --version is Codex's line", "[e2e][cli][once]") {
  TempHome home;
  const CliOutput version = run_cli({"app-server", "--version"}, home.root);
  CHECK(version.status == 0);
  CHECK(version.out == "codex-cli 0.169.0 (app-server)\n");
  const CliOutput bad = run_cli({"app-server", "--enable", "not_a_feature"}, home.root);
  CHECK(bad.status == 2);
  CHECK(bad.err == "app-server: Unknown feature flag: not_a_feature\n");
  const std::string in = R"({"id":1,"method":"initialize","params":{"clientInfo":{"name":"sdk","version":"1"}}})" "\n";
  const CliOutput ok = run_cli({"-m", "gpt-5", "app-server", "--home", home.home.string(), "--startup-sign-out",
                                "--log-level", "warn"}, home.root, in);
  CHECK(ok.status == 0);
  CHECK(ok.err.find("-m is an option of Codex's interactive CLI; it has no effect on app-server") != std::string::npos);
  CHECK(ok.err.find("--startup-sign-out has no effect: app-server keeps no login; ignored") != std::string::npos);
  CHECK(Json::parse(ok.out.substr(0, ok.out.find('\n')))["id"] == 1);
}
