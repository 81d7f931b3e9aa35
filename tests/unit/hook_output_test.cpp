#include "hooks/hook_output.hpp"
#include "hooks/output_lint.hpp"

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

/// `want.entries` are the reference's; our output warnings (output_lint_test.cpp) follow them.
void check(HookEventName event, const CommandResult& result, const Expected& want) {
  auto got = interpret_command_result(event, result, 5);
  CHECK(got.status == want.status);
  std::vector<HookOutputEntry> entries = want.entries;
  for (const auto& warning : lint_hook_output(event, result, false)) entries.push_back({K::warning, warning.message});
  CHECK(got.entries == entries);
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

TEST_CASE("UserPromptSubmit: context is kept when blocking, plain text is context", "[output]") {
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

TEST_CASE("Stop: block continues with the reason, continue:false wins over block", "[output]") {
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

TEST_CASE("PreToolUse: deny, legacy block and exit 2 block, invalid decisions fail open", "[output]") {
  const auto E = HookEventName::preToolUse;
  check(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":" no "}})"),
        {S::blocked, {{K::feedback, "no"}}, {}, false, true, "no"});
  check(E, exited(0, R"({"decision":"block","reason":"legacy"})"), {S::blocked, {{K::feedback, "legacy"}}, {}, false, true, "legacy"});
  check(E, exited(2, "", "from stderr"), {S::blocked, {{K::feedback, "from stderr"}}, {}, false, true, "from stderr"});
  check(E, exited(2, "", " "), {S::failed, {{K::error, "PreToolUse hook exited with code 2 but did not write a blocking reason to stderr"}}});
  const std::pair<const char*, const char*> invalid[] = {
      {R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}})", "PreToolUse hook returned unsupported permissionDecision:allow"},
      {R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask"}})", "PreToolUse hook returned unsupported permissionDecision:ask"},
      {R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","updatedInput":{"command":"x"}}})", "PreToolUse hook returned updatedInput without permissionDecision:allow"},
      {R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny"}})", "PreToolUse hook returned permissionDecision:deny without a non-empty permissionDecisionReason"},
      {R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecisionReason":"why"}})", "PreToolUse hook returned permissionDecisionReason without permissionDecision"},
      {R"({"decision":"approve"})", "PreToolUse hook returned unsupported decision:approve"},
      {R"({"decision":"block"})", "PreToolUse hook returned decision:block without a non-empty reason"},
      {R"({"reason":"why"})", "PreToolUse hook returned reason without decision"},
      {R"({"continue":false})", "PreToolUse hook returned unsupported continue:false"},
      {R"({"suppressOutput":true})", "PreToolUse hook returned unsupported suppressOutput"},
  };
  for (const auto& [out, text] : invalid) {
    INFO(out);
    check(E, exited(0, out), {S::failed, {{K::error, text}}});
  }
  auto rewrite = interpret_command_result(
      E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":{"command":"ls"},"additionalContext":"ctx"}})"), 5);
  CHECK(rewrite.status == S::completed);
  CHECK(rewrite.updated_input == std::optional<nlohmann::json>(nlohmann::json{{"command", "ls"}}));
  CHECK(rewrite.contexts == std::vector<std::string>{"ctx"});
  check(E, exited(0, "plain text is ignored"), {S::completed});
  check(E, exited(0, "{broken"), {S::failed, {{K::error, "hook returned invalid pre-tool-use JSON output"}}});
}

TEST_CASE("PermissionRequest: allow, deny with message or default, exit 2, reserved fields fail", "[output]") {
  const auto E = HookEventName::permissionRequest;
  auto allow = interpret_command_result(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}})"), 5);
  CHECK(allow.status == S::completed);
  CHECK(allow.verdict == std::optional<std::string>("allow"));
  check(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"nope"}}})"),
        {S::blocked, {{K::feedback, "nope"}}, {}, false, true, "nope"});
  check(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny"}}})"),
        {S::blocked, {{K::feedback, "PermissionRequest hook denied approval"}}, {}, false, true, "PermissionRequest hook denied approval"});
  CHECK(interpret_command_result(E, exited(2, "", "denied by exit 2"), 5).verdict == std::optional<std::string>("deny"));
  check(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow","updatedInput":{}}}})"),
        {S::failed, {{K::error, "PermissionRequest hook returned unsupported updatedInput"}}});
  check(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","interrupt":true}}})"),
        {S::failed, {{K::error, "PermissionRequest hook returned unsupported interrupt:true"}}});
  check(E, exited(0, R"({"systemMessage":"no decision"})"), {S::completed, {{K::warning, "no decision"}}});
}

TEST_CASE("PostToolUse: block and exit 2 replace the output, continue:false stops with feedback", "[output]") {
  const auto E = HookEventName::postToolUse;
  check(E, exited(0, R"({"decision":"block","reason":"hidden"})"), {S::blocked, {{K::feedback, "hidden"}}, {}, false, true, "hidden"});
  check(E, exited(2, "", "bad output"), {S::blocked, {{K::feedback, "bad output"}}, {}, false, true, "bad output"});
  check(E, exited(0, R"({"continue":false,"stopReason":"enough"})"), {S::stopped, {{K::stop, "enough"}}, {}, false, true, "enough"});
  check(E, exited(0, R"({"continue":false})"),
        {S::stopped, {{K::stop, "PostToolUse hook stopped execution"}}, {}, false, true, "PostToolUse hook stopped execution"});
  check(E, exited(0, R"({"decision":"block"})"), {S::failed, {{K::error, "PostToolUse hook returned decision:block without a non-empty reason"}}});
  check(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PostToolUse","updatedMCPToolOutput":{}}})"),
        {S::failed, {{K::error, "PostToolUse hook returned unsupported updatedMCPToolOutput"}}});
  check(E, exited(0, R"({"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"after"}})"),
        {S::completed, {{K::context, "after"}}, {"after"}});
}

TEST_CASE("Interrupt and model-request hooks are observe-only", "[output]") {
  check(HookEventName::interrupt, exited(0, R"({"systemMessage":"bye"})"), {S::completed, {{K::warning, "bye"}}});
  check(HookEventName::interrupt, exited(0, R"({"continue":true})"), {S::failed, {{K::error, "hook returned invalid interrupt hook JSON output"}}});
  check(HookEventName::interrupt, exited(0, "text"), {S::failed, {{K::error, "Interrupt hook returned non-JSON stdout"}}});
  check(HookEventName::preModelRequest, exited(0, R"({"continue":false})"),
        {S::failed, {{K::error, "PreModelRequest hook returned unsupported continue:false"}}});
  check(HookEventName::postModelRequest, exited(0, R"({"systemMessage":"seen"})"), {S::completed, {{K::warning, "seen"}}});
}

TEST_CASE("PreCompact and PostCompact: continue:false stops, failures report stderr", "[output]") {
  using E = HookEventName;
  check(E::preCompact, exited(0, R"({"continue":false})"),
        {S::stopped, {{K::stop, "PreCompact hook stopped execution"}}, {}, true});
  check(E::postCompact, exited(0, R"({"continue":false,"stopReason":"keep it"})"),
        {S::stopped, {{K::stop, "keep it"}}, {}, true});
  check(E::preCompact, exited(0, R"({"decision":"block"})"),
        {S::failed, {{K::error, "hook returned invalid PreCompact hook JSON output"}}});
  check(E::postCompact, exited(0, "compacted, fine"), {S::completed, {}});
  check(E::preCompact, exited(2, "", "  not now \n"), {S::failed, {{K::error, "not now"}}});
  check(E::preCompact, exited(3, ""), {S::failed, {{K::error, "hook exited with code 3"}}});
  CommandResult killed;
  check(E::postCompact, killed, {S::failed, {{K::error, "hook process terminated without an exit code"}}});
}

TEST_CASE("SessionEnd ignores whatever a successful hook prints", "[output]") {
  check(HookEventName::sessionEnd, exited(0, R"({"decision":"block","reason":"no"})"), {S::completed, {}});
  check(HookEventName::sessionEnd, exited(0, "{ garbage"), {S::completed, {}});
  check(HookEventName::sessionEnd, exited(1, "", "cleanup failed"), {S::failed, {{K::error, "cleanup failed"}}});
}

TEST_CASE("SubagentStart keeps context and ignores continue:false, SubagentStop blocks like Stop", "[output]") {
  check(HookEventName::subagentStart, exited(0, "plain context\n"),
        {S::completed, {{K::context, "plain context"}}, {"plain context"}});
  check(HookEventName::subagentStart,
        exited(0, R"({"continue":false,"hookSpecificOutput":{"hookEventName":"SubagentStart","additionalContext":"c"}})"),
        {S::completed, {{K::context, "c"}}, {"c"}});
  check(HookEventName::subagentStop, exited(0, R"({"decision":"block","reason":" again "})"),
        {S::blocked, {{K::feedback, "again"}}, {}, false, true, "again"});
  check(HookEventName::subagentStop, exited(0, R"({"decision":"block"})"),
        {S::failed, {{K::error, "SubagentStop hook returned decision:block without a non-empty reason"}}});
  check(HookEventName::subagentStop, exited(2, ""),
        {S::failed, {{K::error, "SubagentStop hook exited with code 2 but did not write a continuation prompt to stderr"}}});
  check(HookEventName::subagentStop, exited(0, "plain"),
        {S::failed, {{K::error, "hook returned invalid subagent stop hook JSON output"}}});
}

TEST_CASE("async handlers cannot block, stop or rewrite, and keep their context", "[output][async]") {
  auto run = [](HookEventName e, const CommandResult& r) { return interpret_command_result(e, r, 5, true); };
  // allow without updatedInput fails a sync hook; an async one keeps its context.
  auto a = run(HookEventName::preToolUse,
               exited(0, R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","additionalContext":"ctx"}})"));
  CHECK(a.status == S::completed);
  CHECK(a.entries == std::vector<HookOutputEntry>{
                         {K::context, "ctx"},
                         {K::warning, "PreToolUse hook output: \"hookSpecificOutput.permissionDecision\" does nothing: "
                                      "async hooks cannot block, stop or rewrite (remove \"async\": true for it to apply)"}});
  CHECK_FALSE(a.should_block);
  CHECK_FALSE(a.updated_input);
  // exit 2 is an ordinary failure.
  auto b = run(HookEventName::userPromptSubmit, exited(2, "", "no"));
  CHECK(b.status == S::failed);
  CHECK_FALSE(b.should_stop);
  CHECK(b.entries == std::vector<HookOutputEntry>{
                         {K::error, "hook exited with code 2"},
                         {K::warning, "UserPromptSubmit hook exited with code 2, an ordinary failure for async hooks: "
                                      "they cannot block"}});
  // block without a reason: completed, context kept; entries are context, error, warning.
  auto c = run(HookEventName::userPromptSubmit,
               exited(0, R"({"decision":"block","systemMessage":"w","hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"x"}})"));
  CHECK(c.status == S::completed);
  CHECK(c.entries == std::vector<HookOutputEntry>{
                         {K::context, "x"},
                         {K::warning, "w"},
                         {K::warning, "UserPromptSubmit hook output: \"decision\" does nothing: async hooks cannot "
                                      "block, stop or rewrite (remove \"async\": true for it to apply)"}});
  // Stop: plain text is ignored; JSON-looking garbage still fails.
  CHECK(run(HookEventName::stop, exited(0, "plain")).status == S::completed);
  CHECK(run(HookEventName::stop, exited(0, "{bad")).status == S::failed);
}

TEST_CASE("null where the reference's Option fields allow it is read as absent, and never throws", "[output]") {
  // These threw nlohmann type errors out of the engine (and out of the io thread) before.
  check(HookEventName::permissionRequest, exited(0, R"({"hookSpecificOutput":null})"), {S::completed});
  check(HookEventName::postToolUse,
        exited(0, R"({"hookSpecificOutput":{"hookEventName":"PostToolUse","updatedMCPToolOutput":null}})"),
        {S::completed});
  // A bool with a default is not an Option: null is invalid, as for the reference's serde.
  check(HookEventName::permissionRequest,
        exited(0, R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","interrupt":null}}})"),
        {S::failed, {{K::error, "hook returned invalid permission-request JSON output"}}});
  // An event without hookSpecificOutput does not know the key, even with null.
  check(HookEventName::stop, exited(0, R"({"hookSpecificOutput":null})"),
        {S::failed, {{K::error, "hook returned invalid stop hook JSON output"}}});
}
