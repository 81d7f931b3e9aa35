// The `--help` text of every subcommand (the daemon's own is usage() in options.hpp). Each
// subcommand answers `--help` or `-h` anywhere on its command line with its text on stdout and
// exit status 0, before it looks at anything else.
#pragma once

#include <string>
#include <vector>

namespace appserver {

std::string hooks_help();                 // app-server hooks --help
std::string hooks_list_help();            // app-server hooks list --help
std::string hooks_trust_help();           // app-server hooks trust --help
std::string hooks_test_help();            // app-server hooks test --help (lists the events)
std::string replay_help();                // app-server replay --help
std::string generate_json_schema_help();  // app-server generate-json-schema --help

/// Whether `args` holds `--help` or `-h`.
bool asks_for_help(const std::vector<std::string>& args);

}  // namespace appserver
