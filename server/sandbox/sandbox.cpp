// A SandboxPolicy as a bubblewrap command line; see sandbox.hpp.
#include "server/sandbox/sandbox.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace appserver::sandbox {

namespace fs = std::filesystem;

namespace {

bool flag(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

void add_root(std::vector<fs::path>& roots, const fs::path& root) {
  std::error_code ec;
  const fs::path real = fs::canonical(root, ec);  // bwrap needs it to exist; symlinks resolved
  if (ec || !fs::is_directory(real, ec)) return;
  if (std::find(roots.begin(), roots.end(), real) == roots.end()) roots.push_back(real);
}

}  // namespace

Policy policy_of(const nlohmann::json& sandbox_policy, const fs::path& cwd, const std::string& tmpdir) {
  Policy policy;
  const auto type_it = sandbox_policy.is_object() ? sandbox_policy.find("type") : sandbox_policy.end();
  const std::string type = type_it != sandbox_policy.end() && type_it->is_string() ? type_it->get<std::string>() : "";
  if (type == "dangerFullAccess" || type == "externalSandbox") return policy;
  policy.network = false;
  if (type != "workspaceWrite") {
    policy.mode = Policy::Mode::read_only;
    return policy;
  }
  policy.mode = Policy::Mode::workspace_write;
  policy.network = flag(sandbox_policy, "networkAccess");
  add_root(policy.writable_roots, cwd);
  if (!flag(sandbox_policy, "excludeSlashTmp")) add_root(policy.writable_roots, "/tmp");
  if (!tmpdir.empty() && !flag(sandbox_policy, "excludeTmpdirEnvVar")) add_root(policy.writable_roots, tmpdir);
  if (auto w = sandbox_policy.find("writableRoots"); w != sandbox_policy.end() && w->is_array())
    for (const auto& root : *w)
      if (root.is_string()) add_root(policy.writable_roots, root.get<std::string>());
  for (const auto& root : policy.writable_roots)
    for (const char* name : {".git", ".codex"}) {
      std::error_code ec;
      if (fs::exists(root / name, ec)) policy.read_only_paths.push_back(root / name);
    }
  return policy;
}

Policy policy_of(const nlohmann::json& sandbox_policy, const fs::path& cwd) {
  const char* tmpdir = std::getenv("TMPDIR");
  return policy_of(sandbox_policy, cwd, tmpdir ? tmpdir : "");
}

bool may_write(const Policy& policy, const fs::path& path) {
  if (policy.mode == Policy::Mode::full) return true;
  std::error_code ec;
  fs::path real = fs::weakly_canonical(path, ec);
  if (ec) real = path.lexically_normal();
  auto inside = [&](const fs::path& root) {
    const auto rel = real.lexically_relative(root);
    return !rel.empty() && *rel.begin() != "..";
  };
  return std::any_of(policy.writable_roots.begin(), policy.writable_roots.end(), inside) &&
         std::none_of(policy.read_only_paths.begin(), policy.read_only_paths.end(), inside);
}

std::vector<std::string> bwrap_exec_argv(const Policy& policy, const std::string& bwrap, const std::vector<std::string>& command,
                                         bool new_session) {
  std::vector<std::string> argv = {bwrap};
  if (new_session) argv.emplace_back("--new-session");
  for (const char* arg : {"--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-pid", "--proc", "/proc"})
    argv.emplace_back(arg);
  for (const auto& root : policy.writable_roots)
    for (const char* arg : {"--bind", root.c_str(), root.c_str()}) argv.emplace_back(arg);
  for (const auto& path : policy.read_only_paths)
    for (const char* arg : {"--ro-bind", path.c_str(), path.c_str()}) argv.emplace_back(arg);
  if (!policy.network) argv.emplace_back("--unshare-net");
  argv.emplace_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

std::vector<std::string> bwrap_argv(const Policy& policy, const std::string& bwrap, const std::string& command) {
  return bwrap_exec_argv(policy, bwrap, {"/bin/sh", "-c", command});
}

std::optional<std::string> find_bwrap(const std::string& path) {
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / "bwrap";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

std::string missing_bwrap_message() {
  return "sandbox unavailable: bwrap (bubblewrap) was not found on PATH, so this command did not run. "
         "The thread's sandbox policy (sandbox_mode in config.toml, or thread/start `sandbox`) asks for a "
         "sandbox: install bubblewrap (Debian: apt install bubblewrap), or choose sandbox_mode = "
         "\"danger-full-access\" to run commands unsandboxed.";
}

}  // namespace appserver::sandbox
