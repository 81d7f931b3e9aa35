// config.toml writes; see config_edit.hpp.
#include "server/config/config_edit.hpp"

#include "hooks/hook_config.hpp"

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace appserver {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// JSON → TOML node. TOML has no null: a null inside a table is dropped, inside an array it is
/// an error.
std::unique_ptr<toml::node> to_toml(const Json& value, const std::string& where) {
  switch (value.type()) {
    case Json::value_t::object: {
      auto table = std::make_unique<toml::table>();
      for (const auto& [k, v] : value.items())
        if (!v.is_null()) table->insert(k, std::move(*to_toml(v, where + "." + k)));
      return table;
    }
    case Json::value_t::array: {
      auto array = std::make_unique<toml::array>();
      for (const auto& v : value) {
        if (v.is_null()) throw ConfigWriteError(where + ": null is not representable in TOML");
        array->push_back(std::move(*to_toml(v, where)));
      }
      return array;
    }
    case Json::value_t::string: return std::make_unique<toml::value<std::string>>(value.get<std::string>());
    case Json::value_t::boolean: return std::make_unique<toml::value<bool>>(value.get<bool>());
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return std::make_unique<toml::value<std::int64_t>>(value.get<std::int64_t>());
    case Json::value_t::number_float: return std::make_unique<toml::value<double>>(value.get<double>());
    default: throw ConfigWriteError(where + ": value is not representable in TOML");
  }
}

void insert_node(toml::table& table, const std::string& key, toml::node&& node) {
  if (auto t = node.as_table()) table.insert_or_assign(key, std::move(*t));
  else if (auto a = node.as_array()) table.insert_or_assign(key, std::move(*a));
  else if (auto s = node.as_string()) table.insert_or_assign(key, std::move(*s));
  else if (auto i = node.as_integer()) table.insert_or_assign(key, std::move(*i));
  else if (auto f = node.as_floating_point()) table.insert_or_assign(key, std::move(*f));
  else if (auto b = node.as_boolean()) table.insert_or_assign(key, std::move(*b));
}

void merge(toml::table& into, const Json& value, const std::string& where) {
  for (const auto& [k, v] : value.items()) {
    if (v.is_null()) {
      into.erase(k);
    } else if (v.is_object() && into[k].is_table()) {
      merge(*into[k].as_table(), v, where + "." + k);
    } else {
      insert_node(into, k, std::move(*to_toml(v, where + "." + k)));
    }
  }
}

void apply(toml::table& root, const ConfigEditOp& edit) {
  const auto path = split_key_path(edit.key_path);
  toml::table* table = &root;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    toml::node* next = table->get(path[i]);
    if (!next) next = &table->insert(path[i], toml::table{}).first->second;
    if (!next->is_table())
      throw ConfigWriteError("keyPath " + edit.key_path + ": `" + path[i] + "` is not a table");
    table = next->as_table();
  }
  const std::string& leaf = path.back();
  if (edit.value.is_null()) {
    table->erase(leaf);
  } else if (edit.upsert && edit.value.is_object() && (*table)[leaf].is_table()) {
    merge(*(*table)[leaf].as_table(), edit.value, edit.key_path);
  } else {
    insert_node(*table, leaf, std::move(*to_toml(edit.value, edit.key_path)));
  }
}

using Section = std::vector<std::string>;  // a table's key path, e.g. {hooks, state, <key>}

/// The per-entry tables an edit touches (`[hooks.state."<key>"]`, `[projects."<dir>"]`), or
/// nullopt if it touches anything else.
std::optional<std::set<Section>> sections_of(const ConfigEditOp& edit) {
  const auto path = split_key_path(edit.key_path);
  std::size_t depth = 0;
  if (path.size() >= 2 && path[0] == "hooks" && path[1] == "state") depth = 3;
  else if (!path.empty() && path[0] == "projects") depth = 2;
  else return std::nullopt;
  if (path.size() >= depth) return std::set<Section>{Section(path.begin(), path.begin() + depth)};
  if (path.size() + 1 != depth || !edit.upsert || !edit.value.is_object()) return std::nullopt;
  std::set<Section> sections;
  for (const auto& [k, v] : edit.value.items()) {
    Section section = path;
    section.push_back(k);
    sections.insert(section);
  }
  return sections;
}

/// The key path of a `[a.b."c"]` header line (nullopt for other lines and `[[…]]`).
std::optional<Section> header_section(const std::string& line) {
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string::npos || line[first] != '[' || line.compare(first, 2, "[[") == 0) return std::nullopt;
  try {
    auto parsed = toml::parse(line);
    Section section;
    const toml::table* table = &parsed;
    while (table && table->size() == 1) {
      section.emplace_back(table->begin()->first.str());
      table = table->begin()->second.as_table();
    }
    if (!table || !table->empty()) return std::nullopt;
    return section;
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

/// `original` without the tables of `sections`, then those tables as `root` has them.
std::string splice_sections(const std::string& original, const toml::table& root, const std::set<Section>& sections) {
  std::istringstream in(original);
  std::string out, line;
  bool skipping = false;
  while (std::getline(in, line)) {
    if (auto section = header_section(line)) skipping = sections.count(*section) > 0;
    else if (line.find_first_not_of(" \t") != std::string::npos && line[line.find_first_not_of(" \t")] == '[')
      skipping = false;  // an array-of-tables header ends a skipped table too
    if (!skipping) out += line + "\n";
  }
  for (const auto& section : sections) {
    const toml::table* parent = &root;
    for (std::size_t i = 0; parent && i + 1 < section.size(); ++i) parent = (*parent)[section[i]].as_table();
    if (!parent || !(*parent)[section.back()].is_table()) continue;
    toml::table only = *parent;  // the parent with just this entry, wrapped back to the root
    for (auto it = only.begin(); it != only.end();)
      it = it->first.str() == section.back() ? std::next(it) : only.erase(it);
    toml::table wrapper = std::move(only);
    for (std::size_t i = section.size() - 1; i-- > 0;) wrapper = toml::table{{section[i], std::move(wrapper)}};
    std::ostringstream text;
    text << toml::toml_formatter{wrapper};
    while (!out.empty() && out.size() >= 2 && out.substr(out.size() - 2) == "\n\n") out.pop_back();
    if (!out.empty()) out += "\n";
    out += text.str() + "\n";
  }
  return out;
}

}  // namespace

std::vector<std::string> split_key_path(const std::string& key_path) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < key_path.size(); ++i) {
    const char c = key_path[i];
    if (quoted) {
      if (c == '\\' && i + 1 < key_path.size()) current += key_path[++i];
      else if (c == '"') quoted = false;
      else current += c;
    } else if (c == '"') {
      quoted = was_quoted = true;
    } else if (c == '.') {
      if (current.empty() && !was_quoted) throw ConfigWriteError("keyPath " + key_path + ": empty segment");
      parts.push_back(std::move(current));
      current.clear();
      was_quoted = false;
    } else {
      current += c;
    }
  }
  if (quoted) throw ConfigWriteError("keyPath " + key_path + ": unterminated quote");
  if (current.empty() && !was_quoted) throw ConfigWriteError("keyPath " + key_path + ": empty segment");
  parts.push_back(std::move(current));
  return parts;
}

std::string config_version(const fs::path& file) {
  std::error_code ec;
  return "sha256:" + hooks::sha256_hex(fs::exists(file, ec) ? read_file(file) : std::string());
}

ConfigWriteResult write_config(const fs::path& file, const std::vector<ConfigEditOp>& edits,
                               const std::optional<std::string>& expected_version) {
  std::error_code ec;
  const fs::path target = fs::absolute(file, ec).lexically_normal();
  const bool exists = fs::exists(target, ec);
  const std::string original = exists ? read_file(target) : std::string();
  if (expected_version && *expected_version != "sha256:" + hooks::sha256_hex(original))
    throw ConfigWriteError("config version conflict: " + target.string() + " changed since version " +
                           *expected_version);
  toml::table root;
  try {
    if (exists) root = toml::parse(original, target.string());
  } catch (const toml::parse_error& e) {
    throw ConfigWriteError("cannot parse " + target.string() + ": " + std::string(e.description()));
  }
  std::set<Section> sections;
  bool surgical = true;
  for (const auto& edit : edits) {
    apply(root, edit);
    if (auto s = sections_of(edit)) sections.insert(s->begin(), s->end());
    else surgical = false;
  }

  ConfigWriteResult result;
  result.file = target;
  std::string text;
  if (surgical) {
    text = splice_sections(original, root, sections);
    try {
      if (toml::parse(text) != root) surgical = false;
    } catch (const toml::parse_error&) {
      surgical = false;
    }
  }
  if (!surgical) {
    std::ostringstream rendered;
    rendered << toml::toml_formatter{root} << "\n";
    text = rendered.str();
    result.comments_preserved = !exists || original.find('#') == std::string::npos;
    if (!result.comments_preserved)
      spdlog::warn("{}: rewritten by a config edit; its comments were not kept", target.string());
  }

  fs::create_directories(target.parent_path(), ec);
  const fs::path temp = target.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw ConfigWriteError("cannot write " + temp.string());
  }
  fs::rename(temp, target, ec);
  if (ec) throw ConfigWriteError("cannot replace " + target.string() + ": " + ec.message());
  result.version = "sha256:" + hooks::sha256_hex(text);
  return result;
}

}  // namespace appserver
