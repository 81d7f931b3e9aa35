// The warnings a hook author gets for output that is almost right (hooks/output_lint.hpp),
// one TEST_CASE per class, whole texts compared; and the proof that they never disagree with
// the engine: a warning says "rejected" exactly when the engine fails the run as invalid.
#include "hooks/hook_events.hpp"
#include "hooks/hook_output.hpp"
#include "hooks/hook_output_rules.hpp"
#include "hooks/output_lint.hpp"

#include <catch2/catch.hpp>

using namespace appserver::hooks;
using appserver::protocol::v2::HookOutputEntryKind;
using appserver::protocol::v2::HookRunStatus;
using E = HookEventName;

namespace {
CommandResult exited(int code, std::string out) {
  CommandResult r;
  r.exit_code = code;
  r.stdout_text = std::move(out);
  return r;
}

struct W {
  std::string message;
  bool rejects;
  bool operator==(const W&) const = default;
};

std::vector<W> lint(E event, const std::string& stdout_text, int code = 0, bool async = false) {
  std::vector<W> out;
  for (auto& w : lint_hook_output(event, exited(code, stdout_text), async)) out.push_back({w.message, w.rejects_output});
  return out;
}
}  // namespace

namespace Catch {
template <>
struct StringMaker<W> {
  static std::string convert(const W& w) { return (w.rejects ? "[rejects] " : "[ignored] ") + w.message; }
};
}  // namespace Catch

TEST_CASE("lint: output the reference reads as intended gets no warning", "[lint]") {
  CHECK(lint(E::stop, "").empty());
  CHECK(lint(E::stop, R"({"decision":"block","reason":"run the tests"})").empty());
  CHECK(lint(E::preToolUse, R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no"}})").empty());
  CHECK(lint(E::userPromptSubmit, "plain text is context here").empty());
  CHECK(lint(E::sessionStart, R"({"systemMessage":null,"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"c"}})").empty());
  CHECK(lint(E::permissionRequest, R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","message":"m"}}})").empty());
}

TEST_CASE("lint: a misspelt key names the field, the likely key and what the object takes", "[lint]") {
  CHECK(lint(E::stop, R"({"decison":"block","reason":"x"})") ==
        std::vector<W>{{"Stop hook output: unknown field \"decison\"; did you mean \"decision\"? (the output takes "
                        "continue, decision, reason, stopReason, suppressOutput, systemMessage)",
                        true}});
  CHECK(lint(E::userPromptSubmit,
             R"({"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additional_context":"x"}})") ==
        std::vector<W>{{"UserPromptSubmit hook output: unknown field \"hookSpecificOutput.additional_context\"; did "
                        "you mean \"additionalContext\"? (hookSpecificOutput takes additionalContext, hookEventName)",
                        true}});
}

TEST_CASE("lint: every unknown key of an output is named, not only the first", "[lint]") {
  CHECK(lint(E::stop, R"({"decison":"block","reasn":"x","foo":1})") ==
        std::vector<W>{
            {"Stop hook output: unknown field \"decison\"; did you mean \"decision\"? (the output takes continue, "
             "decision, reason, stopReason, suppressOutput, systemMessage)",
             true},
            {"Stop hook output: unknown field \"foo\" (the output takes continue, decision, reason, stopReason, "
             "suppressOutput, systemMessage)",
             true},
            {"Stop hook output: unknown field \"reasn\"; did you mean \"reason\"? (the output takes continue, "
             "decision, reason, stopReason, suppressOutput, systemMessage)",
             true}});
}

TEST_CASE("lint: a field at the wrong level says where it belongs", "[lint]") {
  CHECK(lint(E::sessionStart, R"({"additionalContext":"x"})") ==
        std::vector<W>{{"SessionStart hook output: unknown field \"additionalContext\"; \"additionalContext\" belongs "
                        "in hookSpecificOutput (the output takes continue, hookSpecificOutput, stopReason, "
                        "suppressOutput, systemMessage)",
                        true}});
  CHECK(lint(E::preToolUse, R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","decision":"block"}})") ==
        std::vector<W>{{"PreToolUse hook output: unknown field \"hookSpecificOutput.decision\"; \"decision\" belongs at "
                        "the top level (hookSpecificOutput takes additionalContext, hookEventName, permissionDecision, "
                        "permissionDecisionReason, updatedInput)",
                        true}});
}

TEST_CASE("lint: a field of another event says which events read it", "[lint]") {
  CHECK(lint(E::userPromptSubmit,
             R"({"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","permissionDecision":"deny"}})") ==
        std::vector<W>{{"UserPromptSubmit hook output: unknown field \"hookSpecificOutput.permissionDecision\"; only "
                        "PreToolUse hooks read it (hookSpecificOutput takes additionalContext, hookEventName)",
                        true}});
  CHECK(lint(E::interrupt, R"({"continue":true})") ==
        std::vector<W>{{"Interrupt hook output: unknown field \"continue\"; Interrupt hooks do not read it (the output "
                        "takes systemMessage)",
                        true}});
}

TEST_CASE("lint: a value of the wrong type or outside the allowed set says what is expected", "[lint]") {
  CHECK(lint(E::stop, R"({"continue":"false"})") ==
        std::vector<W>{{"Stop hook output: \"continue\" must be a boolean (true or false), got the string \"false\"", true}});
  CHECK(lint(E::stop, R"({"decision":"deny","reason":"r"})") ==
        std::vector<W>{{"Stop hook output: \"decision\" must be \"block\" (or null), got the string \"deny\"", true}});
  CHECK(lint(E::preToolUse, R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"block"}})") ==
        std::vector<W>{{"PreToolUse hook output: \"hookSpecificOutput.permissionDecision\" must be one of \"allow\", "
                        "\"deny\", \"ask\" (or null), got the string \"block\"",
                        true}});
  CHECK(lint(E::sessionStart, R"({"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":["a"]}})") ==
        std::vector<W>{{"SessionStart hook output: \"hookSpecificOutput.additionalContext\" must be a string (or null), "
                        "got an array",
                        true}});
}

TEST_CASE("lint: a missing required field names it and its value", "[lint]") {
  CHECK(lint(E::preToolUse, R"({"hookSpecificOutput":{"permissionDecision":"deny","permissionDecisionReason":"no"}})") ==
        std::vector<W>{{"PreToolUse hook output: \"hookSpecificOutput.hookEventName\" is required (\"PreToolUse\")", true}});
  CHECK(lint(E::permissionRequest,
             R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behaviour":"deny"}}})") ==
        std::vector<W>{
            {"PermissionRequest hook output: unknown field \"hookSpecificOutput.decision.behaviour\"; did you mean "
             "\"behavior\"? (hookSpecificOutput.decision takes behavior, interrupt, message, updatedInput, "
             "updatedPermissions)",
             true},
            {"PermissionRequest hook output: \"hookSpecificOutput.decision.behavior\" is required (one of \"allow\", "
             "\"deny\")",
             true}});
}

TEST_CASE("lint: another event's hookEventName is accepted, as the reference does, and said", "[lint]") {
  CHECK(lint(E::postToolUse, R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","additionalContext":"c"}})") ==
        std::vector<W>{{"PostToolUse hook output: \"hookSpecificOutput.hookEventName\" is \"PreToolUse\" but this is a "
                        "PostToolUse hook; the output is read as PostToolUse's",
                        false}});
  CHECK(lint(E::postToolUse, R"({"hookSpecificOutput":{"hookEventName":"AfterTool"}})") ==
        std::vector<W>{{"PostToolUse hook output: \"hookSpecificOutput.hookEventName\" must be \"PostToolUse\", got the "
                        "string \"AfterTool\"",
                        true}});
}

TEST_CASE("lint: fields accepted but doing nothing for the event", "[lint]") {
  CHECK(lint(E::sessionStart, R"({"suppressOutput":true,"stopReason":"x"})") ==
        std::vector<W>{{"SessionStart hook output: \"suppressOutput\" does nothing for SessionStart hooks (accepted and "
                        "ignored)",
                        false},
                       {"SessionStart hook output: \"stopReason\" does nothing without \"continue\": false", false}});
  CHECK(lint(E::subagentStart, R"({"continue":false})") ==
        std::vector<W>{{"SubagentStart hook output: \"continue\": false does nothing for SubagentStart hooks: they "
                        "cannot stop the turn",
                        false}});
  CHECK(lint(E::preToolUse,
             R"({"decision":"block","reason":"r","hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"x"}})") ==
        std::vector<W>{{"PreToolUse hook output: top-level \"decision\" and \"reason\" do nothing when "
                        "hookSpecificOutput has permissionDecision, permissionDecisionReason or updatedInput",
                        false}});
  CHECK(lint(E::preToolUse,
             R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","permissionDecisionReason":"ok","updatedInput":{"command":"ls"}}})") ==
        std::vector<W>{{"PreToolUse hook output: \"hookSpecificOutput.permissionDecisionReason\" does nothing with "
                        "permissionDecision \"allow\"",
                        false}});
  CHECK(lint(E::permissionRequest,
             R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow","message":"m"}}})") ==
        std::vector<W>{{"PermissionRequest hook output: \"hookSpecificOutput.decision.message\" does nothing with "
                        "behavior \"allow\"",
                        false}});
  CHECK(lint(E::stop, R"({"decision":"block","reason":"r"})", 0, true) ==
        std::vector<W>{{"Stop hook output: \"decision\" does nothing: async hooks cannot block, stop or rewrite "
                        "(remove \"async\": true for it to apply)",
                        false}});
}

TEST_CASE("lint: text that is not a JSON object", "[lint]") {
  CHECK(lint(E::stop, "[1,2]") == std::vector<W>{{"Stop hook output: must be a JSON object, got an array", true}});
  CHECK(lint(E::stop, R"({"decision": block})") ==
        std::vector<W>{{"Stop hook output: not valid JSON (syntax error at byte 14: [json.exception.parse_error.101] "
                        "parse error at line 1, column 14: syntax error while parsing value - invalid literal; last "
                        "read: '\"decision\": b')",
                        true}});
  CHECK(lint(E::preToolUse, "plain words") ==
        std::vector<W>{{"PreToolUse hook output: plain text does nothing for PreToolUse hooks; print a JSON object (for "
                        "example {\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"additionalContext\": "
                        "\"...\"}})",
                        false}});
  CHECK(lint(E::stop, "plain words") ==
        std::vector<W>{{"Stop hook output: plain text fails the run; print a JSON object or nothing (for example "
                        "{\"decision\": \"block\", \"reason\": \"...\"})",
                        true}});
  CHECK(lint(E::sessionEnd, R"({"decision":"block"})") ==
        std::vector<W>{{"SessionEnd hook output: ignored (SessionEnd hooks cannot change anything)", false}});
  CHECK(lint(E::sessionEnd, "bye").empty());
  CHECK(lint(E::interrupt, "stopped") ==
        std::vector<W>{{"Interrupt hook output: plain text fails the run; print a JSON object or nothing (for example "
                        "{\"systemMessage\": \"...\"})",
                        true}});
}

TEST_CASE("lint: exit codes that make stdout or a block do nothing", "[lint]") {
  CHECK(lint(E::stop, R"({"decision":"block","reason":"r"})", 2) ==
        std::vector<W>{{"Stop hook output: stdout is ignored when the hook exits with code 2; the reason is read from "
                        "stderr",
                        false}});
  CHECK(lint(E::sessionStart, "", 2) ==
        std::vector<W>{{"SessionStart hook exited with code 2, which has no special meaning for SessionStart hooks: the "
                        "run counts as failed",
                        false}});
  CHECK(lint(E::preToolUse, R"({"decision":"block","reason":"r"})", 1) ==
        std::vector<W>{{"PreToolUse hook output: stdout is ignored when the hook exits with code 1; exit 0 for it to be "
                        "read",
                        false}});
  CHECK(lint(E::stop, "", 1).empty());
}

TEST_CASE("lint: the warnings never disagree with the engine about what is rejected", "[lint]") {
  // Outputs that mix valid, misspelt, mistyped and misplaced fields; for every event, a warning
  // marked "rejects" must exist exactly when the engine fails the run with its invalid-JSON error.
  const std::vector<std::string> outputs = {
      R"({})", R"({"continue":false})", R"({"continue":null})", R"({"continue":"no"})",
      R"({"stopReason":null})", R"({"stopReason":1})", R"({"suppressOutput":true})", R"({"suppressOutput":null})",
      R"({"systemMessage":"m"})", R"({"systemMessage":123})", R"({"decision":"block","reason":"r"})",
      R"({"decision":"approve"})", R"({"decision":null,"reason":null})", R"({"decision":"deny"})",
      R"({"reason":"r"})", R"({"unexpected":true})", R"({"hookSpecificOutput":null})",
      R"({"hookSpecificOutput":"x"})", R"({"hookSpecificOutput":{}})",
      R"({"hookSpecificOutput":{"hookEventName":"Nope"}})",
      R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","additionalContext":"c"}})",
      R"({"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":null}})",
      R"({"hookSpecificOutput":{"hookEventName":"Stop","additionalContext":7}})",
      R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":{"a":1}}})",
      R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"maybe"}})",
      R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","updatedInput":null,"permissionDecisionReason":null}})",
      R"({"hookSpecificOutput":{"hookEventName":"PostToolUse","updatedMCPToolOutput":{"x":1}}})",
      R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}})",
      R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"ask"}}})",
      R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"message":"m"}}})",
      R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","interrupt":null}}})",
      R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny","extra":1}}})",
      R"({"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":null}})",
      R"({"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","extra":1}})",
      R"([1])", R"({"a":)"};
  for (const auto& info : all_events()) {
    if (info.event == E::sessionEnd) continue;  // its output is never read
    const std::string invalid = words_for(info.event).invalid_json;
    for (const auto& text : outputs) {
      const CommandResult result = exited(0, text);
      const HookRunOutcome outcome = interpret_command_result(info.event, result, 5);
      bool engine_rejects = false;
      for (const auto& e : outcome.entries) engine_rejects = engine_rejects || (e.kind == HookOutputEntryKind::error && e.text == invalid);
      bool lint_rejects = false;
      for (const auto& w : lint_hook_output(info.event, result, false)) lint_rejects = lint_rejects || w.rejects_output;
      INFO(std::string(info.pascal) << " " << text);
      CHECK(engine_rejects == lint_rejects);
    }
  }
}
