#include "protocol/jsonrpc.hpp"

#include <catch2/catch.hpp>

using namespace appserver::protocol;

TEST_CASE("a request keeps its id exactly as sent and defaults params to an object", "[jsonrpc]") {
  auto numeric = parse_message(R"({"id":7,"method":"thread/start","params":{"cwd":"/x"}})");
  auto& request = std::get<IncomingRequest>(numeric);
  CHECK(request.id == Json(7));
  CHECK(request.method == "thread/start");
  CHECK(request.params == Json{{"cwd", "/x"}});

  auto string_id = parse_message(R"({"jsonrpc":"2.0","id":"startup-1","method":"config/read"})");
  auto& with_string = std::get<IncomingRequest>(string_id);
  CHECK(with_string.id == Json("startup-1"));
  CHECK(with_string.params == Json::object());
}

TEST_CASE("malformed JSON is a parse error with a null id", "[jsonrpc]") {
  auto rejected = std::get<Rejected>(parse_message("{not json"));
  CHECK(rejected.id.is_null());
  CHECK(rejected.error.code == ErrorCode::ParseError);
}

TEST_CASE("batches, scalars and objects without a method are invalid requests", "[jsonrpc]") {
  for (const char* text : {R"([{"id":1,"method":"a"}])", "42", R"({"id":3})", R"({"id":{},"method":"a"})"}) {
    INFO(text);
    auto rejected = std::get<Rejected>(parse_message(text));
    CHECK(rejected.error.code == ErrorCode::InvalidRequest);
  }
  CHECK(std::get<Rejected>(parse_message(R"({"id":3})")).id == Json(3));
}

TEST_CASE("notifications and responses are classified", "[jsonrpc]") {
  CHECK(std::get<IncomingNotification>(parse_message(R"({"method":"initialized"})")).method ==
        "initialized");
  auto response = std::get<IncomingResponse>(parse_message(R"({"id":0,"result":{"decision":"accept"}})"));
  CHECK(response.result == Json{{"decision", "accept"}});
  CHECK_FALSE(response.error);
}

TEST_CASE("output omits the jsonrpc member and carries emittedAtMs on notifications", "[jsonrpc]") {
  CHECK(Json::parse(make_response("a", Json{{"ok", true}})) ==
        Json::parse(R"({"id":"a","result":{"ok":true}})"));
  CHECK(Json::parse(make_error(nullptr, parse_error("invalid JSON"))) ==
        Json::parse(R"({"id":null,"error":{"code":-32700,"message":"Parse error: invalid JSON"}})"));
  CHECK(Json::parse(make_notification("turn/started", Json::object(), 1234)) ==
        Json::parse(R"({"method":"turn/started","params":{},"emittedAtMs":1234})"));
}

TEST_CASE("a notification built from pre-serialised params is byte-identical", "[jsonrpc]") {
  const Json params = Json::parse(R"({"threadId":"t","turn":{"id":"x","items":[]}})");
  CHECK(make_notification_text("turn/started", params.dump(), 1234) == make_notification("turn/started", params, 1234));
}

TEST_CASE("envelopes are byte-identical to dumping the whole message as one object", "[jsonrpc]") {
  // The writers build envelopes as text; the bytes must stay those of nlohmann's sorted dump.
  const Json params = Json::parse(R"({"b":[1,"\u00e9"],"a":{"z":null}})");
  CHECK(make_response(7, params) == Json{{"id", 7}, {"result", params}}.dump());
  CHECK(make_error("r", invalid_request("no")) ==
        Json{{"id", "r"}, {"error", invalid_request("no").to_json()}}.dump());
  CHECK(make_request(3, "item/tool/call", params) ==
        Json{{"id", 3}, {"method", "item/tool/call"}, {"params", params}}.dump());
  CHECK(make_notification("item/agentMessage/delta", params, -5) ==
        Json{{"method", "item/agentMessage/delta"}, {"params", params}, {"emittedAtMs", -5}}.dump());
  // A method that needs escaping still yields valid JSON.
  CHECK(make_notification("odd\"name\\", params, 1) ==
        Json{{"method", "odd\"name\\"}, {"params", params}, {"emittedAtMs", 1}}.dump());
}
