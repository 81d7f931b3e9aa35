// hooks.json discovery; see hook_config.hpp.
#include "hooks/hook_config.hpp"

#include "protocol/json_parse.hpp"

#include "hooks/hook_events.hpp"
#include "hooks/hook_output.hpp"

#include <nlohmann/json.hpp>
#include <nettle/sha2.h>

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

}  // namespace

std::string sha256_hex(std::string_view data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (std::uint8_t byte : digest) {
    out += hex[byte >> 4];
    out += hex[byte & 0xf];
  }
  return out;
}

namespace {

/// `sha256:<hex>` of the canonical JSON of a handler (hooks-spec.md §1.4).
std::string definition_hash(const HookHandler& h, const EventInfo& info) {
  Json handler = {{"type", "command"}, {"timeout", h.timeout_sec}, {"async", h.async}};
  if (h.argv.empty()) handler["command"] = h.command;
  else handler["argv"] = h.argv;
  if (h.status_message) handler["statusMessage"] = *h.status_message;
  if (h.additional_context_limit && *h.additional_context_limit != kDefaultContextLimit)
    handler["additionalContextLimit"] = *h.additional_context_limit;
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

/// Events whose output can carry additionalContext (the only ones honouring its limit).
bool emits_context(HookEventName e) {
  return e == HookEventName::preToolUse || e == HookEventName::postToolUse ||
         e == HookEventName::sessionStart || e == HookEventName::userPromptSubmit ||
         e == HookEventName::subagentStart;
}

/// Session-teardown events keep shutdown bounded: default 1 s, at most 3 s, never async.
void normalise_teardown(HookHandler& handler, bool timeout_given, const std::string& file,
                        HookSet& out) {
  if (handler.event != HookEventName::sessionEnd && handler.event != HookEventName::interrupt) return;
  const char* name = handler.event == HookEventName::sessionEnd ? "SessionEnd" : "Interrupt";
  if (!timeout_given) handler.timeout_sec = handler.event == HookEventName::sessionEnd ? 1 : 3;
  if (handler.timeout_sec > 3) {
    out.warnings.push_back(std::string("clamping ") + name + " hook timeout to 3s in " + file);
    handler.timeout_sec = 3;
  }
  if (handler.async) {
    out.warnings.push_back(std::string("running async ") + name + " hook synchronously in " + file);
    handler.async = false;
  }
}

/// Fills identity fields and appends the handler.
void commit_handler(HookHandler handler, const EventInfo& info, std::size_t group_index,
                    std::size_t handler_index, const HookSourceFile& source, std::int64_t& next_order,
                    HookSet& out) {
  handler.source_path = source.path.string();
  handler.source = source.source;
  handler.is_managed = source.managed;
  handler.trust_status = source.managed ? HookTrustStatus::managed : HookTrustStatus::untrusted;
  handler.display_order = next_order++;
  handler.key = handler.source_path + ":" + std::string(info.snake) + ":" + std::to_string(group_index) +
                ":" + std::to_string(handler_index);
  handler.current_hash = definition_hash(handler, info);
  out.handlers.push_back(std::move(handler));
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
  if (auto l = h.find("additionalContextLimit"); l != h.end() && !l->is_null()) {
    if (!l->is_number_unsigned() && !(l->is_number_integer() && l->get<std::int64_t>() >= 0))
      throw FileError(path + ".additionalContextLimit: expected unsigned integer, found " + l->dump());
    if (emits_context(info.event))
      handler.additional_context_limit = l->get<std::int64_t>();
    else
      out.warnings.push_back("ignoring additionalContextLimit for " + std::string(info.pascal) +
                             " hook in " + file + ": this event cannot emit additionalContext");
  }

  if (trim_copy(handler.command).empty()) {
    out.warnings.push_back("skipping empty hook command in " + file);
    return;
  }
  normalise_teardown(handler, h.contains("timeout") && !h["timeout"].is_null(), file, out);
  handler.matcher = Matcher(matcher);
  commit_handler(std::move(handler), info, group_index, handler_index, source, next_order, out);
}

/// Parses the matcher groups of one event (`info`) from `{<EventName>: [MatcherGroup…]}`. Throws FileError.
void parse_events(const Json& hooks, const std::string& prefix, const HookSourceFile& source,
                  std::int64_t& order, HookSet& parsed, const EventInfo& info) {
  const std::string file = source.path.string();
  auto groups_it = hooks.find(std::string(info.pascal));
  if (groups_it == hooks.end() || groups_it->is_null()) return;
  const std::string event_path = prefix + std::string(info.pascal);
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
    for (std::size_t h = 0; h < handlers_it->size(); ++h)
      parse_handler((*handlers_it)[h], group_path + ".hooks[" + std::to_string(h) + "]", info, matcher,
                    g, h, source, order, parsed);
  }
}

/// Quotes one argument for display as a POSIX shell word.
std::string shell_word(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789_-./=:,+@%") == std::string::npos)
    return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// The seed design's `[hooks]` keys (argv form) and the events they name.
const std::map<std::string, HookEventName>& seed_keys() {
  using E = HookEventName;
  static const std::map<std::string, HookEventName> keys = {
      {"session_start", E::sessionStart}, {"user_prompt_submit", E::userPromptSubmit},
      {"pre_tool_use", E::preToolUse},     {"post_tool_use", E::postToolUse},
      {"stop", E::stop},                   {"pre_compact", E::preCompact},
      {"session_end", E::sessionEnd},      {"subagent_start", E::subagentStart},
      {"subagent_stop", E::subagentStop}};
  return keys;
}

/// Commits parsed handlers and warnings of one carrier to `out`.
void commit(HookSet& parsed, std::int64_t order, std::int64_t& next_display_order, HookSet& out) {
  next_display_order = order;
  for (auto& handler : parsed.handlers) out.handlers.push_back(std::move(handler));
  for (auto& warning : parsed.warnings) out.warnings.push_back(std::move(warning));
}

}  // namespace

void parse_hooks_json(const std::string& text, const HookSourceFile& source,
                      std::int64_t& next_display_order, HookSet& out) {
  const std::string file = source.path.string();
  auto bounded = protocol::parse_bounded(text);
  if (!bounded.ok()) {
    out.warnings.push_back("failed to parse hooks config " + file + ": " + bounded.error);
    return;
  }
  Json doc = std::move(bounded.value);

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
      for (const auto& info : all_events()) parse_events(*hooks_it, "hooks.", source, order, parsed, info);
    }
  } catch (const FileError& e) {
    out.warnings.push_back("failed to parse hooks config " + file + ": " + e.what());
    return;
  }
  commit(parsed, order, next_display_order, out);
}

void parse_toml_hooks(const Json& table, const HookSourceFile& source, std::int64_t& next_display_order,
                      HookSet& out) {
  const std::string file = source.path.string();
  HookSet parsed;
  std::int64_t order = next_display_order;
  try {
    for (const auto& [key, value] : table.items()) {
      if (event_from_config_key(key) || seed_keys().count(key)) continue;
      const bool snake = !key.empty() && key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
      if (snake)  // unknown PascalCase events are ignored as Codex does; snake_case is a typo
        throw FileError("unknown hook event `" + key +
                        "`, expected one of `session_start`, `user_prompt_submit`, `pre_tool_use`, "
                        "`post_tool_use`, `stop`, `pre_compact`, `session_end`, `subagent_start`, "
                        "`subagent_stop` (argv form) or a PascalCase event table");
    }
    for (const auto& info : all_events()) {
      parse_events(table, "hooks.", source, order, parsed, info);
      for (const auto& [key, event] : seed_keys()) {
        if (event != info.event || !table.contains(key)) continue;
        const Json& argv = table[key];
        if (!argv.is_array() || argv.empty())
          throw FileError("hooks." + key + ": expected a non-empty array of strings (argv)");
        HookHandler handler;
        handler.event = info.event;
        for (const auto& arg : argv) {
          if (!arg.is_string()) throw FileError("hooks." + key + ": expected a non-empty array of strings (argv)");
          handler.argv.push_back(arg.get<std::string>());
          handler.command += (handler.command.empty() ? "" : " ") + shell_word(handler.argv.back());
        }
        normalise_teardown(handler, false, file, parsed);
        const auto groups = table.find(std::string(info.pascal));
        const std::size_t group = groups != table.end() && groups->is_array() ? groups->size() : 0;
        commit_handler(std::move(handler), info, group, 0, source, order, parsed);
      }
    }
  } catch (const FileError& e) {
    out.warnings.push_back("failed to parse TOML hooks in " + file + ": " + e.what());
    return;
  }
  commit(parsed, order, next_display_order, out);
}

void apply_states(HookSet& set, const HookStates& states) {
  for (auto& handler : set.handlers) {
    if (handler.is_managed) continue;
    auto it = states.find(handler.key);
    handler.enabled = true;
    handler.trust_status = HookTrustStatus::untrusted;
    if (it == states.end()) continue;
    if (it->second.enabled == false) handler.enabled = false;
    if (it->second.trusted_hash)
      handler.trust_status = *it->second.trusted_hash == handler.current_hash ? HookTrustStatus::trusted
                                                                              : HookTrustStatus::modified;
  }
}

std::size_t HookSet::not_running() const {
  std::size_t n = 0;
  for (const auto& h : handlers) n += h.runs(bypass_trust) ? 0 : 1;
  return n;
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
  meta.additionalContextLimit = handler.additional_context_limit;
  meta.enabled = handler.enabled;
  meta.isManaged = handler.is_managed;
  meta.currentHash = handler.current_hash;
  meta.trustStatus = handler.trust_status;
  return meta;
}

}  // namespace appserver::hooks
