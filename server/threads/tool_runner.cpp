// One tool call of the agent: `exec_command`. PreToolUse hooks may block it (the model gets
// `Command blocked by PreToolUse hook: <reason>. Command: <cmd>`), rewrite it (`updatedInput`)
// or add context; the command then runs as a `commandExecution` item with its output streamed
// as `item/commandExecution/outputDelta`; PostToolUse hooks may replace what the model gets, or
// add context. Run ids of both events end with `:<call_id>`. hooks-spec.md §5.
#include "server/threads/turn_state.hpp"

#include "hooks/hook_input.hpp"
#include "server/apply_patch/invocation.hpp"
#include "server/sandbox/sandbox.hpp"
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

bool LiveThread::approval_required() const {
  return !(settings_.approval_policy.is_string() && settings_.approval_policy == "never");
}

asio::awaitable<std::string> LiveThread::request_approval(TurnState& turn, const v2::CommandExecutionItem& item) {
  v2::CommandExecutionRequestApprovalParams params{id_, turn.turn.id, item.id, ctx_.clock->now_ms(),
                                                   item.command, item.cwd, item.commandActions, std::nullopt};
  co_return co_await request_approval(turn, "item/commandExecution/requestApproval", protocol::encode(params),
                                      "`" + item.command + "`");
}

asio::awaitable<std::string> LiveThread::request_approval(TurnState& turn, std::string_view method,
                                                          protocol::Json json, std::string what) {
  const std::int64_t request_id = ctx_.pending.next_id();
  std::vector<ConnectionPtr> clients;
  for (const auto& weak : subscribers_)
    if (auto c = weak.lock()) clients.push_back(c);
  if (clients.empty()) {
    spdlog::warn("thread {}: no client to ask for approval of {}; declining", id_, what);
    co_return "decline";
  }
  std::string decision = co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::string)>(
      [&](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto done = std::make_shared<bool>(false);
        // Resume the coroutine from the strand's queue, never from inside the caller (the
        // caller may be this very std::function, which the coroutine then clears).
        turn.resolve_approval = [shared, done, strand = strand_](std::string answer) {
          if (std::exchange(*done, true)) return;
          boost::asio::post(strand, [shared, answer = std::move(answer)]() mutable { (*shared)(std::move(answer)); });
        };
        auto self = shared_from_this();
        TurnState* state = &turn;
        for (const auto& client : clients) {
          ctx_.pending.add(client->id(), request_id,
                           [self, state, done](const protocol::Json& result, const protocol::RpcError* error) {
                             std::string answer = "decline";
                             if (!error && result.is_object()) {
                               const auto& d = result.value("decision", protocol::Json());
                               if (d.is_string()) answer = d.get<std::string>();
                               else if (d.is_object() && d.contains("acceptWithExecpolicyAmendment")) answer = "accept";
                             }
                             boost::asio::post(self->strand_, [self, state, done, answer] {
                               if (!*done && self->active_turn_.get() == state && state->resolve_approval)
                                 state->resolve_approval(answer);
                             });
                           });
          ctx_.outgoing.request(client, request_id, method, json);
        }
      },
      asio::use_awaitable);
  turn.resolve_approval = nullptr;
  ctx_.pending.withdraw(request_id);
  emit(v2::ServerRequestResolvedNotification{id_, request_id});
  co_return decision;
}

void LiveThread::record_tool_output(const TurnState& turn, const ToolCall& call, const std::string& output) {
  protocol::Json params = {{"turnId", turn.turn.id}, {"callId", call.call_id}, {"output", output}};
  if (call.input) params["custom"] = true;
  history_.apply(kFunctionCallOutputRecord, params);
  persist(kFunctionCallOutputRecord, params);
}

asio::awaitable<void> LiveThread::run_tool(TurnState& turn, const ToolCall& call) {
  {
    protocol::Json params = {{"turnId", turn.turn.id}, {"callId", call.call_id}, {"name", call.name}};
    if (call.input) params["input"] = *call.input;
    else params["arguments"] = call.arguments;
    history_.apply(kFunctionCallRecord, params);
    persist(kFunctionCallRecord, params);
  }
  if (call.input && call.name == "apply_patch") co_return co_await run_patch_tool(turn, call);
  const auto cmd_it = call.arguments.find("cmd");
  if (call.name != "exec_command" || cmd_it == call.arguments.end() || !cmd_it->is_string()) {
    record_tool_output(turn, call,
                       call.name != "exec_command" || call.input ? "unknown tool: " + call.name
                                                                 : "exec_command needs a string argument `cmd`");
    co_return;
  }
  std::string command = cmd_it->get<std::string>();
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

  // Approval: PermissionRequest hooks decide first; without a verdict, ask the client.
  bool started = false;
  if (approval_required() && !session_approved_commands_.contains(command)) {
    hooks::HookInvocation invocation{
        HookEventName::permissionRequest, std::string(kShellToolName),
        [&] { return hooks::permission_request_input(context, kShellToolName, {{"command", command}}); },
        "", suffix};
    auto verdict = co_await run_event(turn, std::move(invocation));
    if (turn.interrupted) co_return;
    if (verdict.verdict == std::optional<std::string>("deny")) {
      record_tool_output(turn, call, denied_command_output(verdict.block_reason));
      co_return;
    }
    if (!verdict.verdict) {
      // The reference's order: waiting on approval, then the command item, then the request.
      emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{{v2::ThreadActiveFlag::waitingOnApproval}}});
      emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});
      started = true;
      const std::string decision = co_await request_approval(turn, item);
      if (turn.interrupted) co_return;
      emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{}});
      // acceptForSession: this exact command runs without asking again in this thread.
      if (decision == "acceptForSession") session_approved_commands_.insert(command);
      if (decision != "accept" && decision != "acceptForSession") {
        item.status = v2::CommandExecutionStatus::declined;
        emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
        record_tool_output(turn, call, "The user declined to run this command: " + command);
        if (decision == "cancel") turn.interrupted = true;  // cancel stops the turn
        co_return;
      }
    }
  }
  if (!started) emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});

  // The client gets the first MiB (streamed, then in the item); the model gets the reference's
  // head + tail of all of it (tools/output_capture.hpp); nothing else of the output is kept.
  OutputCapture output(kClientOutputBytes);
  hooks::CommandSpec spec;
  spec.command = command;
  spec.cwd = cwd;
  spec.timeout = std::chrono::milliseconds(timeout_ms);
  spec.max_output_bytes = 0;  // the runner keeps nothing: `output` has what is needed
  spec.on_output = [this, &turn, &output, item_id = item.id](const std::string& chunk) {
    const std::string_view shown = output.add(chunk);
    if (!shown.empty())
      emit(v2::CommandExecutionOutputDeltaNotification{id_, turn.turn.id, item_id, std::string(shown)});
  };
  // The thread's sandbox policy (server/sandbox/sandbox.hpp): bwrap around the shell, or no
  // run at all when bwrap is missing (fail closed).
  const char* tmpdir = std::getenv("TMPDIR");
  const auto policy = sandbox::policy_of(settings_.sandbox, cwd, tmpdir ? tmpdir : "");
  if (policy.mode != sandbox::Policy::Mode::full) {
    if (!ctx_.bwrap) {
      spdlog::warn("thread {}: {}", id_, sandbox::missing_bwrap_message());
      item.status = v2::CommandExecutionStatus::failed;
      item.aggregatedOutput = sandbox::missing_bwrap_message();
      emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
      record_tool_output(turn, call, sandbox::missing_bwrap_message());
      co_return;
    }
    spec.argv = sandbox::bwrap_argv(policy, *ctx_.bwrap, command);
  }
  const std::int64_t started_ms = ctx_.clock->now_ms();
  auto result = co_await async_run_command(
      strand_, std::move(spec), [&turn](auto running) { turn.running_command = std::move(running); },
      asio::use_awaitable);
  turn.running_command.reset();
  if (turn.interrupted) co_return;  // as the reference: no item/completed for a killed command

  item.exitCode = result.exit_code ? std::optional<std::int64_t>(*result.exit_code) : std::nullopt;
  item.status = result.exit_code == std::optional<int>(0) ? v2::CommandExecutionStatus::completed
                                                          : v2::CommandExecutionStatus::failed;
  if (result.timed_out) output.note("\n[command timed out after " + std::to_string(timeout_ms) + " ms]");
  if (result.error && !result.error->empty()) output.note("\n[" + *result.error + "]");
  item.aggregatedOutput = output.client_text();
  item.durationMs = ctx_.clock->fixed() ? ctx_.clock->now_ms() - started_ms : result.duration.count();
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

}  // namespace appserver
