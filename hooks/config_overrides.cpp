// Codex's -c/--enable/--disable overrides; see config_overrides.hpp.
#include "hooks/config_overrides.hpp"

#include "hooks/codex_names.hpp"

#include <stdexcept>

namespace appserver::hooks {

namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::pair<std::string, std::string> split(const std::string& raw) {
  const auto eq = raw.find('=');
  if (eq == std::string::npos) throw std::invalid_argument("Invalid override (missing '='): " + raw);
  std::string key = trim(raw.substr(0, eq));
  if (key.empty()) throw std::invalid_argument("Empty key in override: " + raw);
  if (key == "use_legacy_landlock") key = "features.use_legacy_landlock";  // Codex's one canonicalised key
  return {key, trim(raw.substr(eq + 1))};
}

/// The value as Codex reads it: a TOML value, else the text as a string without the quotes
/// around it (`-c model=o3` needs none).
toml::table value_table(const std::string& text) {
  try {
    toml::table parsed = toml::parse("_x_ = " + text);
    if (parsed.contains("_x_") && parsed.size() == 1) return parsed;
  } catch (const toml::parse_error&) {
  }
  std::string s = text;
  const auto quote = [](char c) { return c == '"' || c == '\''; };
  while (!s.empty() && quote(s.front())) s.erase(s.begin());
  while (!s.empty() && quote(s.back())) s.pop_back();
  toml::table out;
  out.insert_or_assign("_x_", s);
  return out;
}

}  // namespace

void check_config_override(const std::string& raw) { split(raw); }

std::string config_override_key(const std::string& raw) { return split(raw).first; }

std::string feature_override(const std::string& name, bool enabled) {
  if (!codex_names("features").count(name)) throw std::invalid_argument("Unknown feature flag: " + name);
  return "features." + name + "=" + (enabled ? "true" : "false");
}

void apply_config_overrides(toml::table& table, const std::vector<std::string>& overrides) {
  for (const auto& raw : overrides) {
    const auto [key, text] = split(raw);
    toml::table value = value_table(text);
    toml::table* current = &table;
    std::size_t start = 0;
    for (;;) {
      const auto dot = key.find('.', start);
      const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (dot == std::string::npos) {
        value.get("_x_")->visit([&](auto&& node) { current->insert_or_assign(part, std::move(node)); });
        break;
      }
      toml::node* next = current->get(part);
      if (!next || !next->is_table()) {  // created, or a non-table replaced by one
        current->insert_or_assign(part, toml::table{});
        next = current->get(part);
      }
      current = next->as_table();
      start = dot + 1;
    }
  }
}

}  // namespace appserver::hooks
