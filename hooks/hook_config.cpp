// hooks.json discovery; see hook_config.hpp.
#include "hooks/hook_config.hpp"

#include "hooks/hook_events.hpp"
#include "hooks/hook_output.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace appserver::hooks {

using Json = nlohmann::json;

namespace {

/// A problem that drops the whole file: what() is "<json path>: <problem>".
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

/// `sha256:<hex>` of the canonical JSON of a handler (hooks-spec.md §1.4).
std::string definition_hash(const HookHandler& h, const EventInfo& info) {
  Json handler = {{"type", "command"},
                  {"command", h.command},
                  {"timeout", h.timeout_sec},
                  {"async", h.async}};
  if (h.status_message) handler["statusMessage"] = *h.status_message;
  Json doc = {{"event_name", info.snake}, {"hooks", Json::array({handler})}};
  if (h.matcher.pattern()) doc["matcher"] = *h.matcher.pattern();
  return "sha256:" + sha256_hex(doc.dump());
}

const char* type_name(const Json& j) { return j.type_name(); }

std::optional<std::string> optional_string(const Json& object, const char* field,
                                           const std::string& path) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string())
    throw FileError(path + "." + field + ": expected string, found " + type_name(*it));
  return it->get<std::string>();
}

void parse_handler(const Json& h, const std::string& path, const EventInfo& info,
                   const std::optional<std::string>& matcher, std::size_t group_index,
                   std::size_t handler_index, const HookSourceFile& source,
                   std::int64_t& next_order, HookSet& out) {
  const std::string file = source.path.string();
  if (!h.is_object()) throw FileError(path + ": expected object, found " + type_name(h));
  auto type_it = h.find("type");
  if (type_it == h.end()) throw FileError(path + ": missing field `type`");
  if (!type_it->is_string()) throw FileError(path + ".type: expected string");
  const std::string type = type_it->get<std::string>();
  if (type == "prompt" || type == "agent") {
    out.warnings.push_back("skipping " + type + " hook in " + file + ": " + type +
                           " hooks are not supported yet");
    return;
  }
  if (type == "mcp_tool") {
    out.warnings.push_back("skipping MCP tool hook in " + file +
                           ": MCP tool hooks are not supported by this server");
    return;
  }
  if (type != "command")
    throw FileError(path + ".type: unknown variant `" + type +
                    "`, expected one of `command`, `mcp_tool`, `prompt`, `agent`");

  HookHandler handler;
  handler.event = info.event;
  auto command_it = h.find("command");
  if (command_it == h.end()) throw FileError(path + ": missing field `command`");
  if (!command_it->is_string()) throw FileError(path + ".command: expected string");
  handler.command = command_it->get<std::string>();

  if (auto t = h.find("timeout"); t != h.end() && !t->is_null()) {
    if (!t->is_number_unsigned() && !(t->is_number_integer() && t->get<std::int64_t>() >= 0))
      throw FileError(path + ".timeout: expected unsigned integer (seconds), found " +
                      (t->is_number() ? t->dump() : std::string(type_name(*t))));
    handler.timeout_sec = std::max<std::int64_t>(1, t->get<std::int64_t>());
  }
  if (auto a = h.find("async"); a != h.end() && !a->is_null()) {
    if (!a->is_boolean()) throw FileError(path + ".async: expected boolean");
    handler.async = a->get<bool>();
  }
  handler.status_message = optional_string(h, "statusMessage", path);

  if (trim_copy(handler.command).empty()) {
    out.warnings.push_back("skipping empty hook command in " + file);
    return;
  }
  if (info.event == HookEventName::sessionEnd) {
    if (!h.contains("timeout") || h["timeout"].is_null()) handler.timeout_sec = 1;
    if (handler.timeout_sec > 3) {
      out.warnings.push_back("clamping SessionEnd hook timeout to 3s in " + file);
      handler.timeout_sec = 3;
    }
    if (handler.async) {
      out.warnings.push_back("running async SessionEnd hook synchronously in " + file);
      handler.async = false;
    }
  }
  if (handler.async) {
    out.warnings.push_back("skipping async hook in " + file +
                           ": async hooks are not supported by this server yet");
    return;
  }

  handler.matcher = Matcher(matcher);
  handler.source_path = file;
  handler.source = source.source;
  handler.display_order = next_order++;
  handler.key = file + ":" + std::string(info.snake) + ":" + std::to_string(group_index) + ":" +
                std::to_string(handler_index);
  handler.current_hash = definition_hash(handler, info);
  out.handlers.push_back(std::move(handler));
}

}  // namespace

std::vector<HookSourceFile> default_sources(const std::filesystem::path& home,
                                            const std::filesystem::path& cwd) {
  std::vector<HookSourceFile> sources;
  sources.push_back({home / "hooks.json", HookSource::user});
  std::error_code ec;
  auto project_dir = cwd / ".codex";
  if (!std::filesystem::equivalent(project_dir, home, ec))
    sources.push_back({project_dir / "hooks.json", HookSource::project});
  return sources;
}

void parse_hooks_json(const std::string& text, const HookSourceFile& source,
                      std::int64_t& next_display_order, HookSet& out) {
  const std::string file = source.path.string();
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Re-parse with exceptions only to get the position of the syntax error.
    std::string detail = "invalid JSON";
    try {
      (void)Json::parse(text);
    } catch (const Json::parse_error& e) {
      detail = e.what();
    }
    out.warnings.push_back("failed to parse hooks config " + file + ": " + detail);
    return;
  }

  HookSet parsed;  // committed only if the whole file parses
  std::int64_t order = next_display_order;
  try {
    if (!doc.is_object()) throw FileError(std::string("<root>: expected object, found ") + type_name(doc));
    for (const auto& [key, value] : doc.items()) {
      if (key != "description" && key != "hooks")
        throw FileError("unknown field `" + key + "`, expected `description` or `hooks`");
      if (key == "description" && !value.is_string() && !value.is_null())
        throw FileError("description: expected string");
    }
    auto hooks_it = doc.find("hooks");
    if (hooks_it != doc.end() && !hooks_it->is_null()) {
      if (!hooks_it->is_object()) throw FileError("hooks: expected object");
      // Walk events in the fixed discovery order, not file order.
      for (const auto& info : all_events()) {
        auto groups_it = hooks_it->find(std::string(info.pascal));
        if (groups_it == hooks_it->end() || groups_it->is_null()) continue;
        const std::string event_path = "hooks." + std::string(info.pascal);
        if (!groups_it->is_array()) throw FileError(event_path + ": expected array");
        for (std::size_t g = 0; g < groups_it->size(); ++g) {
          const Json& group = (*groups_it)[g];
          const std::string group_path = event_path + "[" + std::to_string(g) + "]";
          if (!group.is_object()) throw FileError(group_path + ": expected object");
          std::optional<std::string> matcher = optional_string(group, "matcher", group_path);
          if (!info.uses_matcher) matcher.reset();
          auto handlers_it = group.find("hooks");
          if (handlers_it == group.end() || handlers_it->is_null()) continue;
          if (!handlers_it->is_array()) throw FileError(group_path + ".hooks: expected array");
          if (matcher) {
            Matcher compiled(matcher);
            if (!compiled.error().empty()) {
              parsed.warnings.push_back("invalid matcher \"" + *matcher + "\" in " + file + ": " +
                                        compiled.error());
              continue;
            }
          }
          for (std::size_t h = 0; h < handlers_it->size(); ++h) {
            parse_handler((*handlers_it)[h],
                          group_path + ".hooks[" + std::to_string(h) + "]", info, matcher, g, h,
                          source, order, parsed);
          }
        }
      }
    }
  } catch (const FileError& e) {
    out.warnings.push_back("failed to parse hooks config " + file + ": " + e.what());
    return;
  }
  next_display_order = order;
  for (auto& handler : parsed.handlers) out.handlers.push_back(std::move(handler));
  for (auto& warning : parsed.warnings) out.warnings.push_back(std::move(warning));
}

HookSet discover(const std::vector<HookSourceFile>& sources) {
  HookSet out;
  std::int64_t order = 0;
  for (const auto& source : sources) {
    std::error_code ec;
    if (!std::filesystem::exists(source.path, ec)) continue;
    std::ifstream in(source.path, std::ios::binary);
    if (!in) {
      out.warnings.push_back("failed to read hooks config " + source.path.string() +
                             ": cannot open file");
      continue;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    parse_hooks_json(buffer.str(), source, order, out);
  }
  return out;
}

protocol::v2::HookMetadata to_metadata(const HookHandler& handler) {
  protocol::v2::HookMetadata meta;
  meta.key = handler.key;
  meta.eventName = handler.event;
  meta.command = handler.command;
  meta.async = handler.async;
  meta.matcher = handler.matcher.pattern();
  meta.timeoutSec = handler.timeout_sec;
  meta.statusMessage = handler.status_message;
  meta.sourcePath = handler.source_path;
  meta.source = handler.source;
  meta.displayOrder = handler.display_order;
  meta.enabled = true;
  meta.isManaged = false;
  meta.currentHash = handler.current_hash;
  meta.trustStatus = protocol::v2::HookTrustStatus::trusted;
  return meta;
}

}  // namespace appserver::hooks
