// Command-line options of `app-server`.
#pragma once

#include "hooks/config_overrides.hpp"
#include "server/server_context.hpp"

#include <optional>

#include <string>
#include <vector>

namespace appserver {

struct CommandLine {
  ServerOptions server;
  bool show_help = false;
  bool show_version = false;
  std::vector<std::string> warnings;  // Codex options accepted without effect, one line each
};

/// Parses argv (without the program name). Throws std::invalid_argument with a message that
/// names the bad flag. Home: --home DIR, else $APP_SERVER_HOME, else $CODEX_HOME, else
/// ~/.app-server. Codex's spellings are accepted (see codex_options.hpp): the `app-server`
/// subcommand word, `--name=value`, -c/--enable/--disable, and Codex options that do not apply
/// here (each a warning in `CommandLine::warnings`).
CommandLine parse_command_line(const std::vector<std::string>& args);

/// `home` made absolute; when empty: $APP_SERVER_HOME, else $CODEX_HOME, else ~/.app-server.
std::filesystem::path resolve_home(std::filesystem::path home);

/// Codex's config overrides: `-c/--config key=value` (checked), `--enable F` / `--disable F`
/// (as `features.F=true|false`; an unknown feature throws). nullopt: `arg` is none of them.
/// `value` reads the option's value (throws std::invalid_argument when missing).
template <class Value>
std::optional<std::string> take_config_override(const std::string& arg, Value&& value) {
  if (arg == "-c" || arg == "--config") {
    std::string raw = value();
    hooks::check_config_override(raw);
    return raw;
  }
  if (arg == "--enable" || arg == "--disable") return hooks::feature_override(value(), arg == "--enable");
  return std::nullopt;
}

/// The hook-discovery options the `hooks` subcommands share: --home DIR, --cwd DIR,
/// --system-config-dir DIR. take() consumes one of them (reading its value with `value`, which
/// throws std::invalid_argument when it is missing); roots() resolves them as the daemon does
/// (home: resolve_home; cwd: absolute, default the current directory).
class DiscoveryOptions {
 public:
  template <class Value>
  bool take(const std::string& arg, Value&& value) {
    if (arg == "--home") home_ = value();
    else if (arg == "--cwd") cwd_ = value();
    else if (arg == "--system-config-dir") system_dir_ = std::filesystem::absolute(value());
    else if (auto o = take_config_override(arg, value)) overrides_.push_back(*o);
    else return false;
    return true;
  }
  hooks::DiscoveryRoots roots() const;

 private:
  std::filesystem::path home_, cwd_, system_dir_;
  std::vector<std::string> overrides_;
};

/// The --help text.
std::string usage();

}  // namespace appserver
