// Thread-level events: SessionEnd when a thread is unloaded or the daemon shuts down, and the
// compaction turn of thread/compact/start (PreCompact → contextCompaction item → PostCompact).
// Both run on the thread's strand as coroutines; see live_thread.hpp.
#include "server/threads/live_thread.hpp"

#include "server/threads/turn_state.hpp"

#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

namespace appserver {

namespace asio = boost::asio;
using hooks::HookEventName;

void LiveThread::end_session(std::function<void()> done) {
  if (session_ended_) return done();
  session_ended_ = true;
  // In-flight async hooks are killed and their results dropped (hooks-spec.md §3.7).
  async_queue_.clear();
  for (const auto& batch : std::exchange(async_running_, {})) batch->cancel();
  if (subagent_) return done();  // a sub-agent's session is its parent's: no SessionEnd (Codex 0.169)
  auto self = shared_from_this();
  asio::co_spawn(
      strand_,
      [self]() -> asio::awaitable<void> {
        hooks::HookInvocation invocation{
            HookEventName::sessionEnd, "other",
            [&] { return hooks::session_end_input(self->hook_context(std::nullopt)); }};
        co_await self->run_sync_hooks(std::nullopt, std::move(invocation));
      },
      [self, done = std::move(done)](std::exception_ptr e) {
        if (e) spdlog::error("thread {}: SessionEnd hooks failed", self->id_);
        done();
      });
}

void LiveThread::start_compaction(Reply<v2::ThreadCompactStartResponse> reply) {
  if (turn_running_) {
    reply.error(protocol::invalid_request("a turn is already running on thread " + id_));
    return;
  }
  auto state = begin_turn();
  reply(v2::ThreadCompactStartResponse{});
  spawn_turn(run_compaction(state));
}

asio::awaitable<void> LiveThread::run_compaction(std::shared_ptr<TurnState> state) {
  TurnState& turn = *state;
  announce_turn(turn);
  const hooks::HookInputContext context = hook_context(turn);

  // Named invocations: GCC 12 miscompiles braced temporaries inside co_await arguments.
  hooks::HookInvocation pre_invocation{HookEventName::preCompact, "manual",
                                       [&] { return hooks::compact_input(context, /*post=*/false, "manual"); }};
  auto pre = co_await run_event(turn, std::move(pre_invocation));
  if (turn.interrupted) co_return co_await finish_interrupted(turn);
  if (pre.should_stop) {  // compaction not performed; the turn is aborted
    complete_turn(turn, v2::TurnStatus::interrupted, std::nullopt);
    co_return;
  }

  v2::ContextCompactionItem item{ctx_.ids->next("item")};
  emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});
  const protocol::Json record = {{"turnId", turn.turn.id},
                                 {"summary", compaction_summary(history_.model_messages())}};
  history_.apply(kCompactionRecord, record);
  persist(kCompactionRecord, record);
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  session_start_source_ = "compact";  // the next turn's SessionStart says so

  hooks::HookInvocation post_invocation{HookEventName::postCompact, "manual",
                                        [&] { return hooks::compact_input(context, /*post=*/true, "manual"); }};
  auto post = co_await run_event(turn, std::move(post_invocation));
  if (turn.interrupted) co_return co_await finish_interrupted(turn);
  complete_turn(turn, post.should_stop ? v2::TurnStatus::interrupted : v2::TurnStatus::completed, std::nullopt);
}

}  // namespace appserver
