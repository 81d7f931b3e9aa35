// One tool call of the agent: `exec_command`. PreToolUse hooks may block it (the model gets
// `Command blocked by PreToolUse hook: <reason>. Command: <cmd>`), rewrite it (`updatedInput`)
// or add context; the command then runs as a `commandExecution` item with its output streamed
// as `item/commandExecution/outputDelta`; PostToolUse hooks may replace what the model gets, or
// add context. Run ids of both events end with `:<call_id>`. hooks-spec.md §5.
#include "server/threads/turn_state.hpp"

#include "hooks/hook_input.hpp"
#include "server/apply_patch/invocation.hpp"
#include "server/approvals/exec_approval.hpp"
#include "server/sandbox/sandbox.hpp"
#include "server/subagents/subagent_tools.hpp"
#include "server/tools/tool_search.hpp"
#include "server/threads/tool_texts.hpp"
#include "server/tools/async_command.hpp"
#include "server/tools/output_capture.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace appserver {

namespace asio = boost::asio;
using hooks::HookEventName;

namespace {
constexpr std::int64_t kDefaultCommandTimeoutMs = 60'000;

}  // namespace

void LiveThread::record_tool_output(const TurnState& turn, const ToolCall& call, const std::string& output) {
  protocol::Json params = {{"turnId", turn.turn.id}, {"callId", call.call_id}, {"output", output}};
  if (call.input) params["custom"] = true;
  if (call.tool_search) params = {{"turnId", turn.turn.id}, {"callId", call.call_id}, {"toolSearch", true},
                                  {"tools", protocol::Json::parse(output, nullptr, false)}};
  history_.apply(kFunctionCallOutputRecord, params);
  persist(kFunctionCallOutputRecord, params);
}

asio::awaitable<void> LiveThread::run_tool(TurnState& turn, const ToolCall& call) {
  {
    protocol::Json params = {{"turnId", turn.turn.id}, {"callId", call.call_id}, {"name", call.name}};
    if (call.input) params["input"] = *call.input;
    else params["arguments"] = call.arguments;
    if (!call.tool_namespace.empty()) params["namespace"] = call.tool_namespace;
    if (!call.arguments_text.empty() && !call.input) params["argumentsText"] = call.arguments_text;
    if (call.tool_search) params = {{"turnId", turn.turn.id}, {"callId", call.call_id}, {"toolSearch", true},
                                    {"arguments", call.arguments}};
    history_.apply(kFunctionCallRecord, params);
    persist(kFunctionCallRecord, params);
  }
  if (call.tool_search) {  // as the reference: no hook, no item; the model gets what was found
    const auto found = may_spawn() ? tool_search::search({subagents::tool_namespace()}, call.arguments)
                                   : protocol::Json::array();
    record_tool_output(turn, call, found.dump());
    co_return;
  }
  if (call.input && call.name == "apply_patch") co_return co_await run_patch_tool(turn, call);
  if (!call.tool_namespace.empty()) {
    if (call.tool_namespace == subagents::kNamespace && subagents::is_subagent_tool(call.name) && may_spawn())
      co_return co_await run_subagent_tool(turn, call);
    record_tool_output(turn, call, unsupported_call(call.tool_namespace, call.name));
    co_return;
  }
  const auto cmd_it = call.arguments.find("cmd");
  if (call.name != "exec_command" || call.input) {
    record_tool_output(turn, call, call.input ? "unknown tool: " + call.name : unsupported_call("", call.name));
    co_return;
  }
  if (cmd_it == call.arguments.end() || !cmd_it->is_string()) {
    record_tool_output(turn, call, "exec_command needs a string argument `cmd`");
    co_return;
  }
  std::string command = cmd_it->get<std::string>();
  approvals::EscalationRequest escalation;  // sandbox_permissions, justification
  if (auto error = approvals::parse_escalation(call.arguments, escalation)) {
    record_tool_output(turn, call, *error);  // as the reference: before any hook
    co_return;
  }
  const hooks::HookInputContext context = hook_context(turn);
  const std::string suffix = ":" + call.call_id;

  // PreToolUse: block, rewrite, or add context.
  {
    hooks::HookInvocation invocation{
        HookEventName::preToolUse, std::string(kShellToolName),
        [&] { return hooks::pre_tool_use_input(context, kShellToolName, {{"command", command}}, call.call_id); },
        "", suffix};
    auto result = co_await run_event(turn, std::move(invocation));
    for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
    if (turn.interrupted) co_return;
    if (result.should_block) {
      record_tool_output(turn, call, blocked_command_output(result.block_reason, command));
      co_return;
    }
    if (result.updated_input) {
      auto rewritten = result.updated_input->find("command");
      if (rewritten == result.updated_input->end() || !rewritten->is_string()) {
        record_tool_output(turn, call, kRewriteWithoutCommand);
        co_return;
      }
      spdlog::info("thread {}: PreToolUse rewrote `{}` to `{}`", id_, command, rewritten->get<std::string>());
      command = rewritten->get<std::string>();
    }
  }

  // `apply_patch <<'EOF' … EOF` is a file change, not a command (as the reference).
  if (auto patch = apply_patch::match_invocation(command)) {
    co_await run_intercepted_patch(turn, call, std::move(patch->patch), std::move(patch->workdir));
    co_return;
  }

  // The command, as a commandExecution item.
  std::string cwd = settings_.cwd;
  if (auto w = call.arguments.find("workdir"); w != call.arguments.end() && w->is_string() && !w->empty()) {
    std::filesystem::path dir(w->get<std::string>());
    cwd = (dir.is_relative() ? std::filesystem::path(settings_.cwd) / dir : dir).string();
  }
  std::int64_t timeout_ms = kDefaultCommandTimeoutMs;
  if (auto t = call.arguments.find("timeout_ms"); t != call.arguments.end() && t->is_number_integer())
    timeout_ms = std::max<std::int64_t>(1, t->get<std::int64_t>());

  v2::CommandExecutionItem item;
  item.id = call.call_id;
  item.command = command;
  item.cwd = cwd;
  item.commandActions = {v2::UnknownCommandAction{command}};

  // Approval (server/approvals/exec_approval.hpp): the policy against the command and the
  // model's escalation request; PermissionRequest hooks decide first, then the client.
  const auto policy = sandbox::policy_of(settings_.sandbox, cwd);
  const bool sandbox_on = policy.mode != sandbox::Policy::Mode::full;
  const auto decision = approvals::decide(settings_.approval_policy, sandbox_on, escalation, command, item.command);
  if (decision.requirement == approvals::Requirement::forbidden) {
    record_tool_output(turn, call, decision.message);  // as the reference: no item, no PostToolUse
    co_return;
  }
  bool started = false;
  bool sandboxed = sandbox_on;
  if (decision.requirement == approvals::Requirement::needs_approval) {
    const bool approved = co_await approve_command(turn, call, item, started, escalation.justification, false);
    if (!approved) co_return;
    if (!decision.sandboxed) sandboxed = false;
  }
  if (!started) emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});

  // The client gets the first MiB (streamed, then in the item); the model gets the reference's
  // head + tail of all of it (tools/output_capture.hpp); nothing else of the output is kept.
  OutputCapture output(kClientOutputBytes);
  auto result = co_await run_command_attempt(turn, item, cwd, timeout_ms, sandboxed ? &policy : nullptr, output);
  if (turn.interrupted) co_return;  // as the reference: no item/completed for a killed command
  if (!result) {  // sandboxed without bwrap: fail closed
    item.status = v2::CommandExecutionStatus::failed;
    item.aggregatedOutput = sandbox::missing_bwrap_message();
    emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    record_tool_output(turn, call, sandbox::missing_bwrap_message());
    co_return;
  }
  // After what looks like a sandbox denial, `on-failure` and `untrusted` offer a run outside it.
  const bool denied = sandboxed && approvals::retries_outside_sandbox(settings_.approval_policy) &&
                      result->exit_code && approvals::likely_sandbox_denied(*result->exit_code, output.client_text());
  bool retry = false;
  if (denied) retry = co_await approve_command(turn, call, item, started, std::string(approvals::kRetryWithoutSandboxReason), true);
  if (retry) {
    output = OutputCapture(kClientOutputBytes);
    result = co_await run_command_attempt(turn, item, cwd, timeout_ms, nullptr, output);
  }
  if (turn.interrupted) co_return;

  item.exitCode = result->exit_code ? std::optional<std::int64_t>(*result->exit_code) : std::nullopt;
  item.status = result->exit_code == std::optional<int>(0) ? v2::CommandExecutionStatus::completed
                                                           : v2::CommandExecutionStatus::failed;
  if (result->timed_out) output.note("\n[command timed out after " + std::to_string(timeout_ms) + " ms]");
  if (result->error && !result->error->empty()) output.note("\n[" + *result->error + "]");
  item.aggregatedOutput = output.client_text();
  item.durationMs = result->duration.count();
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});

  // PostToolUse (its tool_response is what the model would get, as in the reference): replace
  // what the model gets, or add context.
  std::string model_output = output.model_text();
  {
    hooks::HookInvocation invocation{
        HookEventName::postToolUse, std::string(kShellToolName),
        [&] {
          return hooks::post_tool_use_input(context, kShellToolName, {{"command", command}}, model_output,
                                            call.call_id);
        },
        "", suffix};
    auto post = co_await run_event(turn, std::move(invocation));
    for (const auto& c : post.contexts) record_developer_message(turn.turn.id, c);
    if (turn.interrupted) co_return;
    if (post.should_block) model_output = post.block_reason;
  }
  record_tool_output(turn, call, model_output);
}

asio::awaitable<std::optional<hooks::CommandResult>> LiveThread::run_command_attempt(
    TurnState& turn, const v2::CommandExecutionItem& item, const std::string& cwd, std::int64_t timeout_ms,
    const sandbox::Policy* policy, OutputCapture& output) {
  hooks::CommandSpec spec;
  spec.command = item.command;
  spec.cwd = cwd;
  spec.timeout = std::chrono::milliseconds(timeout_ms);
  spec.max_output_bytes = 0;  // the runner keeps nothing: `output` has what is needed
  if (ctx_.hook_environment) spec.environment = *ctx_.hook_environment;  // no model-provider secrets
  spec.on_output = [this, &turn, &output, item_id = item.id](const std::string& chunk) {
    const std::string_view shown = output.add(chunk);
    if (!shown.empty())
      emit(v2::CommandExecutionOutputDeltaNotification{id_, turn.turn.id, item_id, std::string(shown)});
  };
  // The thread's sandbox policy (server/sandbox/sandbox.hpp): bwrap around the shell, or no
  // run at all when bwrap is missing (fail closed).
  if (policy) {
    if (!ctx_.bwrap) {
      spdlog::warn("thread {}: {}", id_, sandbox::missing_bwrap_message());
      co_return std::nullopt;
    }
    spec.argv = sandbox::bwrap_argv(*policy, *ctx_.bwrap, item.command);
  }
  const std::int64_t started_ms = ctx_.clock->now_ms();
  auto result = co_await async_run_command(
      strand_, std::move(spec), [&turn](auto running) { turn.running_command = std::move(running); },
      asio::use_awaitable);
  turn.running_command.reset();
  if (ctx_.clock->fixed()) result.duration = std::chrono::milliseconds(ctx_.clock->now_ms() - started_ms);
  co_return result;
}

}  // namespace appserver
