// Hook output warnings; see output_lint.hpp. The validator (valijson, through
// schema::CompiledSchema) decides what is wrong; this file only words it: it walks the
// committed schema document to say what a field should be, and repairs a working copy of the
// output after each report so that one validation round per problem names them all (valijson
// names one unknown property per object).
#include "hooks/output_lint.hpp"

#include "hooks/hook_events.hpp"
#include "hooks/hook_output.hpp"
#include "hooks/hook_output_rules.hpp"
#include "hooks/hook_schemas.hpp"
#include "protocol/json_parse.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace appserver::hooks {

namespace {

using Json = nlohmann::json;

constexpr int kMaxRounds = 32;  // one per problem found; an output with more gets the first 32

std::string json_quoted(std::string_view text) { return Json(std::string(text)).dump(); }

/// "/hookSpecificOutput/additionalContext" → "hookSpecificOutput.additionalContext".
std::string dotted(const Json::json_pointer& pointer) {
  std::string out;
  for (Json::json_pointer p = pointer; !p.empty(); p = p.parent_pointer())
    out = p.back() + (out.empty() ? "" : "." + out);
  return out;
}

std::vector<std::string> tokens(const Json::json_pointer& pointer) {
  std::vector<std::string> out;
  for (Json::json_pointer p = pointer; !p.empty(); p = p.parent_pointer()) out.insert(out.begin(), p.back());
  return out;
}

/// Follows `$ref` (to `#/definitions/…`) and one-element `allOf` wrappers.
const Json* resolve(const Json& root, const Json* node) {
  for (int i = 0; node && node->is_object() && i < 8; ++i) {
    if (auto ref = node->find("$ref"); ref != node->end() && ref->is_string()) {
      const std::string& target = ref->get_ref<const std::string&>();
      const std::string prefix = "#/definitions/";
      if (target.rfind(prefix, 0) != 0) return nullptr;
      auto defs = root.find("definitions");
      if (defs == root.end()) return nullptr;
      auto def = defs->find(target.substr(prefix.size()));
      node = def == defs->end() ? nullptr : &*def;
    } else if (auto all = node->find("allOf"); all != node->end() && all->is_array() && all->size() == 1) {
      node = &(*all)[0];
    } else {
      break;
    }
  }
  return node;
}

/// The property schema at `path` (each token a property name) and whether it defaults to null.
struct SchemaSpot {
  const Json* node = nullptr;
  bool nullable = false;
};

SchemaSpot schema_at(const Json& root, const std::vector<std::string>& path) {
  SchemaSpot spot{resolve(root, &root), false};
  for (const auto& name : path) {
    if (!spot.node || !spot.node->is_object()) return {};
    auto properties = spot.node->find("properties");
    if (properties == spot.node->end()) return {};
    auto property = properties->find(name);
    if (property == properties->end()) return {};
    auto d = property->find("default");
    spot.nullable = property->is_object() && d != property->end() && d->is_null();
    spot.node = resolve(root, &*property);
  }
  return spot;
}

std::vector<std::string> property_names(const Json* node) {
  std::vector<std::string> out;
  if (!node || !node->is_object()) return out;
  if (auto properties = node->find("properties"); properties != node->end())
    for (const auto& [name, _] : properties->items()) out.push_back(name);
  return out;
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

std::string type_words(const std::string& type) {
  if (type == "string") return "a string";
  if (type == "boolean") return "a boolean (true or false)";
  if (type == "object") return "an object";
  if (type == "array") return "an array";
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  return type;
}

std::string expected_text(const SchemaSpot& spot) {
  const Json* node = spot.node;
  std::string text;
  if (!node || !node->is_object()) {
    text = "any JSON value";
  } else if (auto c = node->find("const"); c != node->end()) {
    text = c->dump();
  } else if (auto e = node->find("enum"); e != node->end() && e->is_array()) {
    std::vector<std::string> values;
    for (const auto& v : *e) values.push_back(v.dump());
    text = values.size() == 1 ? values[0] : "one of " + join(values);
  } else if (auto t = node->find("type"); t != node->end()) {
    std::vector<std::string> types;
    if (t->is_string()) types.push_back(type_words(*t));
    else for (const auto& one : *t) if (one.is_string()) types.push_back(type_words(one));
    text = join(types, " or ");
  } else {
    text = "any JSON value";
  }
  return spot.nullable ? text + " (or null)" : text;
}

std::string got_text(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: {
      std::string s = value.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return "the string " + json_quoted(s);
    }
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    default: return value.dump();
  }
}

/// Whether `value` meets the type/enum/const of `node` itself (not its members).
bool shallow_match(const SchemaSpot& spot, const Json& value) {
  if (value.is_null() && spot.nullable) return true;
  const Json* node = spot.node;
  if (!node || !node->is_object()) return true;
  if (auto c = node->find("const"); c != node->end() && *c != value) return false;
  if (auto e = node->find("enum"); e != node->end() && e->is_array() &&
                                   std::find(e->begin(), e->end(), value) == e->end())
    return false;
  auto t = node->find("type");
  if (t == node->end()) return true;
  auto is = [&](const std::string& type) {
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    if (type == "null") return value.is_null();
    return true;
  };
  if (t->is_string()) return is(*t);
  for (const auto& one : *t)
    if (one.is_string() && is(one)) return true;
  return false;
}

std::string normalized(std::string_view key) {
  std::string out;
  for (char c : key)
    if (c != '_' && c != '-' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// The candidate a misspelt `key` most likely meant: same letters ignoring case and `_`/`-`,
/// else within 2 edits (1 for short keys).
std::optional<std::string> closest(const std::string& key, const std::vector<std::string>& candidates) {
  for (const auto& c : candidates)
    if (normalized(c) == normalized(key)) return c;
  std::optional<std::string> best;
  std::size_t best_distance = key.size() >= 6 ? 3 : 2;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(normalized(c), normalized(key));
    if (d < best_distance) best_distance = d, best = c;
  }
  return best;
}

class Linter {
 public:
  Linter(HookEventName event, const Json& schema_document, const schema::CompiledSchema& schema)
      : event_(event), name_(event_info(event).pascal), doc_(schema_document), schema_(schema) {}

  void check(Json work, std::vector<OutputWarning>& out) {
    if (!schema_.validate(work)) return;  // the common case: valijson's fast path, no error collection
    for (int round = 0; round < kMaxRounds; ++round) {
      const auto failures = schema_.failures(work);
      if (failures.empty()) return;
      bool changed = false;
      std::set<std::string> value_pointers;
      for (const auto& failure : failures) {
        const std::string& rule = failure.rule;
        const Json::json_pointer at(failure.pointer == "/" ? "" : failure.pointer);
        if (rule.rfind("Object contains a property", 0) == 0 || rule.rfind("Missing required property", 0) == 0) {
          // The name is the last '…' of the text (valijson quotes keywords before it).
          const auto close = rule.rfind('\'');
          const auto open = close == std::string::npos || close == 0 ? std::string::npos : rule.rfind('\'', close - 1);
          if (open == std::string::npos) continue;
          const std::string key = rule.substr(open + 1, close - open - 1);
          if (!work.contains(at) || !work[at].is_object()) continue;
          if (rule[0] == 'O') {
            if (!work[at].contains(key)) continue;
            unknown_field(at, key, out);
            work[at].erase(key);
          } else {
            if (work[at].contains(key)) continue;
            missing_field(at, key, out);
            const SchemaSpot spot = schema_at(doc_, with(tokens(at), key));
            work[at][key] = placeholder(spot);
          }
          changed = true;
        } else if (rule.rfind("Value type not permitted", 0) == 0 || rule.rfind("Failed to match", 0) == 0) {
          value_pointers.insert(failure.pointer == "/" ? "" : failure.pointer);
        }
      }
      for (const auto& pointer : value_pointers) {
        const Json::json_pointer at(pointer);
        if (at.empty() || !work.contains(at)) continue;
        const SchemaSpot spot = schema_at(doc_, tokens(at));
        if (shallow_match(spot, work[at])) continue;  // the real problem is inside it
        wrong_value(at, work[at], spot, out);
        if (at.back() == "hookEventName") work[at] = std::string(name_);
        else work[at.parent_pointer()].erase(at.back());
        changed = true;
      }
      if (!changed) return;
    }
  }

 private:
  static std::vector<std::string> with(std::vector<std::string> path, const std::string& key) {
    path.push_back(key);
    return path;
  }

  static Json placeholder(const SchemaSpot& spot) {
    if (spot.node && spot.node->is_object()) {
      if (auto c = spot.node->find("const"); c != spot.node->end()) return *c;
      if (auto e = spot.node->find("enum"); e != spot.node->end() && e->is_array() && !e->empty()) return (*e)[0];
    }
    return nullptr;
  }

  std::string prefix() const { return std::string(name_) + " hook output: "; }

  std::string where(const Json::json_pointer& at) const {
    return at.empty() ? "the output" : dotted(at);
  }

  /// Which events' output accepts `key` at `path`, other than this one.
  std::vector<std::string> events_reading(const std::vector<std::string>& path, const std::string& key) const {
    std::vector<std::string> out;
    for (const auto& info : all_events()) {
      if (info.event == event_) continue;
      const Json* document = hook_schema_document(info.event, true);
      if (!document) continue;
      const auto names = property_names(schema_at(*document, path).node);
      if (std::find(names.begin(), names.end(), key) != names.end()) out.emplace_back(info.pascal);
    }
    return out;
  }

  void unknown_field(const Json::json_pointer& at, const std::string& key, std::vector<OutputWarning>& out) {
    const auto path = tokens(at);
    const auto here = property_names(schema_at(doc_, path).node);
    std::string text = prefix() + "unknown field " + json_quoted(dotted(at / key));
    const std::vector<std::string> top = {}, specific = {"hookSpecificOutput"};
    const auto& other_path = path.empty() ? specific : top;
    const auto there = property_names(schema_at(doc_, other_path).node);
    const std::string other_in = path.empty() ? "in hookSpecificOutput" : "at the top level";
    if (auto guess = closest(key, here)) {
      text += "; did you mean " + json_quoted(*guess) + "?";
    } else if (path.size() <= 1 && std::find(there.begin(), there.end(), key) != there.end()) {
      text += "; " + json_quoted(key) + " belongs " + other_in;
    } else if (auto elsewhere = path.size() <= 1 ? closest(key, there) : std::nullopt) {
      text += "; did you mean " + json_quoted(*elsewhere) + " " + other_in + "?";
    } else if (const auto readers = events_reading(path, key); !readers.empty()) {
      text += readers.size() <= 5 ? "; only " + join(readers, "/") + " hooks read it"
                                  : "; " + std::string(name_) + " hooks do not read it";
    }
    text += " (" + where(at) + " takes " + (here.empty() ? std::string("no fields") : join(here)) + ")";
    out.push_back({std::move(text), true});
  }

  void missing_field(const Json::json_pointer& at, const std::string& key, std::vector<OutputWarning>& out) {
    const SchemaSpot spot = schema_at(doc_, with(tokens(at), key));
    out.push_back({prefix() + json_quoted(dotted(at / key)) + " is required (" + expected_text(spot) + ")", true});
  }

  void wrong_value(const Json::json_pointer& at, const Json& value, const SchemaSpot& spot,
                   std::vector<OutputWarning>& out) {
    if (at.back() == "hookEventName" && value.is_string()) {
      if (auto named = event_from_config_key(value.get<std::string>())) {
        // The reference reads any known event name here (it does not compare it): accepted.
        out.push_back({prefix() + json_quoted(dotted(at)) + " is " + json_quoted(value.get<std::string>()) +
                           " but this is a " + std::string(name_) + " hook; the output is read as " +
                           std::string(name_) + "'s",
                       false});
        return;
      }
    }
    out.push_back({prefix() + json_quoted(dotted(at)) + " must be " + expected_text(spot) + ", got " + got_text(value),
                   true});
  }

  HookEventName event_;
  std::string_view name_;
  const Json& doc_;
  const schema::CompiledSchema& schema_;
};

bool is_tool_event(HookEventName e) {
  return e == HookEventName::preToolUse || e == HookEventName::permissionRequest || e == HookEventName::postToolUse;
}

bool present(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

/// Fields the schema accepts that do nothing for this event (only asked of accepted output).
void ineffective_fields(HookEventName event, const Json& out, bool async, std::vector<OutputWarning>& warnings) {
  const std::string name(event_info(event).pascal);
  auto warn = [&](std::string text) { warnings.push_back({name + " hook output: " + std::move(text), false}); };
  const Json specific = out.contains("hookSpecificOutput") && out["hookSpecificOutput"].is_object()
                            ? out["hookSpecificOutput"] : Json::object();
  const bool stops = out.value("continue", true) == false;
  if (async) {
    std::vector<std::string> control;
    if (stops) control.push_back("\"continue\": false");
    if (present(out, "decision")) control.push_back("\"decision\"");
    for (const char* key : {"permissionDecision", "updatedInput", "decision"})
      if (present(specific, key)) control.push_back(json_quoted(std::string("hookSpecificOutput.") + key));
    if (!control.empty())
      warn(join(control) + " does nothing: async hooks cannot block, stop or rewrite (remove \"async\": true "
           "for it to apply)");
    return;
  }
  if (out.value("suppressOutput", false) == true && !is_tool_event(event))
    warn("\"suppressOutput\" does nothing for " + name + " hooks (accepted and ignored)");
  if (present(out, "stopReason") && !stops && event != HookEventName::preToolUse &&
      event != HookEventName::permissionRequest)
    warn("\"stopReason\" does nothing without \"continue\": false");
  if (stops && event == HookEventName::subagentStart)
    warn("\"continue\": false does nothing for SubagentStart hooks: they cannot stop the turn");
  if (event == HookEventName::preToolUse &&
      (present(specific, "permissionDecision") || present(specific, "permissionDecisionReason") ||
       present(specific, "updatedInput")) &&
      (present(out, "decision") || present(out, "reason")))
    warn("top-level \"decision\" and \"reason\" do nothing when hookSpecificOutput has permissionDecision, "
         "permissionDecisionReason or updatedInput");
  if (event == HookEventName::preToolUse && specific.value("permissionDecision", Json()) == "allow" &&
      present(specific, "permissionDecisionReason"))
    warn("\"hookSpecificOutput.permissionDecisionReason\" does nothing with permissionDecision \"allow\"");
  if (event == HookEventName::permissionRequest && specific.contains("decision") && specific["decision"].is_object() &&
      specific["decision"].value("behavior", Json()) == "allow" && present(specific["decision"], "message"))
    warn("\"hookSpecificOutput.decision.message\" does nothing with behavior \"allow\"");
}

std::string json_example(HookEventName event) {
  const std::string name(event_info(event).pascal);
  const Json* document = hook_schema_document(event, true);
  const auto specific = document ? property_names(schema_at(*document, {"hookSpecificOutput"}).node)
                                 : std::vector<std::string>{};
  if (std::find(specific.begin(), specific.end(), "additionalContext") != specific.end())
    return "{\"hookSpecificOutput\": {\"hookEventName\": \"" + name + "\", \"additionalContext\": \"...\"}}";
  const auto top = document ? property_names(schema_at(*document, {}).node) : std::vector<std::string>{};
  if (std::find(top.begin(), top.end(), "decision") != top.end())
    return "{\"decision\": \"block\", \"reason\": \"...\"}";
  return "{\"systemMessage\": \"...\"}";
}

}  // namespace

std::vector<OutputWarning> lint_hook_output(HookEventName event, const CommandResult& result, bool async,
                                            const protocol::BoundedParse<nlohmann::json>* given) {
  std::vector<OutputWarning> out;
  if (result.timed_out || result.cancelled || !result.exit_code) return out;
  const std::string name(event_info(event).pascal);
  const EventWords words = words_for(event);
  const std::string stdout_text = trim_copy(result.stdout_text);
  const int code = *result.exit_code;
  if (code == 2) {
    if (async)
      out.push_back({name + " hook exited with code 2, an ordinary failure for async hooks: they cannot block", false});
    else if (!words.exit2_without_reason)
      out.push_back({name + " hook exited with code 2, which has no special meaning for " + name +
                         " hooks: the run counts as failed",
                     false});
    else if (!stdout_text.empty())
      out.push_back({name + " hook output: stdout is ignored when the hook exits with code 2; the reason is read "
                            "from stderr",
                     false});
    return out;
  }
  if (code != 0) {
    if (!stdout_text.empty())
      out.push_back({name + " hook output: stdout is ignored when the hook exits with code " + std::to_string(code) +
                         "; exit 0 for it to be read",
                     false});
    return out;
  }
  if (stdout_text.empty()) return out;
  const bool looks_like_json = stdout_text.front() == '{' || stdout_text.front() == '[';
  if (event == HookEventName::sessionEnd) {
    if (looks_like_json) out.push_back({"SessionEnd hook output: ignored (SessionEnd hooks cannot change anything)", false});
    return out;
  }
  if (!looks_like_json) {
    if (words.plain_text_is_context) return out;
    if (words.plain_text_is_failure && !(async && event == HookEventName::stop))
      out.push_back({name + " hook output: plain text fails the run; print a JSON object or nothing (for example " +
                         json_example(event) + ")",
                     true});
    else
      out.push_back({name + " hook output: plain text does nothing for " + name + " hooks; print a JSON object (for "
                            "example " + json_example(event) + ")",
                     false});
    return out;
  }
  std::optional<protocol::BoundedParse<Json>> own;
  const auto& parsed = given ? *given : own.emplace(protocol::parse_bounded(stdout_text));
  if (parsed.too_deep) return out;  // the run's own error says so
  if (!parsed.ok()) {
    out.push_back({name + " hook output: not valid JSON (" + parsed.error + ")", true});
    return out;
  }
  if (!parsed.value.is_object()) {
    out.push_back({name + " hook output: must be a JSON object, got " + got_text(parsed.value), true});
    return out;
  }
  const Json* document = hook_schema_document(event, true);
  const schema::CompiledSchema* schema = hook_output_schema(event);
  if (document && schema) Linter(event, *document, *schema).check(parsed.value, out);
  const bool rejected = std::any_of(out.begin(), out.end(), [](const auto& w) { return w.rejects_output; });
  if (!rejected) ineffective_fields(event, parsed.value, async, out);
  return out;
}

}  // namespace appserver::hooks
