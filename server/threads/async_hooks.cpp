// `async: true` hook handlers (hooks-spec.md §3.7): started in the background, never awaited,
// never announced (no hook/started or hook/completed), at most kMaxAsyncHooks processes per
// thread (the rest wait in order, none is dropped). A finished run's additionalContext waits in
// async_contexts_ until the next model request records it as developer messages; its
// systemMessage becomes a `warning` notification. Everything runs on the thread's strand.
#include "server/threads/live_thread.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace appserver {

namespace {
constexpr std::size_t kMaxAsyncHooks = 8;
}

struct LiveThread::AsyncJob {
  std::shared_ptr<const hooks::HookSet> set;  // keeps `handler` alive across reloads
  const hooks::HookHandler* handler = nullptr;
  hooks::HookInvocation invocation;
  std::optional<std::string> turn_id;
};

void LiveThread::start_async_hooks(const std::vector<const hooks::HookHandler*>& handlers,
                                   const hooks::HookInvocation& invocation,
                                   const std::optional<std::string>& turn_id) {
  if (session_ended_) return;
  for (const auto* handler : handlers)
    async_queue_.push_back(std::make_shared<AsyncJob>(AsyncJob{hooks_, handler, invocation, turn_id}));
  pump_async_hooks();
}

void LiveThread::pump_async_hooks() {
  while (async_running_.size() < kMaxAsyncHooks && !async_queue_.empty() && !session_ended_) {
    auto job = async_queue_.front();
    async_queue_.pop_front();
    auto slot = std::make_shared<std::shared_ptr<hooks::HookBatch>>();
    auto self = shared_from_this();
    *slot = hooks::run_hooks(
        strand_, {job->handler}, job->invocation, hook_clock(), [self, job, slot](hooks::HookBatchResult result) {
          std::erase(self->async_running_, *slot);
          if (self->session_ended_) return;  // shutdown drops late results
          for (const auto& run : result.runs) {
            self->ctx_.analytics.record(self->id_, job->turn_id, self->agent_->model(), run.summary);
            for (const auto& entry : run.summary.entries)
              if (entry.kind == v2::HookOutputEntryKind::warning)
                self->emit(v2::WarningNotification{self->id_, entry.text});
            spdlog::debug("thread {}: async hook {} finished {}", self->id_, run.summary.id,
                          protocol::encode(run.summary.status).dump());
          }
          for (auto& context : result.contexts) self->async_contexts_.push_back(std::move(context));
          self->pump_async_hooks();
        });
    async_running_.push_back(*slot);
  }
}

void LiveThread::drain_async_contexts(const std::string& turn_id) {
  for (const auto& context : std::exchange(async_contexts_, {})) record_developer_message(turn_id, context);
}

}  // namespace appserver
