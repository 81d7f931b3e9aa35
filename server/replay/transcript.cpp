// Transcript parsing, matching and recording conversion; see transcript.hpp.
#include "server/replay/transcript.hpp"

#include "protocol/json_parse.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace appserver::replay {

namespace {
std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

Transcript parse_transcript(const std::string& text) {
  Transcript t;
  std::istringstream in(text);
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    t.lines.push_back(line);
    const std::string trimmed = trim(line);
    auto fail = [&](const std::string& why) {
      throw std::runtime_error("line " + std::to_string(number) + ": " + why);
    };
    if (trimmed.empty()) continue;
    if (trimmed.rfind("#!", 0) == 0) {
      const std::string directive = trim(trimmed.substr(2));
      auto colon = directive.find(':');
      if (colon == std::string::npos) fail("header lines are `#! key: value`");
      const std::string key = trim(directive.substr(0, colon)), value = trim(directive.substr(colon + 1));
      if (key == "hooks") t.hooks = value;
      else if (key == "project-hooks") t.project_hooks = value;
      else if (key == "flags") for (auto& w : words(value)) t.flags.push_back(w);
      else if (key == "trust" && (value == "all" || value == "none")) t.trust_hooks = value == "all";
      else if (key == "ignore") for (auto& w : words(value)) t.ignore.push_back(w);
      else fail("unknown header `" + key + "` (hooks, project-hooks, flags, trust: all|none, ignore)");
      continue;
    }
    if (trimmed[0] == '#') continue;
    if (trimmed == "== restart") {
      t.steps.push_back({Step::Kind::restart, "", nullptr, number});
      continue;
    }
    if (trimmed.rfind("<--", 0) == 0) {
      std::string payload = trim(trimmed.substr(3));
      Json message = protocol::parse_or_discard(payload);
      t.steps.push_back({Step::Kind::send, payload, message.is_discarded() ? Json() : message, number});
      continue;
    }
    if (trimmed.rfind("-->", 0) == 0) {
      std::string payload = trim(trimmed.substr(3));
      Json message = protocol::parse_or_discard(payload);
      if (message.is_discarded()) fail("expected a JSON message after -->");
      t.steps.push_back({Step::Kind::expect, payload, message, number});
      continue;
    }
    fail("expected `<--`, `-->`, `== restart`, `#` or `#!`");
  }
  return t;
}

bool matches(const Json& expected, const Json& actual) {
  if (expected.is_string()) {
    const auto& s = expected.get_ref<const std::string&>();
    if (s == "{{any}}") return true;
    if (s == "{{string}}") return actual.is_string();
    if (s == "{{number}}") return actual.is_number();
  }
  if (expected.is_object()) {
    if (!actual.is_object() || expected.size() != actual.size()) return false;
    for (const auto& [key, value] : expected.items()) {
      auto it = actual.find(key);
      if (it == actual.end() || !matches(value, *it)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || expected.size() != actual.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i)
      if (!matches(expected[i], actual[i])) return false;
    return true;
  }
  return expected == actual;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

Json substitute(Json value, const std::map<std::string, std::string>& replacements) {
  std::vector<std::pair<std::string, std::string>> ordered(replacements.begin(), replacements.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::function<void(Json&)> walk = [&](Json& node) {
    if (node.is_string()) {
      std::string s = node.get<std::string>();
      for (const auto& [from, to] : ordered) s = replace_all(s, from, to);
      node = s;
    } else if (node.is_structured()) {
      for (auto& child : node) walk(child);
    }
  };
  walk(value);
  return value;
}

bool is_recording(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

std::string convert_recording(const std::string& text) {
  std::istringstream in(text);
  std::vector<Json> records;
  std::optional<std::uint64_t> connection;
  std::string home, workspace;
  for (std::string line; std::getline(in, line);) {
    if (trim(line).empty()) continue;
    Json record = protocol::parse_or_discard(line);
    if (!record.is_object()) throw std::runtime_error("recording: unreadable line: " + line.substr(0, 80));
    if (!connection) connection = record["conn"].get<std::uint64_t>();
    if (record["conn"].get<std::uint64_t>() != *connection) continue;
    const Json& message = record["message"];
    if (record["dir"] == "out" && message.contains("result") && message["result"].is_object()) {
      const Json& result = message["result"];
      if (home.empty() && result.contains("codexHome")) home = result["codexHome"].get<std::string>();
      if (workspace.empty() && result.contains("thread") && result.contains("cwd"))
        workspace = result["cwd"].get<std::string>();
    }
    records.push_back(record);
  }
  std::map<std::string, std::string> paths;
  if (!home.empty()) paths[home] = "$HOME";
  if (!workspace.empty()) paths[workspace] = "$WORKSPACE";
  std::ostringstream out;
  out << "# Converted from a recording (connection " << connection.value_or(0) << ").\n"
      << "# Add `#! hooks: <file>` if the session used hooks, then run: app-server replay <this file>\n";
  for (const auto& record : records) {
    const Json& message = record["message"];
    if (record["dir"] == "in") {
      if (message.is_object() && message.size() == 1 && message.contains("raw"))
        out << "<-- " << message["raw"].get<std::string>() << "\n";
      else
        out << "<-- " << substitute(message, paths).dump() << "\n";
    } else {
      out << "--> " << substitute(message, paths).dump() << "\n";
    }
  }
  return out.str();
}

}  // namespace appserver::replay
