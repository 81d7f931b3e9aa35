// Command-line options of `app-server`.
#pragma once

#include "server/server_context.hpp"

#include <string>
#include <vector>

namespace appserver {

struct CommandLine {
  ServerOptions server;
  bool show_help = false;
  bool show_version = false;
};

/// Parses argv (without the program name). Throws std::invalid_argument with a message that
/// names the bad flag. Home: --home DIR, else $APP_SERVER_HOME, else ~/.app-server.
CommandLine parse_command_line(const std::vector<std::string>& args);

/// `home` made absolute; when empty: $APP_SERVER_HOME, else ~/.app-server.
std::filesystem::path resolve_home(std::filesystem::path home);

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
    else return false;
    return true;
  }
  hooks::DiscoveryRoots roots() const;

 private:
  std::filesystem::path home_, cwd_, system_dir_;
};

/// The --help text.
std::string usage();

}  // namespace appserver
