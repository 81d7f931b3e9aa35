// Discovery across layers, the config.toml forms, trust and enablement (hooks-spec.md §1.3–§1.5)
// and the config.toml writer that stores trust.
#include "hooks/hook_discovery.hpp"
#include "server/config/config_edit.hpp"
#include "server/config/hook_trust.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace appserver::hooks;
using appserver::protocol::v2::HookSource;
using appserver::protocol::v2::HookTrustStatus;
namespace fs = std::filesystem;

namespace {

/// A temp folder with system/, home/ and project/ (a git checkout) under it.
struct Layout {
  fs::path root = fs::temp_directory_path() / ("hook-discovery-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(counter()++));
  Layout() {
    fs::create_directories(root / "system");
    fs::create_directories(root / "home");
    fs::create_directories(root / "project/.git");
    fs::create_directories(root / "project/sub");
  }
  ~Layout() { fs::remove_all(root); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text;
  }
  std::string read(const std::string& rel) const {
    std::ifstream in(root / rel);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  DiscoveryRoots roots(const std::string& cwd = "project") const {
    return {root / "system", root / "home", root / cwd};
  }
  std::string path(const std::string& rel) const { return (root / rel).string(); }
};

const char* kStopHook = R"({"hooks":{"Stop":[{"hooks":[{"type":"command","command":"echo hi"}]}]}})";

}  // namespace

TEST_CASE("layers load system (managed), user, then project hooks with one display order", "[discovery]") {
  Layout l;
  l.write("system/hooks.json", kStopHook);
  l.write("home/hooks.json", kStopHook);
  l.write("project/.codex/hooks.json", kStopHook);
  l.write("home/config.toml", "[projects.\"" + l.path("project") + "\"]\ntrust_level = \"trusted\"\n");
  auto set = discover(l.roots("project/sub"));
  REQUIRE(set.handlers.size() == 3);
  CHECK(set.warnings.empty());
  CHECK(set.handlers[0].source == HookSource::system);
  CHECK(set.handlers[0].is_managed);
  CHECK(set.handlers[0].trust_status == HookTrustStatus::managed);
  CHECK(set.handlers[1].source == HookSource::user);
  CHECK(set.handlers[1].trust_status == HookTrustStatus::untrusted);
  CHECK(set.handlers[2].source == HookSource::project);
  CHECK(set.handlers[2].key == l.path("project/.codex/hooks.json") + ":stop:0:0");
  CHECK(set.handlers[2].display_order == 2);
  CHECK(set.handlers[0].current_hash == set.handlers[2].current_hash);  // same definition
  CHECK(set.handlers[0].runs(false));
  CHECK_FALSE(set.handlers[1].runs(false));
  CHECK(set.handlers[1].runs(true));
}

TEST_CASE("an untrusted project's hooks are not loaded, and a warning names the folder", "[discovery]") {
  Layout l;
  l.write("project/.codex/hooks.json", kStopHook);
  auto set = discover(l.roots());
  CHECK(set.handlers.empty());
  REQUIRE(set.warnings.size() == 1);
  CHECK(set.warnings[0].rfind("skipping project hooks in " + l.path("project/.codex") + ": project " +
                                  l.path("project") + " is not trusted",
                              0) == 0);
}

TEST_CASE("[[hooks.<Event>]] tables in config.toml hash like the same hooks.json entry", "[discovery]") {
  Layout l;
  l.write("home/hooks.json", R"({"hooks":{"PreToolUse":[{"matcher":"^Bash$","hooks":[
    {"type":"command","command":"check","timeout":30,"statusMessage":"Checking"}]}]}})");
  l.write("home/config.toml", R"(
[[hooks.PreToolUse]]
matcher = "^Bash$"
[[hooks.PreToolUse.hooks]]
type = "command"
command = "check"
timeout = 30
statusMessage = "Checking"
)");
  auto set = discover(l.roots());
  REQUIRE(set.handlers.size() == 2);
  CHECK(set.handlers[0].source_path == l.path("home/hooks.json"));
  CHECK(set.handlers[1].source_path == l.path("home/config.toml"));
  CHECK(set.handlers[1].key == l.path("home/config.toml") + ":pre_tool_use:0:0");
  CHECK(set.handlers[0].current_hash == set.handlers[1].current_hash);
  CHECK(set.warnings == std::vector<std::string>{"loading hooks from both " + l.path("home/hooks.json") + " and " +
                                                 l.path("home/config.toml") +
                                                 "; prefer a single representation for this layer"});
}

TEST_CASE("the seed [hooks] argv form runs without a shell, unknown snake_case keys are rejected", "[discovery]") {
  Layout l;
  l.write("home/config.toml", "[hooks]\nsession_start = [\"python3\", \"hook file.py\"]\nstop = [\"true\"]\n");
  auto set = discover(l.roots());
  REQUIRE(set.handlers.size() == 2);
  CHECK(set.handlers[0].event == HookEventName::sessionStart);
  CHECK(set.handlers[0].argv == std::vector<std::string>{"python3", "hook file.py"});
  CHECK(set.handlers[0].command == "python3 'hook file.py'");
  CHECK(set.handlers[0].key == l.path("home/config.toml") + ":session_start:0:0");
  CHECK(set.handlers[1].event == HookEventName::stop);

  l.write("home/config.toml", "[hooks]\nsession_start = [\"a\"]\nturn_start = [\"b\"]\n");
  set = discover(l.roots());
  CHECK(set.handlers.empty());
  REQUIRE(set.warnings.size() == 1);
  CHECK(set.warnings[0].rfind("failed to parse TOML hooks in " + l.path("home/config.toml") +
                                  ": unknown hook event `turn_start`",
                              0) == 0);
}

TEST_CASE("trust: untrusted, trusted, modified after an edit, and disabled", "[discovery][trust]") {
  Layout l;
  l.write("home/hooks.json", kStopHook);
  auto set = discover(l.roots());
  REQUIRE(set.handlers.size() == 1);
  const std::string key = set.handlers[0].key;
  CHECK(set.handlers[0].trust_status == HookTrustStatus::untrusted);

  auto outcome = appserver::trust_hooks(l.roots(), {}, /*all=*/true);
  CHECK(outcome.trusted == std::vector<std::string>{key});
  set = discover(l.roots());
  CHECK(set.handlers[0].trust_status == HookTrustStatus::trusted);
  CHECK(set.handlers[0].runs(false));

  l.write("home/hooks.json", R"({"hooks":{"Stop":[{"hooks":[{"type":"command","command":"echo changed"}]}]}})");
  set = discover(l.roots());
  CHECK(set.handlers[0].trust_status == HookTrustStatus::modified);
  CHECK_FALSE(set.handlers[0].runs(false));

  appserver::write_config(l.root / "home/config.toml",
                          {{"hooks.state." + nlohmann::json(key).dump() + ".enabled", false, false}});
  appserver::trust_hooks(l.roots(), {key}, false);
  set = discover(l.roots());
  CHECK(set.handlers[0].trust_status == HookTrustStatus::trusted);
  CHECK_FALSE(set.handlers[0].enabled);
  CHECK_FALSE(set.handlers[0].runs(true));  // a bypass never overrides enabled = false
}

TEST_CASE("[features] hooks = false turns discovery off", "[discovery]") {
  Layout l;
  l.write("home/hooks.json", kStopHook);
  l.write("home/config.toml", "[features]\nhooks = false\n");
  auto set = discover(l.roots());
  CHECK(set.handlers.empty());
  CHECK(set.warnings.empty());
}

TEST_CASE("config writes keep comments and unrelated text when only hook state changes", "[config-edit]") {
  Layout l;
  const std::string original = "# my settings\nmodel = \"gpt-5\" # the model\n\n[hooks.state.\"/a:stop:0:0\"]\ntrusted_hash = \"old\"\n";
  l.write("home/config.toml", original);
  auto result = appserver::write_config(
      l.root / "home/config.toml",
      {{"hooks.state", {{"/a:stop:0:0", {{"trusted_hash", "new"}}}, {"/b:stop:0:0", {{"enabled", false}}}}, true}});
  CHECK(result.comments_preserved);
  const std::string text = l.read("home/config.toml");
  CHECK(text.rfind("# my settings\nmodel = \"gpt-5\" # the model\n", 0) == 0);
  CHECK(text.find("old") == std::string::npos);
  const auto states = load_hook_states(l.root / "home");
  CHECK(states.at("/a:stop:0:0").trusted_hash == std::optional<std::string>("new"));
  CHECK(states.at("/b:stop:0:0").enabled == std::optional<bool>(false));
  CHECK(result.version == appserver::config_version(l.root / "home/config.toml"));
  CHECK_THROWS_AS(appserver::write_config(l.root / "home/config.toml", {{"model", "x", false}}, "sha256:stale"),
                  appserver::ConfigWriteError);
}

TEST_CASE("key paths split on dots outside quotes", "[config-edit]") {
  CHECK(appserver::split_key_path(R"(hooks.state."/h/hooks.json:stop:0:0".trusted_hash)") ==
        std::vector<std::string>{"hooks", "state", "/h/hooks.json:stop:0:0", "trusted_hash"});
  CHECK_THROWS_AS(appserver::split_key_path("a..b"), appserver::ConfigWriteError);
  CHECK_THROWS_AS(appserver::split_key_path("a.\"b"), appserver::ConfigWriteError);
}

TEST_CASE("over-deep hooks.json and config.toml are warnings naming the file, not crashes", "[discovery][depth]") {
  Layout layout;
  const std::size_t depth = 100000;
  layout.write("home/hooks.json", R"({"hooks":{"Stop":)" + std::string(depth, '[') + std::string(depth, ']') + "}}");
  layout.write("home/config.toml", "x = " + std::string(300, '[') + std::string(300, ']') + "\n");
  HookSet set = discover(layout.roots());
  CHECK(set.handlers.empty());
  std::vector<std::string> expected = {
      "failed to parse hooks config " + layout.path("home/hooks.json") + ": nesting deeper than 128 levels"};
  std::vector<std::string> json_warnings, toml_warnings;
  for (const auto& w : set.warnings) (w.find("hooks.json") != std::string::npos ? json_warnings : toml_warnings).push_back(w);
  CHECK(json_warnings == expected);
  CHECK(toml_warnings.empty());
  REQUIRE(set.errors.size() == 1);  // a config.toml that does not parse is a config error
  CHECK(set.errors[0].message.find("failed to parse " + layout.path("home/config.toml")) == 0);
  CHECK(set.errors[0].message.find("exceeded maximum nested value depth of 256") != std::string::npos);
}
