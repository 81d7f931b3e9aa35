// Hook effects in words; see hook_effect.hpp.
#include "server/hook_test/hook_effect.hpp"

#include "server/threads/tool_texts.hpp"

namespace appserver::hook_test {

namespace {
using Json = nlohmann::json;
using E = HookEventName;

std::string command_of(const Json& tool_input) {
  auto it = tool_input.is_object() ? tool_input.find("command") : tool_input.end();
  return tool_input.is_object() && it != tool_input.end() && it->is_string() ? it->get<std::string>()
                                                                            : tool_input.dump();
}
}  // namespace

HookEffect describe_effect(const SampleEvent& sample, const hooks::HookBatchResult& batch) {
  HookEffect effect;
  Json model_output = nullptr, verdict = nullptr, updated = nullptr;
  Json prompts = Json::array();
  bool blocked = false, stopped = false;
  const std::string command = command_of(sample.tool_input);
  switch (sample.event) {
    case E::sessionStart:
      if (batch.should_stop) {
        stopped = true;
        effect.summary = "stopped: the turn ends before the prompt reaches the model";
      }
      break;
    case E::userPromptSubmit:
      if (batch.should_block) {
        blocked = true;
        effect.summary = "blocked: the prompt is not recorded and never reaches the model; the turn ends";
      } else if (batch.should_stop) {
        stopped = true;
        effect.summary = "stopped: the prompt is not recorded and never reaches the model; the turn ends";
      }
      break;
    case E::preToolUse:
      if (batch.should_block) {
        blocked = true;
        model_output = blocked_command_output(batch.block_reason, command);
        effect.summary = "blocked: the command does not run";
      } else if (batch.updated_input) {
        updated = *batch.updated_input;
        auto rewritten = updated.find("command");
        if (rewritten == updated.end() || !rewritten->is_string()) {
          model_output = kRewriteWithoutCommand;
          effect.summary = "rewritten, but without a string \"command\": the call fails and nothing runs";
        } else {
          effect.summary = "rewritten: the command that runs is " + rewritten->dump();
        }
      }
      break;
    case E::permissionRequest:
      if (batch.verdict == std::optional<std::string>("deny")) {
        blocked = true;
        verdict = "deny";
        model_output = denied_command_output(batch.block_reason);
        effect.summary = "denied: the command does not run and the user is not asked";
      } else if (batch.verdict) {
        verdict = "allow";
        effect.summary = "allowed: the command runs without asking the user";
      } else {
        effect.summary = "no verdict: the user is asked to approve the command";
      }
      break;
    case E::postToolUse:
      if (batch.should_block) {
        blocked = true;
        model_output = batch.block_reason;
        effect.summary = "replaced: the model gets the hook's feedback instead of the command's output";
      }
      break;
    case E::stop:
    case E::subagentStop:
      if (batch.should_stop) {
        stopped = true;
        effect.summary = "stopped: the turn ends";
      } else if (batch.should_block && !batch.fragments.empty()) {
        blocked = true;
        for (const auto& f : batch.fragments) prompts.push_back(f.text);
        effect.summary = "continued: the turn goes on with " + std::to_string(batch.fragments.size()) +
                         " continuation prompt" + (batch.fragments.size() == 1 ? "" : "s");
      }
      break;
    case E::preCompact:
      if (batch.should_stop) {
        stopped = true;
        effect.summary = "stopped: the history is not compacted; the turn ends interrupted";
      }
      break;
    case E::postCompact:
      if (batch.should_stop) {
        stopped = true;
        effect.summary = "stopped: the compaction turn ends interrupted";
      }
      break;
    default:  // SessionEnd, Interrupt, SubagentStart, Pre/PostModelRequest: observe only (context aside)
      break;
  }
  if (effect.summary.empty())
    effect.summary = batch.contexts.empty() ? "none" : "context only: the turn goes on as it would";
  for (const auto& c : batch.contexts) effect.details.push_back("context for the model (a developer message): " + c);
  for (const auto& p : prompts) effect.details.push_back("continuation prompt: " + p.get<std::string>());
  if (model_output.is_string()) effect.details.push_back("the model gets as the tool output: " + model_output.get<std::string>());
  effect.json = {{"summary", effect.summary},
                 {"blocked", blocked},
                 {"stopped", stopped},
                 {"contexts", batch.contexts},
                 {"updatedInput", updated},
                 {"verdict", verdict},
                 {"continuationPrompts", prompts},
                 {"modelToolOutput", model_output}};
  return effect;
}

}  // namespace appserver::hook_test
