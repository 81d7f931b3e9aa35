// Codex's command line as SDKs build it: the `app-server` word, `--name=value`, -c overrides
// (parsed and applied as Codex does), --enable/--disable, options that do not apply (warned)
// or would be unsafe to ignore (refused), CODEX_HOME; and provider URLs through Boost.URL.
#include "hooks/config_overrides.hpp"
#include "server/agent/provider_url.hpp"
#include "server/config/config_file.hpp"
#include "server/options.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace appserver;

namespace {
std::string toml_text(const toml::table& t) {
  std::ostringstream out;
  out << t;
  return out.str();
}

std::string refusal(const std::vector<std::string>& args) {
  try {
    parse_command_line(args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}
}  // namespace

TEST_CASE("the command line an SDK builds for `codex app-server` starts app-server", "[cli]") {
  const CommandLine cl = parse_command_line({"app-server", "--listen", "stdio://", "-c", "model=\"mock\"",
                                             "--enable", "web_search", "--config=approval_policy=never",
                                             "--disable", "hooks", "-cmodel_provider=mock"});
  CHECK(cl.server.listen == std::vector<std::string>{"stdio://"});
  CHECK(cl.server.config_overrides == std::vector<std::string>{"model=\"mock\"", "features.web_search=true",
                                                               "approval_policy=never", "features.hooks=false",
                                                               "model_provider=mock"});
  CHECK(cl.warnings.empty());
  CHECK(parse_command_line({"--listen=ws://127.0.0.1:0", "--stdio"}).server.listen ==
        std::vector<std::string>{"ws://127.0.0.1:0", "stdio://"});
  CHECK(parse_command_line({"-V"}).show_version);
}

TEST_CASE("Codex options that do not apply are warned about, unsafe ones refused", "[cli]") {
  const CommandLine cl = parse_command_line({"-m", "gpt-5", "app-server", "--search", "--startup-client-info", "{}"});
  CHECK(cl.warnings == std::vector<std::string>{
                           "-m is an option of Codex's interactive CLI; it has no effect on app-server (as on "
                           "`codex app-server`); ignored",
                           "--search is an option of Codex's interactive CLI; it has no effect on app-server (as "
                           "on `codex app-server`); ignored",
                           "--startup-client-info has no effect: app-server makes no configuration or auth "
                           "requests; ignored"});
  CHECK(refusal({"--ws-auth", "signed-bearer-token"}) ==
        "--ws-auth signed-bearer-token: only capability-token is supported (signed JWT bearer tokens are not "
        "implemented)");
  CHECK(refusal({"--ws-shared-secret-file", "/s"}) ==
        "--ws-shared-secret-file is not supported: signed JWT bearer tokens are not implemented; use --ws-auth "
        "capability-token");
  CHECK(refusal({"--bogus"}) == "unknown option --bogus (see --help)");
  CHECK(refusal({"app-server", "app-server"}) == "unknown option app-server (see --help)");
  CHECK(refusal({"--enable", "no_such_feature"}) == "Unknown feature flag: no_such_feature");
  CHECK(refusal({"-c", "model"}) == "Invalid override (missing '='): model");
  CHECK(refusal({"-c", " =x"}) == "Empty key in override:  =x");
  CHECK(refusal({"--listen", "off"}) == "--listen off: app-server has no remote control; give a transport to serve");
  CHECK(refusal({"--ws-auth", "capability-token"}) ==
        "--ws-auth capability-token goes with --ws-token-file FILE or --ws-token-sha256 HEX");
  CHECK(refusal({"--ws-auth", "capability-token", "--ws-token-sha256", "abc"}) ==
        "--ws-token-sha256 abc: expected 64 hex digits (a SHA-256 digest)");
  const std::string digest(64, 'a');
  CHECK(parse_command_line({"--ws-auth", "capability-token", "--ws-token-sha256", digest}).server.ws_token_sha256 ==
        digest);
}

TEST_CASE("override values (-c) are TOML, else strings, and dotted keys create tables and replace what was there", "[cli]") {
  toml::table t = toml::parse("model = \"o3\"\n[features]\nhooks = true\n[tui]\ntheme = \"x\"\n");
  hooks::apply_config_overrides(t, {"model=gpt-5", "features.web_search=true", "n=42", "list=[1, 2]",
                                    "quoted='single'", "tui=plain", "tui.theme=dark", "a.b.c={ d = 1 }",
                                    "use_legacy_landlock=true", "url=http://x:1/v1"});
  const toml::table expected = toml::parse(R"(model = "gpt-5"
n = 42
list = [1, 2]
quoted = "single"
url = "http://x:1/v1"
[features]
hooks = true
web_search = true
use_legacy_landlock = true
[tui]
theme = "dark"
[a.b.c]
d = 1
)");
  INFO(toml_text(t));
  CHECK(t == expected);
}

TEST_CASE("overrides (-c) apply over config.toml, and only keys Codex does not know warn", "[cli]") {
  const auto dir = std::filesystem::temp_directory_path() / ("codex-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config.toml") << "model = \"from-file\"\ncheck_for_update_on_startup = false\n"
                                        "feedback = { enabled = false }\nnot_a_codex_key = 1\n"
                                        "[model_providers.m]\nbase_url = \"http://[::1]:9/v1\"\n"
                                        "env_key_instructions = \"x\"\nmystery = 2\n";
  const ConfigFile config = load_config_file(dir / "config.toml", {"model=\"mock\"", "model_provider=m"});
  CHECK(config.model == std::optional<std::string>("mock"));
  CHECK(config.model_provider == std::optional<std::string>("m"));
  const std::string where = (dir / "config.toml").string();
  CHECK(config.warnings == std::vector<std::string>{
                               where + ": `not_a_codex_key` is not a Codex 0.169 setting; ignored",
                               where + ": `model_providers.m.mystery` is not a Codex 0.169 setting; ignored"});
  CHECK(config.unknown_keys == std::vector<std::string>{"not_a_codex_key", "model_providers.m.mystery"});
  const ConfigFile none = load_config_file(dir / "missing.toml", {"model=o3"});
  CHECK(none.model == std::optional<std::string>("o3"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("config.toml agents and features.multi_agent set the sub-agent limits, a bad value warns and keeps the default",
          "[cli]") {
  const auto dir = std::filesystem::temp_directory_path() / ("codex-agents-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config.toml") << "[agents]\nmax_threads = 2\nmax_depth = 3\n";
  ConfigFile config = load_config_file(dir / "config.toml", {});
  CHECK(config.agents.enabled);
  CHECK(config.agents.max_threads == 2);
  CHECK(config.agents.max_depth == 3);
  CHECK(config.warnings.empty());
  const ConfigFile defaults = load_config_file(dir / "missing.toml", {});
  CHECK((defaults.agents.enabled && defaults.agents.max_threads == 6 && defaults.agents.max_depth == 1));
  config = load_config_file(dir / "config.toml", {"agents.max_threads=0", "agents.enabled=\"yes\""});
  const std::string where = (dir / "config.toml").string();
  CHECK(config.agents.max_threads == 6);
  CHECK(config.warnings == std::vector<std::string>{where + ": `agents.enabled` must be a boolean; ignored",
                                                    where + ": `agents.max_threads` must be an integer of at least 1; using 6"});
  CHECK_FALSE(load_config_file(dir / "config.toml", {"features.multi_agent=false"}).agents.enabled);
  CHECK_FALSE(load_config_file(dir / "config.toml", {"agents.enabled=false"}).agents.enabled);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the home is --home, else APP_SERVER_HOME, else CODEX_HOME, else ~/.app-server", "[cli]") {
  const char* saved_app = std::getenv("APP_SERVER_HOME");
  const char* saved_codex = std::getenv("CODEX_HOME");
  const std::string app = saved_app ? saved_app : "", codex = saved_codex ? saved_codex : "";
  ::setenv("APP_SERVER_HOME", "/h/app", 1);
  ::setenv("CODEX_HOME", "/h/codex", 1);
  CHECK(resolve_home("/h/flag") == "/h/flag");
  CHECK(resolve_home({}) == "/h/app");
  ::unsetenv("APP_SERVER_HOME");
  CHECK(resolve_home({}) == "/h/codex");
  ::unsetenv("CODEX_HOME");
  CHECK(resolve_home({}) == std::filesystem::path(std::getenv("HOME")) / ".app-server");
  if (saved_app) ::setenv("APP_SERVER_HOME", app.c_str(), 1);
  if (saved_codex) ::setenv("CODEX_HOME", codex.c_str(), 1);
}

TEST_CASE("provider base_url is split by Boost.URL, IPv6 literals included", "[cli]") {
  auto fields = [](const std::string& url) {
    auto u = parse_provider_url(url);
    REQUIRE(u);
    return std::vector<std::string>{u->tls ? "tls" : "plain", u->host, u->port, u->host_header, u->path};
  };
  CHECK(fields("http://[::1]:8080/v1/") == std::vector<std::string>{"plain", "::1", "8080", "[::1]:8080", "/v1"});
  CHECK(fields("https://api.openai.com/v1") ==
        std::vector<std::string>{"tls", "api.openai.com", "443", "api.openai.com", "/v1"});
  CHECK(fields("http://127.0.0.1:9") == std::vector<std::string>{"plain", "127.0.0.1", "9", "127.0.0.1:9", ""});
  CHECK(fields("http://user:pw@host.example/a%20b") ==
        std::vector<std::string>{"plain", "host.example", "80", "host.example", "/a%20b"});
  CHECK_FALSE(parse_provider_url("ftp://x/"));
  CHECK_FALSE(parse_provider_url("localhost:8080"));
  CHECK_FALSE(parse_provider_url("http://"));
  CHECK_FALSE(parse_provider_url("http://[::1/v1"));
}
