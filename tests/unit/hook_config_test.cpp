#include "hooks/hook_config.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace appserver::hooks;
using appserver::protocol::v2::HookEventName;
using appserver::protocol::v2::HookSource;

namespace {
HookSet parse(const std::string& text, const std::string& path = "/p/hooks.json") {
  HookSet out;
  std::int64_t order = 0;
  parse_hooks_json(text, HookSourceFile{path, HookSource::user}, order, out);
  return out;
}
}  // namespace

TEST_CASE("handlers are listed in the fixed event order with keys, defaults and source", "[config]") {
  auto set = parse(R"({"description":"d","hooks":{
      "Stop":[{"hooks":[{"type":"command","command":"stop.sh"}]}],
      "SessionStart":[{"matcher":"startup","hooks":[
          {"type":"command","command":"a.sh","timeout":5,"statusMessage":"Loading"},
          {"type":"command","command":"b.sh","timeout":0}]}],
      "Notification":[{"hooks":[{"type":"command","command":"ignored.sh"}]}]}})");
  CHECK(set.warnings.empty());
  REQUIRE(set.handlers.size() == 3);
  const auto& a = set.handlers[0];
  CHECK(a.event == HookEventName::sessionStart);
  CHECK(a.command == "a.sh");
  CHECK(a.timeout_sec == 5);
  CHECK(a.status_message == std::optional<std::string>("Loading"));
  CHECK(a.key == "/p/hooks.json:session_start:0:0");
  CHECK(a.display_order == 0);
  CHECK(a.source == HookSource::user);
  CHECK(a.source_path == "/p/hooks.json");
  CHECK(a.matcher.pattern() == std::optional<std::string>("startup"));
  CHECK(a.current_hash.rfind("sha256:", 0) == 0);
  CHECK(set.handlers[1].key == "/p/hooks.json:session_start:0:1");
  CHECK(set.handlers[1].timeout_sec == 1);  // 0 is raised to 1
  CHECK(set.handlers[2].event == HookEventName::stop);
  CHECK(set.handlers[2].timeout_sec == kDefaultTimeoutSec);
  CHECK(set.handlers[2].display_order == 2);
}

TEST_CASE("an unknown top-level key drops the file with a warning naming file and key", "[config]") {
  auto set = parse(R"({"version":1,"hooks":{"Stop":[{"hooks":[{"type":"command","command":"x"}]}]}})");
  CHECK(set.handlers.empty());
  CHECK(set.warnings == std::vector<std::string>{
      "failed to parse hooks config /p/hooks.json: unknown field `version`, expected `description` or `hooks`"});
}

TEST_CASE("an unknown handler type or a mistyped field drops the file, naming the field", "[config]") {
  CHECK(parse(R"({"hooks":{"Stop":[{"hooks":[{"type":"http","url":"x"}]}]}})").warnings ==
        std::vector<std::string>{"failed to parse hooks config /p/hooks.json: hooks.Stop[0].hooks[0].type: "
                                 "unknown variant `http`, expected one of `command`, `mcp_tool`, `prompt`, `agent`"});
  CHECK(parse(R"({"hooks":{"Stop":[{"hooks":[{"type":"command","command":"x","timeout":"5"}]}]}})").warnings ==
        std::vector<std::string>{"failed to parse hooks config /p/hooks.json: hooks.Stop[0].hooks[0].timeout: "
                                 "expected unsigned integer (seconds), found string"});
  CHECK(parse(R"({"hooks":{"Stop":[{"hooks":[{"type":"command"}]}]}})").warnings ==
        std::vector<std::string>{"failed to parse hooks config /p/hooks.json: hooks.Stop[0].hooks[0]: missing field `command`"});
  auto syntax = parse(R"({"hooks":)");
  REQUIRE(syntax.warnings.size() == 1);
  CHECK(syntax.warnings[0].rfind("failed to parse hooks config /p/hooks.json: ", 0) == 0);
}

TEST_CASE("prompt and agent handlers, empty commands and bad matchers are skipped with warnings", "[config]") {
  auto set = parse(R"({"hooks":{
      "PreToolUse":[{"matcher":"[","hooks":[{"type":"command","command":"never"}]},
                    {"matcher":"Bash","hooks":[{"type":"command","command":"  "},
                                                {"type":"prompt","prompt":"x"},
                                                {"type":"agent"},
                                                {"type":"command","command":"kept"}]}],
      "UserPromptSubmit":[{"matcher":"[","hooks":[{"type":"command","command":"ups"}]}]}})");
  REQUIRE(set.handlers.size() == 2);
  CHECK(set.handlers[0].command == "kept");
  CHECK(set.handlers[0].key == "/p/hooks.json:pre_tool_use:1:3");
  CHECK(set.handlers[0].display_order == 0);
  CHECK(set.handlers[1].command == "ups");
  CHECK_FALSE(set.handlers[1].matcher.pattern());  // ignored for UserPromptSubmit
  REQUIRE(set.warnings.size() == 4);
  CHECK(set.warnings[0].rfind("invalid matcher \"[\" in /p/hooks.json: ", 0) == 0);
  CHECK(set.warnings[1] == "skipping empty hook command in /p/hooks.json");
  CHECK(set.warnings[2] == "skipping prompt hook in /p/hooks.json: prompt hooks are not supported yet");
  CHECK(set.warnings[3] == "skipping agent hook in /p/hooks.json: agent hooks are not supported yet");
}

TEST_CASE("SessionEnd timeouts default to 1s and are clamped to 3s", "[config]") {
  auto set = parse(R"({"hooks":{"SessionEnd":[{"hooks":[{"type":"command","command":"a"},
                                                          {"type":"command","command":"b","timeout":60}]}]}})");
  REQUIRE(set.handlers.size() == 2);
  CHECK(set.handlers[0].timeout_sec == 1);
  CHECK(set.handlers[1].timeout_sec == 3);
  CHECK(set.warnings == std::vector<std::string>{"clamping SessionEnd hook timeout to 3s in /p/hooks.json"});
}

TEST_CASE("sha256_hex gives the FIPS 180-2 test vectors in lowercase hex", "[config]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
