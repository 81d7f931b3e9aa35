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

/// The --help text.
std::string usage();

}  // namespace appserver
