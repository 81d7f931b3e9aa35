// config.toml loading; see config_file.hpp.
#include "server/config/config_file.hpp"

#include "hooks/codex_names.hpp"
#include "hooks/config_overrides.hpp"

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <set>

namespace appserver {

namespace {
// Keys of Codex's config.toml this server reads here; `hooks`, `projects` and `features` are read
// by hook discovery (hooks/hook_discovery.cpp). Every other key Codex knows
// (schema/codex/config-keys.txt) is ignored with a debug line; a key Codex does not know either
// is a configWarning (and fatal under --strict-config).
const std::set<std::string> kUsed = {"model", "model_provider", "model_providers", "approval_policy",
                                     "sandbox_mode", "sandbox_workspace_write", "service_tier", "features", "hooks",
                                     "projects", "analytics", "agents"};
const std::set<std::string> kProviderKeys = {"name", "base_url", "wire_api", "env_key",
                                             "requires_openai_auth", "request_max_retries",
                                             "stream_max_retries", "stream_idle_timeout_ms"};

/// Sorts a key this server does not use: known to Codex (a debug line) or unknown (a warning).
void unused_key(ConfigFile& config, const std::string& where, const std::string& key, bool known_to_codex) {
  if (known_to_codex) {
    spdlog::debug("{}: `{}` is a Codex setting this server does not use; ignored", where, key);
    return;
  }
  config.unknown_keys.push_back(key);
  config.warnings.push_back(where + ": `" + key + "` is not a Codex 0.169 setting; ignored");
}
/// `[agents]` enabled / max_depth / max_threads and `[features] multi_agent`; a bad value is a
/// warning and keeps the default (Codex refuses thread/start with a config error instead).
void read_agents(const toml::table& table, const std::string& where, ConfigFile& config) {
  auto& agents = config.agents;
  if (auto multi = table["features"]["multi_agent"].value<bool>()) agents.enabled = *multi;
  const auto node = table["agents"];
  if (!node) return;
  const auto* t = node.as_table();
  if (!t) {
    config.warnings.push_back(where + ": `agents` must be a table; ignored");
    return;
  }
  if (auto enabled = (*t)["enabled"]; enabled) {
    if (auto v = enabled.value<bool>()) agents.enabled = *v;
    else config.warnings.push_back(where + ": `agents.enabled` must be a boolean; ignored");
  }
  auto count = [&](const char* key, int minimum, int& out) {
    auto value = (*t)[key];
    if (!value) return;
    const auto v = value.value<std::int64_t>();
    if (v && *v >= minimum && *v <= 1'000'000) out = static_cast<int>(*v);
    else config.warnings.push_back(where + ": `agents." + key + "` must be an integer of at least " +
                                   std::to_string(minimum) + "; using " + std::to_string(out));
  };
  count("max_depth", 0, agents.max_depth);
  count("max_threads", 1, agents.max_threads);
}

}  // namespace

const ModelProvider* ConfigFile::selected_provider() const {
  if (!model_provider) return nullptr;
  auto it = model_providers.find(*model_provider);
  if (it == model_providers.end() || it->second.wire_api != "responses") return nullptr;
  return &it->second;
}

std::vector<std::string> ConfigFile::secret_env_keys() const {
  std::vector<std::string> keys;
  for (const auto& [id, p] : model_providers)
    if (p.env_key) keys.push_back(*p.env_key);
  return keys;
}

nlohmann::json ConfigFile::effective() const {
  nlohmann::json out = nlohmann::json::object();
  if (model) out["model"] = *model;
  if (model_provider) out["model_provider"] = *model_provider;
  if (approval_policy) out["approval_policy"] = *approval_policy;
  if (sandbox_mode) out["sandbox_mode"] = *sandbox_mode;
  for (const auto& [id, p] : model_providers)
    out["model_providers"][id] = {{"name", p.name}, {"base_url", p.base_url}, {"wire_api", p.wire_api},
                                  {"env_key", p.env_key ? nlohmann::json(*p.env_key) : nlohmann::json()},
                                  {"requires_openai_auth", p.requires_openai_auth}};
  return out;
}

nlohmann::json sandbox_policy_for_mode(const ConfigFile& config, const std::string& mode) {
  if (mode == "workspace-write") {
    const auto& ww = config.workspace_write;
    return {{"type", "workspaceWrite"},
            {"writableRoots", ww.writable_roots},
            {"networkAccess", ww.network_access},
            {"excludeTmpdirEnvVar", ww.exclude_tmpdir_env_var},
            {"excludeSlashTmp", ww.exclude_slash_tmp}};
  }
  return {{"type", mode == "read-only" ? "readOnly" : "dangerFullAccess"}};
}

nlohmann::json default_sandbox_policy(const ConfigFile& config) {
  return sandbox_policy_for_mode(config, config.sandbox_mode.value_or("danger-full-access"));
}

ConfigFile load_config_file(const std::filesystem::path& path, const std::vector<std::string>& overrides,
                            bool analytics_default) {
  ConfigFile config;
  config.path = path;
  config.analytics_enabled = analytics_default;
  std::error_code ec;
  const std::string where = path.string();
  toml::table table;
  if (std::filesystem::exists(path, ec)) {
    config.exists = true;
    try {
      table = toml::parse_file(std::string_view{where});
    } catch (const toml::parse_error& e) {
      config.warnings.push_back(where + ": cannot parse: " + std::string(e.description()) + " (line " +
                                std::to_string(e.source().begin.line) + ")");
      return config;
    }
  }
  hooks::apply_config_overrides(table, overrides);
  for (const auto& raw : overrides) config.overridden_keys.insert(hooks::config_override_key(raw));
  auto string_of = [&](const toml::node* node, const std::string& key) -> std::optional<std::string> {
    if (!node) return std::nullopt;
    if (auto v = node->value<std::string>()) return *v;
    config.warnings.push_back(where + ": `" + key + "` must be a string; ignored");
    return std::nullopt;
  };
  const auto& codex_keys = hooks::codex_names("config-keys");
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (!kUsed.count(k)) unused_key(config, where, k, codex_keys.count(k) > 0);
  }
  config.model = string_of(table.get("model"), "model");
  config.model_provider = string_of(table.get("model_provider"), "model_provider");
  config.approval_policy = string_of(table.get("approval_policy"), "approval_policy");
  config.sandbox_mode = string_of(table.get("sandbox_mode"), "sandbox_mode");
  config.service_tier = string_of(table.get("service_tier"), "service_tier");
  if (auto ww = table["sandbox_workspace_write"]; ww && !ww.is_table()) {
    config.warnings.push_back(where + ": `sandbox_workspace_write` must be a table; ignored");
  } else if (auto* t = ww.as_table()) {
    if (auto roots = (*t)["writable_roots"]; roots) {
      if (auto* array = roots.as_array()) {
        for (const auto& root : *array)
          if (auto text = root.value<std::string>()) config.workspace_write.writable_roots.push_back(*text);
          else config.warnings.push_back(where + ": `sandbox_workspace_write.writable_roots` must hold strings; an entry was ignored");
      } else {
        config.warnings.push_back(where + ": `sandbox_workspace_write.writable_roots` must be an array; ignored");
      }
    }
    auto boolean = [&](const char* key, bool& out) {
      auto node = (*t)[key];
      if (!node) return;
      if (auto v = node.value<bool>()) out = *v;
      else config.warnings.push_back(where + ": `sandbox_workspace_write." + key + "` must be a boolean; ignored");
    };
    boolean("network_access", config.workspace_write.network_access);
    boolean("exclude_tmpdir_env_var", config.workspace_write.exclude_tmpdir_env_var);
    boolean("exclude_slash_tmp", config.workspace_write.exclude_slash_tmp);
  }
  if (auto analytics = table["analytics"]; analytics && !analytics.is_table())
    config.warnings.push_back(where + ": `analytics` must be a table; ignored");
  config.analytics_enabled = table["analytics"]["enabled"].value_or(analytics_default);
  read_agents(table, where, config);
  if (auto providers = table["model_providers"].as_table()) {
    for (const auto& [id, node] : *providers) {
      const std::string pid(id.str());
      auto t = node.as_table();
      if (!t) {
        config.warnings.push_back(where + ": `model_providers." + pid + "` must be a table; ignored");
        continue;
      }
      ModelProvider p;
      p.id = pid;
      for (const auto& [key, value] : *t)
        if (const std::string k(key.str()); !kProviderKeys.count(k))
          unused_key(config, where, "model_providers." + pid + "." + k, hooks::codex_names("provider-keys").count(k) > 0);
      p.name = t->get("name") ? t->get("name")->value_or(pid) : pid;
      p.base_url = t->get("base_url") ? t->get("base_url")->value_or(std::string()) : "";
      p.wire_api = t->get("wire_api") ? t->get("wire_api")->value_or(std::string("responses")) : "responses";
      if (auto v = t->get("env_key")) p.env_key = v->value<std::string>();
      if (auto v = t->get("requires_openai_auth")) p.requires_openai_auth = v->value_or(false);
      if (auto v = t->get("request_max_retries")) p.request_max_retries = static_cast<int>(v->value_or(4));
      if (auto v = t->get("stream_max_retries")) p.stream_max_retries = static_cast<int>(v->value_or(5));
      if (auto v = t->get("stream_idle_timeout_ms"))
        p.stream_idle_timeout = std::chrono::milliseconds(v->value_or(300'000));
      if (p.wire_api != "responses")
        config.warnings.push_back(where + ": model provider `" + pid + "` uses wire_api `" + p.wire_api +
                                  "`; only `responses` is supported");
      if (p.base_url.empty())
        config.warnings.push_back(where + ": model provider `" + pid + "` has no base_url");
      config.model_providers.emplace(pid, std::move(p));
    }
  }
  if (config.model_provider && !config.model_providers.count(*config.model_provider) &&
      *config.model_provider != "builtin")
    config.warnings.push_back(where + ": model_provider `" + *config.model_provider +
                              "` is not configured; using the built-in agent");
  return config;
}

}  // namespace appserver
