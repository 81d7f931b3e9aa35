// Everything generated from protocol/methods.def and the described v2 types: the JSON Schema
// files committed under schema/json/, the method table page docs/methods.md, and the table of
// which schema applies to which message (used for validation).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace appserver::schema {

using Json = nlohmann::json;

/// One row of methods.def.
struct MethodInfo {
  enum class Kind { request, client_notification, notification, server_request };
  Kind kind;
  std::string method;       // wire name, e.g. "turn/start"
  std::string params_type;  // e.g. "TurnStartParams"
  std::string result_type;  // requests only, e.g. "TurnStartResponse"
  bool stored = false;      // notifications: kept in thread history
};

/// Every row of methods.def, in table order.
const std::vector<MethodInfo>& method_table();

/// Generated files, relative path → exact contents (2-space JSON, sorted keys, trailing
/// newline): `v2/<TypeName>.json` for every params/result/notification type, and the bundle
/// `app_server_protocol.v2.schemas.json`.
std::map<std::string, std::string> generate_schema_files();

/// The schema document of one type by its name (e.g. "HookCompletedNotification").
/// Throws std::out_of_range for unknown names.
const Json& type_schema(const std::string& type_name);

/// docs/methods.md: every method and notification with its params/result type names.
std::string generate_methods_doc();

/// Writes generate_schema_files() under `dir` (stale *.json files there are removed).
void write_schema_files(const std::string& dir);

/// Compares `dir` with what would be generated: file set first, then contents. Returns the
/// problems found (empty = up to date).
std::vector<std::string> check_schema_files(const std::string& dir);

}  // namespace appserver::schema
