// Depth-bounded parsing: the limit, exactly, and what the caller gets past it.
#include "protocol/json_parse.hpp"
#include "protocol/jsonrpc.hpp"

#include <catch2/catch.hpp>

using namespace appserver::protocol;

namespace {
std::string arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }
}  // namespace

TEST_CASE("a value exactly 128 levels deep parses, one level more is refused", "[json_parse]") {
  auto at_limit = parse_bounded(arrays(kMaxJsonDepth));
  CHECK(at_limit.ok());
  CHECK(json_depth(at_limit.value) == kMaxJsonDepth);
  auto over = parse_bounded(arrays(kMaxJsonDepth + 1));
  CHECK_FALSE(over.ok());
  CHECK(over.too_deep);
  CHECK(over.error == "nesting deeper than 128 levels");
  CHECK(parse_or_discard(arrays(kMaxJsonDepth + 1)).is_discarded());
}

TEST_CASE("600,000 levels are refused without building them, and shallow members survive", "[json_parse]") {
  const std::string deep = R"({"id":7,"method":"m","params":)" + std::string(600000, '[') + std::string(600000, ']') + "}";
  auto parsed = parse_bounded(deep);
  CHECK(parsed.too_deep);
  CHECK(parsed.value["id"] == 7);
  CHECK(parsed.value["method"] == "m");
  CHECK(json_depth(parsed.value) <= kMaxJsonDepth);
}

TEST_CASE("syntax errors say where, and are not reported as depth", "[json_parse]") {
  auto parsed = parse_bounded(R"({"a":})");
  CHECK_FALSE(parsed.too_deep);
  CHECK(parsed.value.is_discarded());
  CHECK(parsed.error.rfind("syntax error at byte 6", 0) == 0);
  CHECK(parse_bounded<nlohmann::ordered_json>(R"({"b":1,"a":2})").value.dump() == R"({"b":1,"a":2})");
}

TEST_CASE("an over-deep JSON-RPC request is refused with its own id", "[json_parse]") {
  IncomingMessage message = parse_message(R"({"id":"x","method":"thread/start","params":{"a":)" + arrays(200) + "}}");
  auto* rejected = std::get_if<Rejected>(&message);
  REQUIRE(rejected);
  CHECK(rejected->id == Json("x"));
  CHECK(rejected->error.message == "Invalid request: JSON nested deeper than 128 levels");
  CHECK(rejected->error.code == ErrorCode::InvalidRequest);
}
