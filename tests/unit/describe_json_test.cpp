#include "protocol/describe_json.hpp"
#include "protocol/v2/thread.hpp"

#include <catch2/catch.hpp>

using namespace appserver::protocol;
namespace v2 = appserver::protocol::v2;

TEST_CASE("a turn encodes every field, optional ones as null, unions with their type tag", "[codec]") {
  v2::Turn turn;
  turn.id = "turn-1";
  turn.items.push_back(v2::AgentMessageItem{"item-1", "hi", std::nullopt});
  turn.status = v2::TurnStatus::completed;
  turn.hookRuns.push_back(v2::HookRunSummary{});
  turn.hookRuns[0].entries.push_back({v2::HookOutputEntryKind::context, "ctx"});
  const Json expected = Json::parse(R"({
    "id":"turn-1","rootTurnId":null,
    "items":[{"type":"agentMessage","id":"item-1","text":"hi","phase":null}],
    "itemsView":"notLoaded","status":"completed","error":null,
    "startedAt":null,"completedAt":null,"durationMs":null,
    "hookRuns":[{"id":"","eventName":"stop","handlerType":"command","executionMode":"sync",
      "scope":"turn","sourcePath":"","source":"unknown","displayOrder":0,"status":"running",
      "statusMessage":null,"startedAt":0,"completedAt":null,"durationMs":null,
      "entries":[{"kind":"context","text":"ctx"}]}]})");
  CHECK(encode(turn) == expected);
  CHECK(decode_as<v2::Turn>(expected, "turn") == turn);
}

TEST_CASE("decode errors name the JSON path of the bad value", "[codec]") {
  auto error_of = [](const char* json) {
    try {
      (void)decode_as<v2::TurnStartParams>(Json::parse(json), "params");
    } catch (const DecodeError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of(R"({"input":[]})") == "params.threadId: missing field");
  CHECK(error_of(R"({"threadId":"t","input":[{"type":5}]})") == "params.input[0].type: expected string");
  CHECK(error_of(R"({"threadId":"t","input":[{"type":"image"}]})") ==
        "params.input[0].type: unknown variant `image`, expected one of `text`");
  CHECK(error_of(R"({"threadId":"t","input":[{"type":"text","text":1}]})") ==
        "params.input[0].text: expected string");
  CHECK(error_of(R"({"threadId":"t","input":"x"})") == "params.input: expected array");
}

TEST_CASE("missing optional and collection members decode as empty, unknown ones are ignored", "[codec]") {
  auto params = decode_as<v2::TurnStartParams>(
      Json::parse(R"({"threadId":"t","input":[{"type":"text","text":"hi"}],"collaborationMode":{}})"),
      "params");
  CHECK(params.threadId == "t");
  CHECK_FALSE(params.cwd);
  CHECK(std::get<v2::TextUserInput>(params.input[0]) == v2::TextUserInput{"hi", {}});
}

TEST_CASE("described enums round-trip through their wire names", "[codec]") {
  CHECK(enum_name(v2::HookEventName::userPromptSubmit) == "userPromptSubmit");
  CHECK(enum_from_name<v2::HookSource>("legacyManagedConfigMdm") == v2::HookSource::legacyManagedConfigMdm);
  CHECK_FALSE(enum_from_name<v2::HookSource>("nope"));
  CHECK(enum_names<v2::HookEventName>().size() == 14);
  CHECK(enum_names<v2::HookSource>().size() == 11);
}
