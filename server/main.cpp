// app-server entry point: logging first (stderr only), options, then the server.
#include "server/hooks_command.hpp"
#include "server/options.hpp"
#include "server/replay/replay_command.hpp"
#include "server/schema_command.hpp"
#include "server/server.hpp"
#include "server/subcommand_help.hpp"
#include "server/support/cloexec.hpp"
#include "server/support/log.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
  appserver::cloexec_inherited_descriptors();
  appserver::init_logging("info");
  // Hook processes may exit without reading their stdin; a write must fail with EPIPE, not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  // `codex app-server …`: SDKs launch "the codex binary" with this word first.
  if (!args.empty() && args[0] == "app-server") args.erase(args.begin());
  if (!args.empty() && (args[0] == "daemon" || args[0] == "proxy" || args[0] == "generate-ts")) {
    std::cerr << "app-server: `codex app-server " << args[0]
              << "` is not supported: app-server is the daemon itself (see --help)\n";
    return 2;
  }
  if (!args.empty() && args[0] == "generate-json-schema") {
    if (appserver::asks_for_help(args)) {
      std::cout << appserver::generate_json_schema_help();
      return 0;
    }
    try {
      return appserver::run_generate_json_schema({args.begin() + 1, args.end()});
    } catch (const std::exception& e) {
      std::cerr << "app-server: " << e.what() << "\n";
      return 2;
    }
  }
  if (!args.empty() && args[0] == "hooks") return appserver::run_hooks_command({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "replay") {
    if (appserver::asks_for_help(args)) {
      std::cout << appserver::replay_help();
      return 0;
    }
    try {
      return appserver::replay::run_replay_command({args.begin() + 1, args.end()},
                                                   std::filesystem::canonical("/proc/self/exe"));
    } catch (const std::exception& e) {
      std::cerr << "app-server: " << e.what() << "\n";
      return 2;
    }
  }
  appserver::CommandLine cl;
  try {
    cl = appserver::parse_command_line(args);
  } catch (const std::exception& e) {
    std::cerr << "app-server: " << e.what() << "\n";
    return 2;
  }
  if (cl.show_help) {
    std::cout << appserver::usage();
    return 0;
  }
  if (cl.show_version) {
    // Codex's line (`codex-cli X.Y.Z`), the version of the protocol we speak, so that SDKs
    // that parse it gate features the same way; what we are follows in parentheses.
    std::cout << "codex-cli " << appserver::kServerVersion << " (app-server)\n";
    return 0;
  }
  appserver::init_logging(cl.server.log_level);
  for (const auto& warning : cl.warnings) spdlog::warn("{}", warning);
  try {
    appserver::Server server(cl.server);
    return server.run();
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
