// libFuzzer target: hook configuration as discovery reads it. The first byte picks the file
// (user hooks.json, user config.toml, project .codex/hooks.json, system config.toml); the rest
// is its content. discover() then reads every layer, parses, applies trust state and warns,
// exactly as a thread start does. Files live on a RAM file system when one is mounted.
#include "hooks/hook_config.hpp"
#include "hooks/hook_discovery.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace appserver::hooks;

namespace {

struct Roots {
  fs::path base, system, home, project, cwd;
  Roots() {
    const fs::path tmp = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    base = tmp / ("fuzz-hooks-" + std::to_string(::getpid()));
    system = base / "system";
    home = base / "home";
    project = base / "project";
    cwd = project / "src";
    for (const auto& d : {system, home, project / ".codex", cwd}) fs::create_directories(d);
    fs::create_directories(project / ".git");
  }
};

const Roots& roots() {
  static const Roots r;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Roots& r = roots();
  const fs::path targets[] = {r.home / "hooks.json", r.home / "config.toml", r.project / ".codex" / "hooks.json",
                              r.system / "config.toml"};
  const fs::path& target = targets[data[0] & 3];
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  HookSet set = discover({r.system, r.home, r.cwd});
  for (const auto& handler : set.handlers) (void)to_metadata(handler);
  std::error_code ignored;
  fs::remove(target, ignored);
  return 0;
}
