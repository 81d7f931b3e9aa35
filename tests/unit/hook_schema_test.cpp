// The payloads the engine writes on a hook's stdin match the reference's input schemas
// (schema/hooks/*.command.input, vendored from Codex 0.169), for every event it has one for;
// and every committed schema compiles.
#include "hooks/hook_events.hpp"
#include "hooks/hook_input.hpp"
#include "hooks/hook_schemas.hpp"
#include "server/hook_test/sample_event.hpp"

#include <catch2/catch.hpp>

using namespace appserver;
using hooks::HookEventName;

TEST_CASE("every event's sample payload validates against the reference's input schema", "[hook-schema]") {
  std::size_t checked = 0;
  for (const auto& info : hooks::all_events()) {
    for (bool approval_never : {false, true}) {
      auto sample = hook_test::default_sample(info.event, "/home/me/project", "gpt-5", approval_never);
      const nlohmann::json payload = nlohmann::json::parse(hook_test::sample_payload(sample));
      INFO(info.pascal << " " << payload.dump());
      CHECK(payload["hook_event_name"] == std::string(info.pascal));
      const auto* schema = hooks::hook_input_schema(info.event);
      if (!schema) {  // Pre/PostModelRequest: the reference ships none
        CHECK((info.event == HookEventName::preModelRequest || info.event == HookEventName::postModelRequest));
        continue;
      }
      const auto failure = schema->validate(payload);
      CHECK_FALSE(failure);
      if (failure) FAIL_CHECK(failure->pointer << ": " << failure->rule);
      ++checked;
    }
  }
  CHECK(checked == 24);
}

TEST_CASE("an ephemeral thread's payload (transcript_path null) and a real one both validate", "[hook-schema]") {
  hooks::HookInputContext c{"thread-1", "turn-1", "", "/w", "gpt-5", "default"};
  const auto* schema = hooks::hook_input_schema(HookEventName::stop);
  REQUIRE(schema);
  CHECK_FALSE(schema->validate(nlohmann::json::parse(hooks::stop_input(c, false, std::nullopt))));
  c.transcript_path = "/home/me/.app-server/sessions/thread-1.jsonl";
  CHECK_FALSE(schema->validate(nlohmann::json::parse(hooks::stop_input(c, true, std::string("done")))));
}

TEST_CASE("every event but SessionEnd has an output schema, and each document is the one compiled", "[hook-schema]") {
  for (const auto& info : hooks::all_events()) {
    INFO(info.pascal);
    const bool has_output = hooks::hook_output_schema(info.event) != nullptr;
    CHECK(has_output == (info.event != HookEventName::sessionEnd));
    if (const auto* doc = hooks::hook_schema_document(info.event, true))
      CHECK((*doc)["title"] == std::string(info.kebab) + ".command.output");
  }
}
