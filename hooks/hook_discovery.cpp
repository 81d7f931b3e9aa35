// Hook discovery across layers; see hook_discovery.hpp.
#include "hooks/hook_discovery.hpp"

#include "hooks/config_overrides.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace appserver::hooks {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

/// A config.toml read once per discovery: parsed table, or the parse error.
struct TomlFile {
  fs::path path;
  bool exists = false;
  std::optional<toml::table> table;
  std::string error;
};

TomlFile read_toml(const fs::path& path) {
  TomlFile file{path};
  std::error_code ec;
  if (!fs::exists(path, ec)) return file;
  file.exists = true;
  try {
    file.table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    file.error = std::string(e.description()) + " (line " + std::to_string(e.source().begin.line) + ")";
  }
  return file;
}

Json to_json(const toml::node& node) {
  if (auto t = node.as_table()) {
    Json out = Json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = to_json(v);
    return out;
  }
  if (auto a = node.as_array()) {
    Json out = Json::array();
    for (const auto& v : *a) out.push_back(to_json(v));
    return out;
  }
  if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
  if (node.is_integer()) return node.value<std::int64_t>().value_or(0);
  if (node.is_floating_point()) return node.value<double>().value_or(0.0);
  if (node.is_boolean()) return node.value<bool>().value_or(false);
  std::ostringstream text;  // dates and times: their TOML text
  if (auto d = node.as_date()) text << *d;
  else if (auto tm = node.as_time()) text << *tm;
  else if (auto dt = node.as_date_time()) text << *dt;
  return text.str();
}

/// `[features] hooks` (or its alias `codex_hooks`); nullopt when not set.
std::optional<bool> hooks_feature(const TomlFile& file) {
  if (!file.table) return std::nullopt;
  for (const char* key : {"hooks", "codex_hooks"})
    if (auto v = (*file.table)["features"][key].value<bool>()) return *v;
  return std::nullopt;
}

std::optional<std::string> read_text(const fs::path& path, HookSet& out) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.warnings.push_back("failed to read hooks config " + path.string() + ": cannot open file");
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// One layer: its hooks.json first, then its config.toml's [hooks] (hooks-spec.md §1.3).
void load_layer(const fs::path& json_path, const TomlFile& toml_file, HookSource source, bool managed,
                std::int64_t& order, HookSet& out) {
  const std::size_t before = out.handlers.size();
  if (auto text = read_text(json_path, out)) parse_hooks_json(*text, {json_path, source, managed}, order, out);
  const bool json_loaded = out.handlers.size() > before;
  if (!toml_file.exists) return;
  if (!toml_file.table) {
    out.errors.push_back({toml_file.path.string(), "failed to parse " + toml_file.path.string() + ": " + toml_file.error});
    return;
  }
  const toml::node* hooks = toml_file.table->get("hooks");
  if (!hooks) return;
  if (!hooks->is_table()) {
    out.warnings.push_back("failed to parse TOML hooks in " + toml_file.path.string() +
                           ": `hooks` must be a table");
    return;
  }
  Json table = to_json(*hooks);
  table.erase("state");
  const std::size_t toml_before = out.handlers.size();
  parse_toml_hooks(table, {toml_file.path, source, managed}, order, out);
  if (json_loaded && out.handlers.size() > toml_before)
    out.warnings.push_back("loading hooks from both " + json_path.string() + " and " + toml_file.path.string() +
                           "; prefer a single representation for this layer");
}

/// `[projects."<dir>"] trust_level` for `cwd` or its nearest ancestor that has one.
std::optional<std::string> trust_level(const TomlFile& user, const fs::path& cwd) {
  if (!user.table) return std::nullopt;
  const toml::table* projects = (*user.table)["projects"].as_table();
  if (!projects) return std::nullopt;
  for (fs::path dir = cwd.lexically_normal();; dir = dir.parent_path()) {
    std::string key = dir.string();
    if (key.size() > 1 && key.back() == '/') key.pop_back();
    if (auto level = (*projects)[key]["trust_level"].value<std::string>()) return *level;
    if (dir == dir.parent_path()) return std::nullopt;
  }
}

HookStates states_of(const TomlFile& user) {
  HookStates states;
  if (!user.table) return states;
  const toml::table* table = (*user.table)["hooks"]["state"].as_table();
  if (!table) return states;
  for (const auto& [key, node] : *table) {
    const std::string k(key.str());
    const toml::table* entry = node.as_table();
    if (k.find_first_not_of(" \t") == std::string::npos || !entry) continue;
    HookState state;
    if (auto hash = (*entry)["trusted_hash"].value<std::string>()) state.trusted_hash = *hash;
    if (auto enabled = (*entry)["enabled"].value<bool>()) state.enabled = *enabled;
    states.emplace(k, std::move(state));
  }
  return states;
}

fs::path absolute_normal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal();
}

}  // namespace

fs::path project_root(const fs::path& cwd) {
  const fs::path start = absolute_normal(cwd);
  std::error_code ec;
  for (fs::path dir = start;; dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) return dir;
    if (dir == dir.parent_path()) return start;
  }
}

bool project_trusted(const fs::path& home, const fs::path& cwd) {
  return trust_level(read_toml(home / "config.toml"), absolute_normal(cwd)) == std::optional<std::string>("trusted");
}

HookStates load_hook_states(const fs::path& home) { return states_of(read_toml(home / "config.toml")); }

HookSet discover(const DiscoveryRoots& roots) {
  HookSet out;
  const TomlFile system = read_toml(roots.system_dir / "config.toml");
  TomlFile user = read_toml(roots.home / "config.toml");
  if (!roots.config_overrides.empty() && user.error.empty()) {
    if (!user.table) user.table.emplace();
    apply_config_overrides(*user.table, roots.config_overrides);
  }
  const bool enabled = hooks_feature(user).value_or(hooks_feature(system).value_or(true));
  if (!enabled) return out;

  std::int64_t order = 0;
  load_layer(roots.system_dir / "hooks.json", system, HookSource::system, /*managed=*/true, order, out);
  load_layer(roots.home / "hooks.json", user, HookSource::user, false, order, out);

  // Project layers, root first (lower precedence); the home folder itself is never a project layer.
  const fs::path cwd = absolute_normal(roots.cwd);
  const fs::path root = project_root(cwd);
  std::vector<fs::path> dirs;
  for (fs::path dir = cwd;; dir = dir.parent_path()) {
    dirs.insert(dirs.begin(), dir);
    if (dir == root || dir == dir.parent_path()) break;
  }
  const bool trusted = trust_level(user, cwd) == std::optional<std::string>("trusted");
  std::error_code ec;
  for (const auto& dir : dirs) {
    const fs::path codex = dir / ".codex";
    if (fs::equivalent(codex, roots.home, ec)) continue;
    const bool has_json = fs::exists(codex / "hooks.json", ec);
    const TomlFile project = read_toml(codex / "config.toml");
    const bool has_toml_hooks = project.table && project.table->contains("hooks");
    if (!has_json && !has_toml_hooks && project.table) continue;
    if (!has_json && !project.exists) continue;
    if (!trusted) {
      out.warnings.push_back("skipping project hooks in " + codex.string() + ": project " + root.string() +
                             " is not trusted (run `app-server hooks trust --project`, or set [projects.\"" +
                             root.string() + "\"] trust_level = \"trusted\" in " +
                             (roots.home / "config.toml").string() + ")");
      if (!roots.read_untrusted_projects) continue;
    }
    load_layer(codex / "hooks.json", project, HookSource::project, false, order, out);
  }
  apply_states(out, states_of(user));
  return out;
}

}  // namespace appserver::hooks
