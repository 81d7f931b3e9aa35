// turn/steer: input typed while a turn runs joins that turn, as in Codex 0.169 (recorded with a
// mock model: the response {turnId} comes at once; the input becomes a userMessage item, and a
// user message of the next model request, when the turn next asks the model, after the
// running tool call).
#include "server/threads/live_thread.hpp"

#include "hooks/hook_input.hpp"
#include "server/threads/turn_state.hpp"

namespace appserver {

void LiveThread::steer(v2::TurnSteerParams params, Reply<v2::TurnSteerResponse> reply) {
  if (!active_turn_ || active_turn_->user_shell_only)
    return reply.error(protocol::invalid_request("no active turn to steer"));
  TurnState& turn = *active_turn_;
  if (turn.turn.id != params.expectedTurnId)
    return reply.error(protocol::invalid_request("expected active turn id `" + params.expectedTurnId +
                                                 "` but found `" + turn.turn.id + "`"));
  if (prompt_text(params.input).empty())
    return reply.error(protocol::invalid_params("params.input: expected at least one non-empty text input"));
  turn.steers.push_back({std::move(params.input), std::move(params.clientUserMessageId)});
  reply(v2::TurnSteerResponse{turn.turn.id});
}

boost::asio::awaitable<void> LiveThread::inject_steers(TurnState& turn) {
  while (!turn.steers.empty() && !turn.interrupted) {
    TurnState::Steer steer = std::move(turn.steers.front());
    turn.steers.pop_front();
    const hooks::HookInputContext context = hook_context(turn);
    const std::string prompt = prompt_text(steer.input);
    hooks::HookInvocation invocation{hooks::HookEventName::userPromptSubmit, std::nullopt,
                                     [&] { return hooks::user_prompt_submit_input(context, prompt); }};
    auto result = co_await run_event(turn, std::move(invocation));
    if (turn.interrupted) co_return;
    if (!result.should_stop) {  // a blocked steer never enters history; the turn goes on
      v2::UserMessageItem user{ctx_.ids->next("item"), steer.client_message_id, steer.input};
      emit(v2::ItemStartedNotification{user, id_, turn.turn.id, ctx_.clock->now_ms()});
      emit(v2::ItemCompletedNotification{user, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    }
    for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
  }
}

}  // namespace appserver
