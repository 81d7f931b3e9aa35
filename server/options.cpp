// Command-line parsing; see options.hpp.
#include "server/options.hpp"

#include "hooks/config_overrides.hpp"
#include "server/codex_options.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace appserver {

std::string usage() {
  return R"(app-server — a Codex app-server v2 JSON-RPC daemon with a hook engine.

Usage: app-server [options]
       app-server app-server [options]   (Codex's spelling, `codex app-server …`: the same)
       app-server generate-json-schema --out DIR [--docs FILE]
       app-server generate-json-schema --check DIR [--docs FILE]
       app-server replay FILE [--server-cmd CMD | --url ws://HOST:PORT] [--transport stdio|ws]
                         [--update] [--convert] [--no-validate]   (see docs/testing.md)
       app-server hooks list [--home DIR] [--cwd DIR] [--system-config-dir DIR] [--json]
       app-server hooks trust (--all | KEY...) [--project] [--home DIR] [--cwd DIR]
                         trust hooks (writes [hooks.state."KEY"] trusted_hash to
                         <home>/config.toml); --project also trusts the cwd's project
       app-server hooks test EVENT [--cwd DIR] [--payload FILE|-] [--json] …
                         run one event's hooks on a sample payload, show how each run
                         was understood and its effect on the turn
       app-server COMMAND --help   (every subcommand has its own help)

Options:
  --listen URL            transport to serve, repeatable: stdio:// (JSON lines on stdin/stdout,
                          the default), ws://IP:PORT (WebSocket; port 0 picks one, logged),
                          unix://PATH (WebSocket over a Unix socket)
  --ws-auth capability-token --ws-token-file FILE
                          WebSocket clients must send `Authorization: Bearer <token>` (the
                          file's content, trimmed); or --ws-token-sha256 HEX (the token's
                          SHA-256 digest)
  --allow-unauthenticated-remote
                          allow ws:// on a non-loopback address without --ws-auth
  --ws-send-queue-bytes N bytes queued for one WebSocket client before it is disconnected as
                          too slow; default 67108864
  --ws-max-connections N  WebSocket connections open at once; more are answered HTTP 503;
                          default 128
  --ws-max-pending-bytes N
                          bytes of WebSocket messages received in part, all connections
                          together; the connection that passes it is closed (1013); default
                          67108864
  --ws-message-timeout SECONDS
                          a WebSocket message begun but not finished within this is closed
                          (1008); default 30
  --ws-initialize-timeout SECONDS
                          a WebSocket connection that has not sent `initialize` within this is
                          closed (1008); default 30
  -c, --config KEY=VALUE  override a config.toml value for this process, as Codex does: a
                          dotted KEY (features.hooks), a TOML VALUE, else taken as a string
                          (-c model=o3); repeatable, later wins; also --config=KEY=VALUE
  --enable FEATURE        same as -c features.FEATURE=true (a name Codex 0.169 knows)
  --disable FEATURE       same as -c features.FEATURE=false
  --stdio                 same as --listen stdio://
  --strict-config         exit when config.toml has a key Codex 0.169 does not know
  --analytics-default-enabled
                          [analytics] enabled is true unless config.toml says otherwise
  --home DIR              state folder (hooks.json, config.toml, sessions/); default
                          $APP_SERVER_HOME, else $CODEX_HOME, else ~/.app-server
  --cwd DIR               working directory of threads started without one; default: the
                          process's working directory
  --system-config-dir DIR managed layer: hooks.json and config.toml [hooks] there run without
                          trust (source "system"); default /etc/app-server
  --dangerously-bypass-hook-trust
                          run user and project hooks that are not trusted (disabled ones still
                          do not run); every thread says so in a warning
  --max-message-bytes N   longest accepted message; default 16777216
  --log-level LEVEL       trace|debug|info|warn|error|off (logs go to stderr); default info
  --validate-all          validate every notification and result against the generated
                          schemas (hook/started and hook/completed are always validated)
  --strict-schemas        abort the process when a message fails schema validation
  --test-mode             deterministic output: a fixed clock (unix 1750000000) and sequential
                          ids (thread-1, turn-1, item-1); for transcript tests
  --record FILE           append every message of every connection, both directions, to FILE
                          (JSONL: {"ts","conn","dir","message"}); see docs/testing.md
  --version, -V           print the version (`codex-cli 0.169.0 (app-server)`) and exit
  --help, -h              print this help and exit

Sandbox: under sandbox_mode "read-only" or "workspace-write" (config.toml, or thread/start
`sandbox`) the agent's commands and command/exec run inside bubblewrap; without a working
`bwrap` on PATH they do not run at all (fail closed). Check with:
  bwrap --ro-bind / / --dev /dev --unshare-net -- /bin/true && echo "sandbox works"
Approvals (approval_policy): on-request asks only when the model asks to leave the sandbox, and
for rm -f; untrusted runs known-safe read-only commands unasked; on-failure offers a retry
outside the sandbox after a sandbox denial; never asks nothing. Hooks are never sandboxed.
docs/security.md.

Codex options that have no meaning here (-m, -p, -s, -a, -C, --search, --oss,
--startup-sign-out, …) are accepted with a warning on stderr; signed-bearer-token WebSocket
auth and --print-startup-config are refused. docs/protocol.md, "Codex's command line".
)";
}

std::filesystem::path resolve_home(std::filesystem::path home) {
  if (home.empty()) {
    if (const char* env = std::getenv("APP_SERVER_HOME"); env && *env) home = env;
    else if (const char* codex = std::getenv("CODEX_HOME"); codex && *codex) home = codex;
    else if (const char* user_home = std::getenv("HOME"); user_home && *user_home)
      home = std::filesystem::path(user_home) / ".app-server";
    else home = ".app-server";
  }
  return std::filesystem::absolute(home);
}

hooks::DiscoveryRoots DiscoveryOptions::roots() const {
  hooks::DiscoveryRoots roots;
  if (!system_dir_.empty()) roots.system_dir = system_dir_;
  roots.home = resolve_home(home_);
  roots.cwd = std::filesystem::absolute(cwd_.empty() ? std::filesystem::current_path() : cwd_);
  roots.config_overrides = overrides_;
  return roots;
}

CommandLine parse_command_line(const std::vector<std::string>& raw_args) {
  CommandLine cl;
  bool listen_given = false;
  // Codex's spellings, as clap takes them: `--name=value` and `-cVALUE` are `--name value`.
  std::vector<std::string> args;
  for (const std::string& a : raw_args) {
    const auto eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      args.push_back(a.substr(0, eq));
      args.push_back(a.substr(eq + 1));
    } else if (a.size() > 2 && a[0] == '-' && a[1] == 'c' ) {
      args.push_back("-c");
      args.push_back(a.substr(2));
    } else {
      args.push_back(a);
    }
  }
  auto value = [&](std::size_t& i) -> const std::string& {
    if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
    return args[++i];
  };
  std::filesystem::path home, cwd, token_file;
  bool ws_auth = false, subcommand_word = false;
  auto add_listen = [&](const std::string& url) {
    if (!listen_given) cl.server.listen.clear();
    listen_given = true;
    if (url == "stdio://" || url == "stdio") cl.server.listen.push_back("stdio://");
    else if (url == "off")
      throw std::invalid_argument("--listen off: app-server has no remote control; give a transport to serve");
    else if (url.rfind("ws://", 0) == 0 || url.rfind("unix://", 0) == 0) cl.server.listen.push_back(url);
    else throw std::invalid_argument("--listen " + url + ": expected stdio://, ws://IP:PORT or unix://PATH");
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto o = take_config_override(arg, [&]() -> std::string { return value(i); })) {
      cl.server.config_overrides.push_back(*o);
    } else if (const CodexOnlyOption* codex = find_codex_only_option(arg)) {
      if (codex->takes_value) value(i);
      if (codex->refused) throw std::invalid_argument(arg + " " + std::string(codex->why));
      cl.warnings.push_back(arg + " " + std::string(codex->why) + "; ignored");
    } else if (arg == "app-server" && !subcommand_word) {
      subcommand_word = true;  // `codex app-server …`: the word an SDK puts first
    } else if (arg == "--help" || arg == "-h") {
      cl.show_help = true;
    } else if (arg == "--version" || arg == "-V") {
      cl.show_version = true;
    } else if (arg == "--stdio") {
      add_listen("stdio://");
    } else if (arg == "--strict-config") {
      cl.server.strict_config = true;
    } else if (arg == "--analytics-default-enabled") {
      cl.server.analytics_default_enabled = true;
    } else if (arg == "--ws-token-sha256") {
      std::string hex = value(i);
      for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw std::invalid_argument("--ws-token-sha256 " + hex + ": expected 64 hex digits (a SHA-256 digest)");
      cl.server.ws_token_sha256 = hex;
    } else if (arg == "--listen") {
      const std::string& url = value(i);
      add_listen(url);
    } else if (arg == "--ws-auth") {
      const std::string& mode = value(i);
      if (mode != "capability-token")
        throw std::invalid_argument("--ws-auth " + mode + ": only capability-token is supported (signed JWT "
                                    "bearer tokens are not implemented)");
      ws_auth = true;
    } else if (arg == "--ws-token-file") {
      token_file = value(i);
    } else if (arg == "--ws-send-queue-bytes") {
      const std::string& v = value(i);
      try {
        cl.server.ws_send_queue_bytes = std::stoul(v);
      } catch (const std::exception&) {
        throw std::invalid_argument("--ws-send-queue-bytes " + v + ": expected a number of bytes");
      }
    } else if (arg == "--ws-max-connections" || arg == "--ws-max-pending-bytes") {
      const std::string& v = value(i);
      std::size_t n = 0;
      try {
        n = std::stoul(v);
      } catch (const std::exception&) {
        throw std::invalid_argument(arg + " " + v + ": expected a number");
      }
      (arg == "--ws-max-connections" ? cl.server.ws_max_connections : cl.server.ws_max_pending_bytes) = n;
    } else if (arg == "--ws-message-timeout" || arg == "--ws-initialize-timeout") {
      const std::string& v = value(i);
      double seconds = -1;
      try {
        seconds = std::stod(v);
      } catch (const std::exception&) {
      }
      if (!(seconds > 0 && seconds < 1e6)) throw std::invalid_argument(arg + " " + v + ": expected seconds > 0");
      const std::chrono::milliseconds ms(static_cast<std::int64_t>(seconds * 1000));
      (arg == "--ws-message-timeout" ? cl.server.ws_message_timeout : cl.server.ws_initialize_timeout) = ms;
    } else if (arg == "--allow-unauthenticated-remote") {
      cl.server.allow_unauthenticated_remote = true;
    } else if (arg == "--validate-all") {
      cl.server.validation.validate_all = true;
    } else if (arg == "--strict-schemas") {
      cl.server.validation.strict = true;
    } else if (arg == "--test-mode") {
      cl.server.test_mode = true;
    } else if (arg == "--record") {
      cl.server.record = std::filesystem::absolute(value(i));
    } else if (arg == "--home") {
      home = value(i);
    } else if (arg == "--cwd") {
      cwd = value(i);
    } else if (arg == "--system-config-dir") {
      cl.server.system_config_dir = std::filesystem::absolute(value(i));
    } else if (arg == "--dangerously-bypass-hook-trust") {
      cl.server.bypass_hook_trust = true;
    } else if (arg == "--log-level") {
      cl.server.log_level = value(i);
    } else if (arg == "--max-message-bytes") {
      const std::string& v = value(i);
      try {
        cl.server.max_message_bytes = std::stoul(v);
      } catch (const std::exception&) {
        throw std::invalid_argument("--max-message-bytes " + v + ": expected a number of bytes");
      }
    } else {
      throw std::invalid_argument("unknown option " + arg + " (see --help)");
    }
  }
  const bool token_given = !token_file.empty() || !cl.server.ws_token_sha256.empty();
  if (!token_file.empty() && !cl.server.ws_token_sha256.empty())
    throw std::invalid_argument("--ws-token-file and --ws-token-sha256: give one of them");
  if (ws_auth != token_given)
    throw std::invalid_argument("--ws-auth capability-token goes with --ws-token-file FILE or --ws-token-sha256 HEX");
  if (ws_auth && !token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) throw std::invalid_argument("--ws-token-file " + token_file.string() + ": cannot read");
    std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    token.erase(token.find_last_not_of(" \t\r\n") + 1);
    token.erase(0, token.find_first_not_of(" \t\r\n"));
    if (token.empty()) throw std::invalid_argument("--ws-token-file " + token_file.string() + ": empty token");
    cl.server.ws_token = token;
  }
  cl.server.home = resolve_home(home);
  cl.server.default_cwd = std::filesystem::absolute(cwd.empty() ? std::filesystem::current_path() : cwd);
  return cl;
}

}  // namespace appserver
