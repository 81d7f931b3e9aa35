// Schema, bundle and docs generation from methods.def; see schema_bundle.hpp.
#include "schema/schema_bundle.hpp"

#include "protocol/json_schema.hpp"
#include "protocol/methods.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace appserver::schema {

namespace fs = std::filesystem;
namespace v2 = protocol::v2;
using protocol::SchemaBuilder;

const std::vector<MethodInfo>& method_table() {
  static const std::vector<MethodInfo> table = [] {
    std::vector<MethodInfo> rows;
    using K = MethodInfo::Kind;
#define REQUEST(handler, wire, Params, Result) rows.push_back({K::request, wire, #Params, #Result, false});
#define CLIENT_NOTIFICATION(handler, wire, Params) \
  rows.push_back({K::client_notification, wire, #Params, "", false});
#define NOTIFICATION(Name, wire, Params, history) \
  rows.push_back({K::notification, wire, #Params, "", std::string_view(#history) == "stored"});
#define SERVER_REQUEST(Name, wire, Params, Result) rows.push_back({K::server_request, wire, #Params, #Result, false});
#include "protocol/methods.def"
    return rows;
  }();
  return table;
}

namespace {

std::string pretty(const Json& json) { return json.dump(2) + "\n"; }

/// Every type named in methods.def → its standalone schema document.
const std::map<std::string, Json>& documents() {
  static const std::map<std::string, Json> docs = [] {
    std::map<std::string, Json> out;
#define REQUEST(handler, wire, Params, Result)                              \
  out[#Params] = protocol::schema_document<v2::Params>(#Params);            \
  out[#Result] = protocol::schema_document<v2::Result>(#Result);
#define CLIENT_NOTIFICATION(handler, wire, Params) \
  out[#Params] = protocol::schema_document<v2::Params>(#Params);
#define NOTIFICATION(Name, wire, Params, history) \
  out[#Params] = protocol::schema_document<v2::Params>(#Params);
#define SERVER_REQUEST(Name, wire, Params, Result)                         \
  out[#Params] = protocol::schema_document<v2::Params>(#Params);            \
  out[#Result] = protocol::schema_document<v2::Result>(#Result);
#include "protocol/methods.def"
    return out;
  }();
  return docs;
}

Json envelope_union(MethodInfo::Kind kind, bool with_id) {
  Json alternatives = Json::array();
  for (const auto& row : method_table()) {
    if (row.kind != kind) continue;
    Json properties = {{"method", {{"type", "string"}, {"enum", {row.method}}}},
                       {"params", {{"$ref", "#/definitions/" + row.params_type}}}};
    Json required = {"method", "params"};
    if (with_id) {
      properties["id"] = Json{{"type", {"string", "integer"}}};
      required.push_back("id");
    }
    alternatives.push_back({{"type", "object"},
                            {"title", row.params_type + "Message"},
                            {"properties", properties},
                            {"required", required}});
  }
  return Json{{"oneOf", alternatives}};
}

Json bundle() {
  SchemaBuilder builder;
#define REQUEST(handler, wire, Params, Result) \
  builder.schema<v2::Params>();                \
  builder.schema<v2::Result>();
#define CLIENT_NOTIFICATION(handler, wire, Params) builder.schema<v2::Params>();
#define NOTIFICATION(Name, wire, Params, history) builder.schema<v2::Params>();
#define SERVER_REQUEST(Name, wire, Params, Result) \
  builder.schema<v2::Params>();                     \
  builder.schema<v2::Result>();
#include "protocol/methods.def"
  Json definitions = builder.definitions();
  // Result types are not referenced by the envelopes; make sure each is present by name.
  for (const auto& [name, doc] : documents()) {
    if (definitions.contains(name)) continue;
    Json copy = doc;
    copy.erase("$schema");
    copy.erase("definitions");
    definitions[name] = copy;
  }
  definitions["ClientRequest"] = envelope_union(MethodInfo::Kind::request, true);
  definitions["ClientNotification"] = envelope_union(MethodInfo::Kind::client_notification, false);
  definitions["ServerNotification"] = envelope_union(MethodInfo::Kind::notification, false);
  definitions["ServerRequest"] = envelope_union(MethodInfo::Kind::server_request, true);
  return Json{{"$schema", protocol::kDraft07},
              {"title", "AppServerProtocolV2"},
              {"description",
               "Every type of the app-server v2 protocol. Generated from protocol/methods.def and "
               "the described C++ types; do not edit."},
              {"definitions", definitions}};
}

}  // namespace

const Json& type_schema(const std::string& type_name) { return documents().at(type_name); }

std::map<std::string, std::string> generate_schema_files() {
  std::map<std::string, std::string> files;
  for (const auto& [name, doc] : documents()) files["v2/" + name + ".json"] = pretty(doc);
  files["app_server_protocol.v2.schemas.json"] = pretty(bundle());
  return files;
}

std::string generate_methods_doc() {
  std::ostringstream out;
  out << "# Methods\n\n"
      << "Generated from `protocol/methods.def` by `app-server generate-json-schema`; do not edit.\n"
      << "Schemas of every type are in `schema/json/v2/<TypeName>.json`.\n\n"
      << "## Requests (client → server)\n\n| method | params | result |\n| --- | --- | --- |\n";
  for (const auto& row : method_table())
    if (row.kind == MethodInfo::Kind::request)
      out << "| `" << row.method << "` | `" << row.params_type << "` | `" << row.result_type << "` |\n";
  out << "\n## Notifications (client → server)\n\n| method | params |\n| --- | --- |\n";
  for (const auto& row : method_table())
    if (row.kind == MethodInfo::Kind::client_notification)
      out << "| `" << row.method << "` | `" << row.params_type << "` |\n";
  out << "\n## Requests (server → client)\n\n| method | params | result |\n| --- | --- | --- |\n";
  for (const auto& row : method_table())
    if (row.kind == MethodInfo::Kind::server_request)
      out << "| `" << row.method << "` | `" << row.params_type << "` | `" << row.result_type << "` |\n";
  out << "\n## Notifications (server → client)\n\n| method | params | stored in thread history |\n"
      << "| --- | --- | --- |\n";
  for (const auto& row : method_table())
    if (row.kind == MethodInfo::Kind::notification)
      out << "| `" << row.method << "` | `" << row.params_type << "` | " << (row.stored ? "yes" : "no")
          << " |\n";
  return out.str();
}

void write_schema_files(const std::string& dir) {
  fs::create_directories(fs::path(dir) / "v2");
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".json") fs::remove(entry.path());
  for (const auto& [path, contents] : generate_schema_files())
    std::ofstream(fs::path(dir) / path, std::ios::binary) << contents;
}

std::vector<std::string> check_schema_files(const std::string& dir) {
  std::vector<std::string> problems;
  const auto expected = generate_schema_files();
  std::set<std::string> present;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      present.insert(fs::relative(entry.path(), dir).generic_string());
  for (const auto& [path, contents] : expected)
    if (!present.count(path)) problems.push_back("missing: " + path);
  for (const auto& path : present)
    if (!expected.count(path)) problems.push_back("stale (no longer generated): " + path);
  if (!problems.empty()) return problems;
  for (const auto& [path, contents] : expected) {
    std::ifstream in(fs::path(dir) / path, std::ios::binary);
    std::string actual((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (actual == contents) continue;
    std::istringstream a(actual), b(contents);
    std::string line_a, line_b;
    int line = 0;
    while (true) {
      ++line;
      bool more_a = static_cast<bool>(std::getline(a, line_a));
      bool more_b = static_cast<bool>(std::getline(b, line_b));
      if (!more_a && !more_b) break;
      if (line_a != line_b || more_a != more_b) {
        problems.push_back("differs: " + path + " line " + std::to_string(line) + "\n  committed: " +
                           (more_a ? line_a : "<end of file>") + "\n  generated: " +
                           (more_b ? line_b : "<end of file>"));
        break;
      }
    }
  }
  return problems;
}

}  // namespace appserver::schema
