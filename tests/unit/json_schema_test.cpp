#include "protocol/json_schema.hpp"
#include "protocol/methods.hpp"
#include "schema/schema_bundle.hpp"
#include "schema/schema_validator.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace appserver;
using protocol::Json;
namespace v2 = protocol::v2;

TEST_CASE("a struct's schema lists its members, requires the non-optional ones", "[schema]") {
  CHECK(protocol::schema_document<v2::HookOutputEntry>("HookOutputEntry") == Json::parse(R"({
    "$schema":"http://json-schema.org/draft-07/schema#","title":"HookOutputEntry","type":"object",
    "properties":{"kind":{"$ref":"#/definitions/HookOutputEntryKind"},"text":{"type":"string"}},
    "required":["kind","text"],
    "definitions":{"HookOutputEntryKind":{"type":"string",
                   "enum":["warning","stop","feedback","context","error"]}}})"));
}

TEST_CASE("Turn documents hookRuns, optional fields are nullable and not required", "[schema]") {
  Json turn = protocol::schema_document<v2::Turn>("Turn");
  CHECK(turn["required"] == Json{"id", "items", "itemsView", "status", "hookRuns"});
  CHECK(turn["properties"]["hookRuns"]["description"].get<std::string>().rfind(
            "Extension of this server (not in Codex 0.169)", 0) == 0);
  CHECK(turn["properties"]["completedAt"]["type"] == Json{"integer", "null"});
  CHECK(turn["properties"]["error"] ==
        Json::parse(R"({"anyOf":[{"$ref":"#/definitions/TurnError"},{"type":"null"}]})"));
  Json item = turn["definitions"]["ThreadItem"]["oneOf"][0];
  CHECK(item["title"] == "UserMessageItem");
  CHECK(item["properties"]["type"] == Json::parse(R"({"type":"string","enum":["userMessage"]})"));
  Json text_input = turn["definitions"]["UserInput"]["oneOf"][0];
  CHECK(text_input["required"] == Json{"type", "text"});  // text_elements may be omitted
}

TEST_CASE("every params, result and notification type encodes to an instance of its schema", "[schema]") {
  schema::SchemaValidator validator;
  auto check = [&](const char* name, const Json& instance) {
    INFO(name << ": " << instance.dump());
    auto failure = validator.validate_type(name, instance);
    CHECK_FALSE(failure);
    if (failure) FAIL_CHECK(failure->pointer << ": " << failure->rule);
  };
#define REQUEST(handler, wire, Params, Result)      \
  check(#Params, protocol::encode(v2::Params{}));   \
  check(#Result, protocol::encode(v2::Result{}));
#define NOTIFICATION(Name, wire, Params, history) check(#Params, protocol::encode(v2::Params{}));
#define SERVER_REQUEST(Name, wire, Params, Result)  \
  check(#Params, protocol::encode(v2::Params{}));   \
  check(#Result, protocol::encode(v2::Result{}));
#include "protocol/methods.def"
}

TEST_CASE("validation failures name the JSON pointer and the rule, and never throw", "[schema]") {
  schema::SchemaValidator validator;
  v2::HookCompletedNotification n;
  n.threadId = "t";
  n.run.id = "stop:0:/h";
  Json good = protocol::encode(n);
  CHECK_FALSE(validator.validate_notification("hook/completed", good));

  Json bad = good;
  bad["run"]["startedAt"] = "yesterday";
  auto failure = validator.validate_notification("hook/completed", bad);
  REQUIRE(failure);
  CHECK(failure->pointer == "/run/startedAt");
  CHECK(failure->rule == "Value type not permitted by 'type' constraint.");

  bad["run"]["startedAt"] = Json{{"x", 1}};  // valijson's format trap: must not throw
  CHECK(validator.validate_notification("hook/completed", bad));
  bad = good;
  bad.erase("threadId");
  REQUIRE(validator.validate_notification("hook/completed", bad));
  bad = good;
  bad["run"]["eventName"] = "onSomething";
  REQUIRE(validator.validate_notification("hook/completed", bad));
  CHECK(validator.validate_notification("hook/completed", bad)->pointer == "/run/eventName");
  CHECK(validator.validate_notification("no/such", good)->rule == "no schema for notification no/such");
}

TEST_CASE("the method table lists every method once with its types", "[schema]") {
  std::set<std::string> methods;
  for (const auto& row : schema::method_table()) {
    INFO(row.method);
    CHECK(methods.insert(row.method).second);
    CHECK_FALSE(row.params_type.empty());
    const bool has_result = row.kind == schema::MethodInfo::Kind::request ||
                            row.kind == schema::MethodInfo::Kind::server_request;
    CHECK(has_result == !row.result_type.empty());
  }
  CHECK(methods.count("hook/completed"));
  CHECK(schema::generate_methods_doc().find("| `turn/start` | `TurnStartParams` | `TurnStartResponse` |") !=
        std::string::npos);
}
