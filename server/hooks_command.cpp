// The `hooks` subcommand; see hooks_command.hpp.
#include "server/hooks_command.hpp"

#include "protocol/describe_json.hpp"
#include "server/config/config_edit.hpp"
#include "server/config/hook_trust.hpp"
#include "server/hook_test/hook_test_command.hpp"
#include "server/options.hpp"
#include "server/subcommand_help.hpp"

#include <iostream>
#include <stdexcept>

namespace appserver {

namespace {

struct HooksArgs {
  std::string action;
  hooks::DiscoveryRoots roots;
  std::vector<std::string> keys;
  bool all = false, project = false, json = false;
};

HooksArgs parse(const std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "list" && args[0] != "trust"))
    throw std::invalid_argument("usage: app-server hooks list|trust|test … (see app-server hooks --help)");
  HooksArgs out;
  out.action = args[0];
  DiscoveryOptions discovery;
  for (std::size_t i = 1; i < args.size(); ++i) {
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    const std::string& arg = args[i];
    if (discovery.take(arg, value)) continue;
    if (arg == "--all") out.all = true;
    else if (arg == "--project") out.project = true;
    else if (arg == "--json") out.json = true;
    else if (arg.rfind("--", 0) == 0) throw std::invalid_argument("unknown option " + arg);
    else out.keys.push_back(arg);
  }
  out.roots = discovery.roots();
  if (out.action == "trust" && !out.all && out.keys.empty() && !out.project)
    throw std::invalid_argument("hooks trust: name hook keys, or --all, or --project");
  return out;
}

int list(const HooksArgs& a) {
  const hooks::HookSet set = hooks::discover(a.roots);
  if (a.json) {
    protocol::v2::HooksListEntry entry;
    entry.cwd = a.roots.cwd.string();
    for (const auto& h : set.handlers) entry.hooks.push_back(hooks::to_metadata(h));
    entry.warnings = set.warnings;
    entry.errors = set.errors;
    std::cout << protocol::encode(entry).dump(2) << "\n";
    return 0;
  }
  for (const auto& h : set.handlers) {
    std::string status = protocol::encode(h.trust_status).get<std::string>();
    if (!h.enabled) status += ",disabled";
    std::cout << status << "\t" << protocol::encode(h.event).get<std::string>() << "\t" << h.key << "\n"
              << "\t" << h.command << "\n";
  }
  for (const auto& w : set.warnings) std::cout << "warning: " << w << "\n";
  for (const auto& e : set.errors) std::cout << "error: " << e.path << ": " << e.message << "\n";
  if (set.handlers.empty()) std::cout << "no hooks for " << a.roots.cwd.string() << "\n";
  return 0;
}

int trust(const HooksArgs& a) {
  if (a.project)
    std::cout << "trusted project " << trust_project(a.roots.home, a.roots.cwd).string() << "\n";
  if (!a.all && a.keys.empty()) return 0;
  const TrustOutcome outcome = trust_hooks(a.roots, a.keys, a.all);
  for (const auto& key : outcome.trusted) std::cout << "trusted " << key << "\n";
  for (const auto& key : outcome.unknown) std::cerr << "app-server: no hook " << key << "\n";
  if (outcome.trusted.empty() && a.all) std::cout << "nothing to trust\n";
  return outcome.unknown.empty() ? 0 : 1;
}

}  // namespace

int run_hooks_command(const std::vector<std::string>& args) {
  const std::string action = args.empty() ? "" : args[0];
  if (asks_for_help(args)) {
    std::cout << (action == "list" ? hooks_list_help() : action == "trust" ? hooks_trust_help()
                  : action == "test" ? hooks_test_help() : hooks_help());
    return 0;
  }
  if (action == "test") return hook_test::run_hooks_test({args.begin() + 1, args.end()});
  HooksArgs a;
  try {
    a = parse(args);
  } catch (const std::exception& e) {
    std::cerr << "app-server: " << e.what() << "\n";
    return 2;
  }
  try {
    return a.action == "list" ? list(a) : trust(a);
  } catch (const ConfigWriteError& e) {
    std::cerr << "app-server: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace appserver
