// The turn: SessionStart (first turn after start/resume) → UserPromptSubmit → user message →
// agent reply → Stop (which may block and continue the turn) → turn/completed. One C++20
// coroutine on the thread's strand, so the steps read in order; hooks run as child processes
// without blocking the strand. Effects follow hooks-spec.md §5.
#include "server/threads/live_thread.hpp"

#include "hooks/hook_input.hpp"
#include "server/agent/responses_format.hpp"
#include "server/threads/turn_state.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace appserver {

namespace asio = boost::asio;
using hooks::HookEventName;

namespace {
/// A safety net the reference lacks: a Stop hook that always blocks would loop forever.
constexpr int kMaxStopContinuations = 16;

template <class Token>
auto async_run_hooks(asio::any_io_executor ex, std::vector<const hooks::HookHandler*> handlers,
                     hooks::HookInvocation invocation, hooks::HookClock clock,
                     std::shared_ptr<hooks::HookBatch>& batch, Token&& token) {
  return asio::async_initiate<Token, void(hooks::HookBatchResult)>(
      [ex, &batch, clock](auto handler, auto handlers, auto invocation) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        batch = hooks::run_hooks(ex, std::move(handlers), std::move(invocation), clock,
                                 [shared](hooks::HookBatchResult result) {
                                   (*shared)(std::move(result));
                                 });
      },
      token, std::move(handlers), std::move(invocation));
}

}  // namespace



std::string prompt_text(const std::vector<v2::UserInput>& input) {
  std::string text;
  for (const auto& item : input)
    if (auto* t = std::get_if<v2::TextUserInput>(&item)) {
      if (!text.empty()) text += "\n";
      text += t->text;
    }
  return text;
}

void LiveThread::start_turn(v2::TurnStartParams params, Reply<v2::TurnStartResponse> reply) {
  if (turn_running_) {
    reply.error(protocol::invalid_request("a turn is already running on thread " + id_));
    return;
  }
  if (prompt_text(params.input).empty()) {
    reply.error(protocol::invalid_params("params.input: expected at least one non-empty text input"));
    return;
  }
  const bool policy_given = params.sandboxPolicy && !params.sandboxPolicy->is_null();
  if (policy_given && !(params.sandboxPolicy->is_object() && params.sandboxPolicy->contains("type") &&
                        (*params.sandboxPolicy)["type"].is_string())) {
    reply.error(protocol::invalid_params("params.sandboxPolicy: expected a SandboxPolicy object with a string `type`"));
    return;
  }
  auto state = begin_turn();
  state->input = std::move(params.input);
  if (params.approvalPolicy && !params.approvalPolicy->is_null())
    settings_.approval_policy = *params.approvalPolicy;  // applies to this and later turns
  if (policy_given) settings_.sandbox = *params.sandboxPolicy;  // so does the sandbox policy
  state->client_message_id = params.clientUserMessageId;
  reply(v2::TurnStartResponse{state->turn});
  spawn_turn(run_turn(state));
}

std::shared_ptr<LiveThread::TurnState> LiveThread::begin_turn() {
  auto state = std::make_shared<TurnState>();
  state->turn.id = ctx_.ids->next("turn");
  state->turn.rootTurnId = state->turn.id;
  state->turn.itemsView = v2::TurnItemsView::notLoaded;
  state->turn.status = v2::TurnStatus::inProgress;
  turn_running_ = true;
  active_turn_ = state;
  return state;
}

void LiveThread::spawn_turn(asio::awaitable<void> body) {
  asio::co_spawn(strand_, std::move(body), [self = shared_from_this()](std::exception_ptr e) {
    if (!e) return;
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      what = ex.what();
    } catch (...) {
    }
    spdlog::error("thread {}: turn failed with an internal error: {}", self->id_, what);
    if (auto turn = self->active_turn_) {  // the client still hears that the turn ended
      self->complete_turn(*turn, v2::TurnStatus::failed, v2::TurnError{"internal error: " + what, std::nullopt});
      return;
    }
    self->turn_running_ = false;
    self->ctx_.on_thread_idle();
  });
}

void LiveThread::announce_turn(TurnState& turn) {
  turn.started_ms = ctx_.clock->now_ms();
  turn.turn.startedAt = turn.started_ms / 1000;
  emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{}});
  emit(v2::TurnStartedNotification{id_, turn.turn});
}

void LiveThread::interrupt(const std::string& turn_id, Reply<v2::TurnInterruptResponse> reply) {
  if (!turn_running_ || !active_turn_ || active_turn_->turn.id != turn_id) {
    reply.error(protocol::invalid_request("no running turn " + turn_id + " on thread " + id_));
    return;
  }
  if (active_turn_->interrupted) {
    reply.error(protocol::invalid_request("turn " + turn_id + " is already being interrupted"));
    return;
  }
  spdlog::info("thread {}: interrupting turn {}", id_, turn_id);
  active_turn_->interrupt_reply = reply;
  stop_active_turn();
}

void LiveThread::stop_active_turn() {
  TurnState& turn = *active_turn_;
  turn.interrupted = true;
  *turn.agent_cancelled = true;
  if (turn.running_command) turn.running_command->cancel();
  for (const auto& shell : turn.user_shells) shell->cancel();
  if (turn.resolve_approval) turn.resolve_approval("cancel");
  if (turn.cancel_wait) turn.cancel_wait();
  interrupt_children();  // a parent's interrupt stops its running sub-agents too
  cancel_running_hooks();
}

asio::awaitable<void> LiveThread::finish_interrupted(TurnState& turn) {
  if (turn.storage_error) {  // not a user's interrupt: the history could not be written
    if (turn.interrupt_reply) (*turn.interrupt_reply)(v2::TurnInterruptResponse{});
    complete_turn(turn, v2::TurnStatus::failed, std::nullopt);
    co_return;
  }
  hooks::HookInvocation invocation{HookEventName::interrupt, std::nullopt,
                                   [&] { return hooks::interrupt_input(hook_context(turn)); }};
  co_await run_event(turn, std::move(invocation));
  // As the reference does: Interrupt hooks run before the turn/interrupt response.
  if (turn.interrupt_reply) (*turn.interrupt_reply)(v2::TurnInterruptResponse{});
  complete_turn(turn, v2::TurnStatus::interrupted, std::nullopt);
}

hooks::HookInputContext LiveThread::hook_context(const TurnState& turn) const {
  return hook_context(std::optional<std::string>(turn.turn.id));
}

hooks::HookInputContext LiveThread::hook_context(const std::optional<std::string>& turn_id) const {
  hooks::HookInputContext c;
  c.session_id = subagent_ ? subagent_->session_id : id_;  // a sub-agent's hooks see its parent's session
  c.turn_id = turn_id.value_or("");
  if (subagent_) c.agent = hooks::HookInputContext::Agent{id_, subagent_->type};
  c.transcript_path = file_path();
  c.cwd = settings_.cwd;
  c.model = agent_->model();
  c.permission_mode =
      settings_.approval_policy == protocol::Json("never") ? "bypassPermissions" : "default";
  return c;
}

asio::awaitable<hooks::HookBatchResult> LiveThread::run_event(TurnState& turn,
                                                              hooks::HookInvocation invocation) {
  co_return co_await run_sync_hooks(turn.turn.id, std::move(invocation));
}

hooks::HookClock LiveThread::hook_clock() const {
  const Clock& clock = *ctx_.clock;
  return hooks::HookClock{[&clock] { return clock.now_ms(); }, clock.fixed()};
}

asio::awaitable<hooks::HookBatchResult> LiveThread::run_sync_hooks(std::optional<std::string> turn_id,
                                                                   hooks::HookInvocation invocation) {
  // A turn stopped by a failed history write runs no more hooks: their runs could not be stored.
  if (active_turn_ && active_turn_->storage_error && turn_id == active_turn_->turn.id)
    co_return hooks::HookBatchResult{};
  invocation.cwd = settings_.cwd;
  invocation.environment = ctx_.hook_environment;
  const std::shared_ptr<const hooks::HookSet> set = hooks_;  // alive while the batch runs
  std::vector<const hooks::HookHandler*> handlers, async;
  for (const auto* handler : hooks::select_handlers(*set, invocation))
    (handler->async ? async : handlers).push_back(handler);
  if (handlers.empty() && async.empty()) co_return hooks::HookBatchResult{};
  hooks::resolve_input(invocation);  // before the first suspension: make_input sees the caller's frame
  if (!async.empty()) start_async_hooks(async, invocation, turn_id);
  if (handlers.empty()) co_return hooks::HookBatchResult{};
  for (const auto* handler : handlers)
    emit(v2::HookStartedNotification{id_, turn_id,
                                     hooks::preview_run(*handler, invocation, ctx_.clock->now_sec())});
  auto result = co_await async_run_hooks(strand_, std::move(handlers), std::move(invocation),
                                         hook_clock(), running_batch_, asio::use_awaitable);
  running_batch_.reset();
  for (const auto& run : result.runs) {
    emit(v2::HookCompletedNotification{id_, turn_id, run.summary});
    // A run outside a turn (SessionEnd) is attributed to the turn running at the time, if any.
    const auto analytics_turn = turn_id ? turn_id : active_turn_ ? std::optional(active_turn_->turn.id) : std::nullopt;
    if (log_) ctx_.analytics.record(id_, analytics_turn, agent_->model(), run.summary);  // ephemeral: nothing written
  }
  co_return result;
}

asio::awaitable<bool> LiveThread::sample_reply(TurnState& turn, std::vector<ToolCall>& calls) {
  std::optional<v2::AgentMessageItem> item;  // created with the first text
  auto start_item = [&] {
    if (item) return;
    item = v2::AgentMessageItem{ctx_.ids->next("item"), "", std::nullopt};
    emit(v2::ItemStartedNotification{*item, id_, turn.turn.id, ctx_.clock->now_ms()});
  };
  drain_async_contexts(turn.turn.id);  // finished async hooks' context reaches this request
  const hooks::HookInputContext context = hook_context(turn);
  {  // PreModelRequest: observe-only; sees the request as the model will.
    hooks::HookInvocation invocation{HookEventName::preModelRequest, std::nullopt, [&] {
      return hooks::pre_model_request_input(context, responses_input(history_.model_messages(), may_spawn()),
                                            responses_tools(agent_->model(), may_spawn()), false);
    }};
    co_await run_event(turn, std::move(invocation));
    if (turn.interrupted) co_return false;
  }
  SamplingRequest request{history_.model_messages(), turn.conversation_start, turn.agent_cancelled,
                          settings_.service_tier, may_spawn()};
  auto result = co_await agent_->sample(std::move(request), [&](const std::string& delta) {
    start_item();
    item->text += delta;
    emit(v2::AgentMessageDeltaNotification{id_, turn.turn.id, item->id, delta});
  });
  {  // PostModelRequest: observe-only; what came back.
    hooks::HookInvocation invocation{HookEventName::postModelRequest, std::nullopt, [&] {
      protocol::Json output = protocol::Json::array();
      if (!result.text.empty())
        output.push_back({{"type", "message"}, {"role", "assistant"},
                          {"content", {{{"type", "output_text"}, {"text", result.text}}}}});
      for (const auto& call : result.tool_calls)
        if (call.tool_search)
          output.push_back({{"type", "tool_search_call"}, {"call_id", call.call_id}, {"status", "completed"},
                            {"execution", "client"}, {"arguments", call.arguments}});
        else if (call.input)
          output.push_back({{"type", "custom_tool_call"}, {"call_id", call.call_id}, {"name", call.name},
                            {"input", *call.input}});
        else {
          protocol::Json item = {{"type", "function_call"}, {"call_id", call.call_id}, {"name", call.name},
                                 {"arguments", call.arguments_text.empty() ? call.arguments.dump() : call.arguments_text}};
          if (!call.tool_namespace.empty()) item["namespace"] = call.tool_namespace;
          output.push_back(std::move(item));
        }
      const std::string status = result.cancelled ? "cancelled" : result.error ? "failed" : "completed";
      return hooks::post_model_request_input(context, status, result.error, output, !result.tool_calls.empty(),
                                             result.text.empty() ? std::nullopt : std::optional(result.text));
    }};
    co_await run_event(turn, std::move(invocation));
  }
  if (result.cancelled || turn.interrupted) co_return false;  // interrupted: the partial message is not completed
  if (result.error) {
    spdlog::warn("thread {}: turn {} failed: {}", id_, turn.turn.id, *result.error);
    if (item) emit(v2::ItemCompletedNotification{*item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    emit(v2::ErrorNotification{v2::TurnError{*result.error, std::nullopt}, false, id_, turn.turn.id});
    complete_turn(turn, v2::TurnStatus::failed, v2::TurnError{*result.error, std::nullopt});
    co_return false;
  }
  if (!result.text.empty()) {
    start_item();
    item->text = result.text;
    emit(v2::ItemCompletedNotification{*item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    turn.last_assistant_message = item->text;
  }
  // Reported after the response's tool calls have run (the caller), as the reference orders it.
  turn.pending_usage = result.usage;
  if (result.tool_calls.empty()) report_pending_usage(turn);
  calls = std::move(result.tool_calls);
  co_return true;
}

void LiveThread::report_pending_usage(TurnState& turn) {
  if (turn.pending_usage) report_token_usage(turn.turn.id, *turn.pending_usage);
  turn.pending_usage.reset();
  report_turn_diff(turn);  // each model response ends with the turn's diff, once it has one
}

void LiveThread::report_token_usage(const std::string& turn_id, const TokenCounts& counts) {
  const v2::TokenUsageBreakdown last{counts.total, counts.input, counts.cached_input, 0, counts.output,
                                     counts.reasoning_output};
  v2::TokenUsageBreakdown total = history_.token_usage() ? history_.token_usage()->tokenUsage.total
                                                          : v2::TokenUsageBreakdown{};
  total.totalTokens += last.totalTokens;
  total.inputTokens += last.inputTokens;
  total.cachedInputTokens += last.cachedInputTokens;
  total.outputTokens += last.outputTokens;
  total.reasoningOutputTokens += last.reasoningOutputTokens;
  emit(v2::ThreadTokenUsageUpdatedNotification{id_, turn_id, {total, last, std::nullopt}});  // stored: resume restores it
}

asio::awaitable<void> LiveThread::run_turn(std::shared_ptr<TurnState> state) {
  TurnState& turn = *state;
  announce_turn(turn);
  if (turn.interrupted) co_return co_await finish_interrupted(turn);  // turn/started not stored
  turn.conversation_start = history_.model_messages().size();
  drain_async_contexts(turn.turn.id);  // async hooks that finished while the thread was idle
  const hooks::HookInputContext context = hook_context(turn);

  if (subagent_ && !std::exchange(subagent_->started, true)) {
    // A sub-agent runs SubagentStart instead of SessionStart, once, at its first turn's start
    // (as Codex 0.169: not again for send_input or after resume_agent); its context reaches
    // the sub-agent's model before the prompt.
    hooks::HookInvocation invocation{HookEventName::subagentStart, subagent_->type,
                                     [&] { return hooks::subagent_start_input(context, id_, subagent_->type); }};
    auto result = co_await run_event(turn, std::move(invocation));
    for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
    if (turn.interrupted) co_return co_await finish_interrupted(turn);
  } else if (!subagent_ && !session_start_source_.empty()) {
    const std::string source = std::exchange(session_start_source_, "");
    hooks::HookInvocation invocation{HookEventName::sessionStart, source,
                                     [&] { return hooks::session_start_input(context, source); }};
    auto result = co_await run_event(turn, std::move(invocation));
    for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
    if (turn.interrupted) co_return co_await finish_interrupted(turn);
    if (result.should_stop) {
      complete_turn(turn, v2::TurnStatus::completed, std::nullopt);
      co_return;
    }
  }

  const std::string prompt = prompt_text(turn.input);
  {
    hooks::HookInvocation invocation{HookEventName::userPromptSubmit, std::nullopt,
                                     [&] { return hooks::user_prompt_submit_input(context, prompt); }};
    auto result = co_await run_event(turn, std::move(invocation));
    if (turn.interrupted) co_return co_await finish_interrupted(turn);
    if (result.should_stop) {
      // The prompt never enters history; its hook context still reaches the next turn.
      for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
      complete_turn(turn, v2::TurnStatus::completed, std::nullopt);
      co_return;
    }
    v2::UserMessageItem user{ctx_.ids->next("item"), turn.client_message_id, turn.input};
    emit(v2::ItemStartedNotification{user, id_, turn.turn.id, ctx_.clock->now_ms()});
    emit(v2::ItemCompletedNotification{user, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
  }

  bool stop_hook_active = false;
  for (int continuation = 0;; ++continuation) {
    co_await inject_steers(turn);  // steered input joins before the model is asked again
    if (turn.interrupted) co_return co_await finish_interrupted(turn);
    inject_subagent_notifications(turn);  // a finished sub-agent's result, as Codex tells the model
    std::vector<ToolCall> calls;
    const bool sampled = co_await sample_reply(turn, calls);
    if (turn.interrupted) co_return co_await finish_interrupted(turn);
    if (!sampled) co_return;
    if (!calls.empty()) {
      for (const auto& call : calls) {
        co_await run_tool(turn, call);
        if (turn.interrupted) co_return co_await finish_interrupted(turn);
      }
      report_pending_usage(turn);
      --continuation;  // tool rounds are not Stop continuations
      continue;
    }
    if (!turn.steers.empty()) {  // input arrived while the model answered: it answers that too
      --continuation;
      continue;
    }
    // A sub-agent's turn ends with SubagentStop instead of Stop; a block continues it the same way.
    hooks::HookInvocation invocation{
        HookEventName::stop, std::nullopt,
        [&] { return hooks::stop_input(context, stop_hook_active, turn.last_assistant_message); }};
    if (subagent_) {
      invocation.event = HookEventName::subagentStop;
      invocation.matcher_input = subagent_->type;
      invocation.make_input = [&] {
        hooks::HookInputContext parent = context;  // transcript_path: the parent's file
        parent.transcript_path = subagent_->parent_transcript_path;
        return hooks::subagent_stop_input(parent, file_path(), stop_hook_active, id_, subagent_->type,
                                          turn.last_assistant_message);
      };
    }
    auto result = co_await run_event(turn, std::move(invocation));
    if (turn.interrupted) co_return co_await finish_interrupted(turn);
    if (!result.should_block || result.fragments.empty()) break;
    if (continuation + 1 >= kMaxStopContinuations) {
      const std::string message = "Stop hooks blocked " + std::to_string(kMaxStopContinuations) +
                                  " times in one turn; ending the turn";
      spdlog::warn("thread {}: {}", id_, message);
      emit(v2::WarningNotification{id_, message});
      break;
    }
    v2::HookPromptItem prompt_item{ctx_.ids->next("item"), result.fragments};
    emit(v2::ItemStartedNotification{prompt_item, id_, turn.turn.id, ctx_.clock->now_ms()});
    emit(v2::ItemCompletedNotification{prompt_item, id_, turn.turn.id, ctx_.clock->now_ms(),
                                       std::nullopt});
    stop_hook_active = true;
  }
  complete_turn(turn, v2::TurnStatus::completed, std::nullopt);
}

void LiveThread::complete_turn(TurnState& turn, v2::TurnStatus status,
                               std::optional<v2::TurnError> error) {
  if (turn.storage_error) {
    // Whatever the turn was doing, it could not be stored: it failed, and the client hears why.
    status = v2::TurnStatus::failed;
    error = v2::TurnError{*turn.storage_error + "; the turn was stopped and is not fully stored", std::nullopt};
    emit(v2::ErrorNotification{*error, false, id_, turn.turn.id});
    deliver_unstored_ = true;  // the end of the turn is told even if it cannot be written
  }
  const std::int64_t now_ms = ctx_.clock->now_ms();
  v2::Turn completed = turn.turn;
  for (const auto& stored : history_.turns())
    if (stored.id == turn.turn.id) completed = stored;
  completed.status = status;
  completed.error = std::move(error);
  completed.completedAt = now_ms / 1000;
  completed.durationMs = now_ms - turn.started_ms;
  // turn/completed carries the summary view: the final agent message only (as the reference).
  std::vector<v2::ThreadItem> summary;
  for (auto it = completed.items.rbegin(); it != completed.items.rend(); ++it)
    if (std::holds_alternative<v2::AgentMessageItem>(*it)) {
      summary.push_back(*it);
      break;
    }
  completed.items = std::move(summary);
  completed.itemsView = v2::TurnItemsView::summary;
  if (status == v2::TurnStatus::interrupted) {
    completed.items.clear();  // as the reference: an interrupted turn/completed has no items
    completed.itemsView = v2::TurnItemsView::notLoaded;
  }
  turn_running_ = false;
  active_turn_.reset();
  emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusIdle{}});
  emit(v2::TurnCompletedNotification{id_, completed});
  notify_parent();  // a sub-agent's parent model hears how it ended
  deliver_unstored_ = false;
  if (turn.storage_error) storage_error_.clear();  // the next turn tries the disk again
  ctx_.on_thread_idle();
  for (auto& waiter : std::exchange(when_idle_, {})) asio::post(strand_, std::move(waiter));
}

}  // namespace appserver
