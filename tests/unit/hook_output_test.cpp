#include "hooks/hook_output.hpp"

#include <catch2/catch.hpp>

using namespace appserver::hooks;
using appserver::protocol::v2::HookEventName;
using appserver::protocol::v2::HookOutputEntry;
using appserver::protocol::v2::HookOutputEntryKind;
using appserver::protocol::v2::HookRunStatus;
using K = HookOutputEntryKind;
using S = HookRunStatus;

namespace {
CommandResult exited(int code, std::string out, std::string err = "") {
  CommandResult r;
  r.exit_code = code;
  r.stdout_text = std::move(out);
  r.stderr_text = std::move(err);
  return r;
}

struct Expected {
  S status;
  std::vector<HookOutputEntry> entries;
  std::vector<std::string> contexts;
  bool stop = false;
  bool block = false;
  std::string reason;
};

void check(HookEventName event, const CommandResult& result, const Expected& want) {
  auto got = interpret_command_result(event, result, 5);
  CHECK(got.status == want.status);
  CHECK(got.entries == want.entries);
  CHECK(got.contexts == want.contexts);
  CHECK(got.should_stop == want.stop);
  CHECK(got.should_block == want.block);
  CHECK(got.reason == want.reason);
}
}  // namespace

TEST_CASE("SessionStart: plain stdout and additionalContext become context", "[output]") {
  check(HookEventName::sessionStart, exited(0, ""), {S::completed});
  check(HookEventName::sessionStart, exited(0, "  notes for the agent\n"),
        {S::completed, {{K::context, "notes for the agent"}}, {"notes for the agent"}});
  check(HookEventName::sessionStart,
        exited(0, R"({"systemMessage":"hi","hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"C"}})"),
        {S::completed, {{K::warning, "hi"}, {K::context, "C"}}, {"C"}});
  check(HookEventName::sessionStart, exited(0, R"({"continue":false,"stopReason":"no"})"),
        {S::stopped, {{K::stop, "no"}}, {}, true});
  check(HookEventName::sessionStart, exited(2, "", "why"), {S::failed, {{K::error, "hook exited with code 2"}}});
  check(HookEventName::sessionStart, exited(0, R"({"decision":"block"})"),
        {S::failed, {{K::error, "hook returned invalid session start JSON output"}}});
}

TEST_CASE("UserPromptSubmit: block, exit 2 and continue:false all stop the prompt", "[output]") {
  check(HookEventName::userPromptSubmit,
        exited(0, R"({"decision":"block","reason":" R ","systemMessage":"S"})"),
        {S::blocked, {{K::warning, "S"}, {K::feedback, "R"}}, {}, true, true, "R"});
  check(HookEventName::userPromptSubmit, exited(2, "ignored", " stderr reason\n"),
        {S::blocked, {{K::feedback, "stderr reason"}}, {}, true, true, "stderr reason"});
  check(HookEventName::userPromptSubmit,
        exited(0, R"({"continue":false,"stopReason":"SR","systemMessage":"S"})"),
        {S::stopped, {{K::warning, "S"}, {K::stop, "SR"}}, {}, true});
  check(HookEventName::userPromptSubmit, exited(2, "", "  "),
        {S::failed,
         {{K::error, "UserPromptSubmit hook exited with code 2 but did not write a blocking reason to stderr"}}});
  check(HookEventName::userPromptSubmit,
        exited(0, R"({"decision":"block","hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"C"}})"),
        {S::failed, {{K::error, "UserPromptSubmit hook returned decision:block without a non-empty reason"}}});
}

TEST_CASE("UserPromptSubmit: context is kept when blocking; plain text is context", "[output]") {
  check(HookEventName::userPromptSubmit,
        exited(0, R"({"decision":"block","reason":"R","hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"C"}})"),
        {S::blocked, {{K::context, "C"}, {K::feedback, "R"}}, {"C"}, true, true, "R"});
  check(HookEventName::userPromptSubmit, exited(0, "plain words\n"),
        {S::completed, {{K::context, "plain words"}}, {"plain words"}});
}

TEST_CASE("strict output validation: unknown or mistyped fields fail the run", "[output]") {
  const Expected invalid{S::failed, {{K::error, "hook returned invalid user prompt submit JSON output"}}};
  for (const char* out : {R"({"unexpectedField":true})", R"({"systemMessage":123})", "[]", "{",
                          R"({"continue":null})", R"({"decision":"approve"})",
                          R"({"hookSpecificOutput":{"additionalContext":"no event name"}})",
                          R"({"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":5}})",
                          R"({"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","updatedInput":{}}})"}) {
    INFO(out);
    check(HookEventName::userPromptSubmit, exited(0, out), invalid);
  }
}

TEST_CASE("Stop: block continues with the reason; continue:false wins over block", "[output]") {
  check(HookEventName::stop, exited(0, R"({"decision":"block","reason":" go on "})"),
        {S::blocked, {{K::feedback, "go on"}}, {}, false, true, "go on"});
  check(HookEventName::stop, exited(0, R"({"decision":"block","reason":"R","continue":false})"),
        {S::stopped, {}, {}, true});
  check(HookEventName::stop, exited(2, "stdout ignored", "continue please"),
        {S::blocked, {{K::feedback, "continue please"}}, {}, false, true, "continue please"});
  check(HookEventName::stop, exited(0, "plain text"),
        {S::failed, {{K::error, "hook returned invalid stop hook JSON output"}}});
  check(HookEventName::stop, exited(0, R"({"decision":"block","reason":"  "})"),
        {S::failed, {{K::error, "Stop hook returned decision:block without a non-empty reason"}}});
  check(HookEventName::stop, exited(0, R"({"hookSpecificOutput":{"hookEventName":"Stop"}})"),
        {S::failed, {{K::error, "hook returned invalid stop hook JSON output"}}});
  check(HookEventName::stop, exited(0, R"({"continue":true,"systemMessage":"done"})"),
        {S::completed, {{K::warning, "done"}}});
}

TEST_CASE("runner failures: exit codes, signals, timeouts and spawn errors", "[output]") {
  check(HookEventName::stop, exited(1, "", "boom"), {S::failed, {{K::error, "hook exited with code 1"}}});
  CommandResult killed;
  check(HookEventName::stop, killed, {S::failed, {{K::error, "hook exited without a status code"}}});
  CommandResult timed_out;
  timed_out.timed_out = true;
  check(HookEventName::stop, timed_out, {S::failed, {{K::error, "hook timed out after 5s"}}});
  CommandResult spawn_failed;
  spawn_failed.error = "No such file or directory (os error 2)";
  check(HookEventName::stop, spawn_failed,
        {S::failed, {{K::error, "No such file or directory (os error 2)"}}});
}
