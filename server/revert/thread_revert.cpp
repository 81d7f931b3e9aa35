// thread/revert: the thread's history is cut back to before one turn, as Codex 0.169 does it
// (recorded with a mock model and hooks): a running turn is interrupted first; the thread is
// announced unloaded and loaded again (thread/status/changed notLoaded, then idle); the
// response carries the thread without turns and cursors to page what is left; then
// `thread/reverted`. The model's next request sees only the turns kept, and that turn runs
// SessionStart with source "resume", as after the reference's reload. Files on disk are not
// touched (the reference does not revert them either).
//
// Stored as one appended `$/revert {beforeTurnId}` record (thread_history.hpp): the file stays
// append-only, so a crash leaves either the old or the cut history, never a torn one; the
// record is written before anything is changed or announced.
#include "server/threads/turn_state.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace appserver {

void LiveThread::revert(v2::ThreadRevertParams params, Reply<v2::ThreadRevertResponse> reply) {
  if (!history_.has_turn(params.beforeTurnId))
    return reply.error(protocol::invalid_request("turn not found: " + params.beforeTurnId));
  if (active_turn_) {  // as the reference: the running turn ends (interrupted) first
    if (!active_turn_->interrupted) {
      spdlog::info("thread {}: thread/revert interrupts turn {}", id_, active_turn_->turn.id);
      stop_active_turn();
    }
    when_idle_.push_back([self = shared_from_this(), params = std::move(params), reply]() mutable {
      self->revert(std::move(params), reply);
    });
    return;
  }
  const protocol::Json record = {{"beforeTurnId", params.beforeTurnId}};
  if (log_ && !log_->append(kRevertRecord, record)) {
    spdlog::error("thread {}: {}", id_, log_->last_error());
    return reply.error(protocol::internal_error(log_->last_error()));
  }
  history_.apply(kRevertRecord, record);
  update_index();
  session_start_source_ = "resume";
  emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusNotLoaded{}});
  emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusIdle{}});
  v2::ThreadRevertResponse response;
  response.thread = snapshot(/*include_turns=*/false);
  std::size_t items = 0;
  for (const auto& turn : history_.turns()) items += turn.items.size();
  if (!history_.turns().empty()) response.turnsBackwardsCursor = "0";  // thread/turns/list: newest first
  if (items > 0) response.itemsBackwardsCursor = "item:" + std::to_string(items - 1);  // with sortDirection desc
  reply(response);
  emit(v2::ThreadRevertedNotification{id_});
}

}  // namespace appserver
