// Embedded hook schemas; see hook_schemas.hpp.
#include "hooks/hook_schemas.hpp"

#include "hooks/hook_events.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace appserver::hooks {

const std::map<std::string_view, std::string_view>& embedded_hook_schemas();  // generated

namespace {

using Json = nlohmann::json;

std::string key_of(HookEventName event, bool output) {
  return std::string(event_info(event).kebab) + (output ? ".command.output" : ".command.input");
}

/// `"default": null` properties accept null, at every level (definitions included).
void accept_null_defaults(Json& node) {
  if (node.is_array()) {
    for (auto& child : node) accept_null_defaults(child);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, child] : node.items()) accept_null_defaults(child);
  auto properties = node.find("properties");
  if (properties == node.end() || !properties->is_object()) return;
  for (auto& [name, property] : properties->items()) {
    auto d = property.find("default");
    if (d == property.end() || !d->is_null()) continue;
    Json original = property;
    original.erase("default");
    property = Json{{"anyOf", Json::array({Json{{"type", "null"}}, std::move(original)})}};
  }
}

struct Compiled {
  std::map<std::string, Json> documents;
  std::map<std::string, std::unique_ptr<schema::CompiledSchema>> schemas;
};

const Compiled& compiled() {
  static const Compiled all = [] {
    Compiled c;
    for (const auto& [key, text] : embedded_hook_schemas()) {
      Json document = Json::parse(text);  // committed files; a broken one fails every test
      Json prepared = document;
      if (std::string_view(key).ends_with(".output")) accept_null_defaults(prepared);
      c.schemas.emplace(std::string(key), std::make_unique<schema::CompiledSchema>(std::move(prepared)));
      c.documents.emplace(std::string(key), std::move(document));
    }
    return c;
  }();
  return all;
}

const schema::CompiledSchema* find_schema(HookEventName event, bool output) {
  const auto& schemas = compiled().schemas;
  auto it = schemas.find(key_of(event, output));
  return it == schemas.end() ? nullptr : it->second.get();
}

}  // namespace

const Json* hook_schema_document(HookEventName event, bool output) {
  const auto& documents = compiled().documents;
  auto it = documents.find(key_of(event, output));
  return it == documents.end() ? nullptr : &it->second;
}

const schema::CompiledSchema* hook_output_schema(HookEventName event) { return find_schema(event, true); }
const schema::CompiledSchema* hook_input_schema(HookEventName event) { return find_schema(event, false); }

}  // namespace appserver::hooks
