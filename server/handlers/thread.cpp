// thread/start, thread/resume, thread/read, thread/loaded/list (thread/list: thread_meta.cpp).
#include "server/handlers/handlers.hpp"

#include "server/handlers/thread_settings.hpp"
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace appserver {

namespace v2 = protocol::v2;
namespace fs = std::filesystem;
using boost::asio::post;
using thread_settings::resolve_cwd;
using thread_settings::settings_from;
using thread_settings::settings_response;


void Handlers::on_thread_start(const ConnectionPtr& connection, v2::ThreadStartParams params,
                               Reply<v2::ThreadStartResponse> reply) {
  std::string error;
  auto cwd = resolve_cwd(params.cwd, ctx_.options.default_cwd, error);
  if (!cwd) return reply.error(protocol::invalid_params(error));

  v2::Thread thread;
  thread.id = ctx_.ids->next("thread");
  thread.sessionId = thread.id;
  thread.ephemeral = params.ephemeral.value_or(false);
  thread.createdAt = thread.updatedAt = ctx_.clock->now_sec();
  thread.cwd = *cwd;
  thread.cliVersion = kServerVersion;
  thread.originator = connection->client_name;

  std::shared_ptr<LiveThread> live;
  try {
    ThreadSettings settings = settings_from(ctx_.config, *cwd, params.approvalPolicy, params.sandbox, params.config);
    if (params.serviceTier.given)  // as the reference: an explicit null is the default tier
      settings.service_tier = params.serviceTier ? (*params.serviceTier == "fast" ? "priority" : *params.serviceTier)
                                                 : "default";
    live = LiveThread::create(ctx_, thread, std::move(settings));
  } catch (const std::exception& e) {
    spdlog::error("thread/start failed: {}", e.what());
    return reply.error(protocol::internal_error(std::string("cannot create thread: ") + e.what()));
  }
  ctx_.registry.insert(live->id(), live);
  post(live->strand(), [this, live, connection, reply] {
    live->subscribe(connection);
    v2::Thread snapshot = live->snapshot(/*include_turns=*/true);
    reply(settings_response<v2::ThreadStartResponse>(*live, snapshot));
    ctx_.outgoing.notify(connection, v2::ThreadStartedNotification{snapshot});
    live->send_hook_warnings(connection);
  });
}

void Handlers::on_thread_resume(const ConnectionPtr& connection, v2::ThreadResumeParams params,
                                Reply<v2::ThreadResumeResponse> reply) {
  if (auto live = ctx_.registry.find(params.threadId)) return attach_resumed(connection, live, params, reply, false);
  // Not loaded: its file is read on the file worker; the rest runs back on this connection.
  const std::string id = params.threadId;
  ctx_.load_thread(id, connection->executor(),
                   [this, connection, params = std::move(params), reply](std::optional<LoadedThread> loaded) {
    // Another request may have loaded it while the file was read: that one is the thread.
    if (auto live = ctx_.registry.find(params.threadId)) return attach_resumed(connection, live, params, reply, false);
    if (!loaded) return reply.error(protocol::invalid_request("thread not found: " + params.threadId));
    // The reference writes a thread's rollout at its first turn: a thread without one cannot
    // be resumed there, with this error. Ours has a file from thread/start; we answer the same.
    if (loaded->history.turns().empty())
      return reply.error(protocol::invalid_request("no rollout found for thread id " + params.threadId));
    std::string error;
    auto cwd = resolve_cwd(params.cwd ? params.cwd : std::optional(loaded->history.thread().cwd),
                           ctx_.options.default_cwd, error);
    if (!cwd) return reply.error(protocol::invalid_params(error));
    std::shared_ptr<LiveThread> live;
    try {
      live = LiveThread::resume(ctx_, std::move(loaded->history),
                                settings_from(ctx_.config, *cwd, params.approvalPolicy, std::nullopt, params.config));
    } catch (const std::exception& e) {
      return reply.error(protocol::internal_error(std::string("cannot resume thread: ") + e.what()));
    }
    live = ctx_.registry.insert(params.threadId, live);
    attach_resumed(connection, live, params, reply, true);
  });
}

void Handlers::attach_resumed(const ConnectionPtr& connection, const std::shared_ptr<LiveThread>& live,
                              const v2::ThreadResumeParams& params, Reply<v2::ThreadResumeResponse> reply,
                              bool loaded_now) {
  const bool include_turns = !params.excludeTurns.value_or(false);
  post(live->strand(), [this, live, connection, reply, include_turns, loaded_now] {
    live->subscribe(connection);
    // As the reference: a thread loaded by this resume is announced idle before the response,
    // and its stored token usage follows it. Hook warnings go out once per load.
    if (loaded_now) ctx_.outgoing.notify(connection, v2::ThreadStatusChangedNotification{live->id(), v2::ThreadStatusIdle{}});
    reply(settings_response<v2::ThreadResumeResponse>(*live, live->snapshot(include_turns)));
    if (const auto& usage = live->token_usage()) ctx_.outgoing.notify(connection, *usage);
    if (loaded_now) live->send_hook_warnings(connection);
  });
}

void Handlers::on_thread_read(const ConnectionPtr& connection, v2::ThreadReadParams params,
                              Reply<v2::ThreadReadResponse> reply) {
  const bool include_turns = params.includeTurns.value_or(false);
  if (auto live = ctx_.registry.find(params.threadId)) {
    post(live->strand(), [live, reply, include_turns] {
      reply(v2::ThreadReadResponse{live->snapshot(include_turns)});
    });
    return;
  }
  const std::string id = params.threadId;
  ctx_.load_thread(id, connection->executor(), [id, reply, include_turns](std::optional<LoadedThread> loaded) {
    if (!loaded) return reply.error(protocol::invalid_request("thread not found: " + id));
    v2::Thread thread = std::move(loaded->history.thread());
    thread.status = v2::ThreadStatusNotLoaded{};
    if (!include_turns) thread.turns.clear();
    reply(v2::ThreadReadResponse{std::move(thread)});
  });
}

void Handlers::on_thread_loaded_list(const ConnectionPtr&, v2::ThreadLoadedListParams,
                                     Reply<v2::ThreadLoadedListResponse> reply) {
  reply(v2::ThreadLoadedListResponse{ctx_.registry.ids(), std::nullopt});
}

void Handlers::on_thread_unsubscribe(const ConnectionPtr& connection,
                                     v2::ThreadUnsubscribeParams params,
                                     Reply<v2::ThreadUnsubscribeResponse> reply) {
  auto live = ctx_.registry.find(params.threadId);
  if (!live) return reply(v2::ThreadUnsubscribeResponse{v2::ThreadUnsubscribeStatus::notLoaded});
  post(live->strand(), [this, live, connection, reply] {
    // The last subscriber leaving an idle thread unloads it: it still receives the SessionEnd
    // runs it caused, then `thread/closed`. A thread with a running turn stays loaded (the turn
    // finishes and is stored).
    const bool last = live->subscriber_count() == 1 && !live->busy() && live->is_subscribed(connection->id());
    if (!last) {
      const bool was_subscribed = live->unsubscribe(connection->id());
      return reply(v2::ThreadUnsubscribeResponse{was_subscribed ? v2::ThreadUnsubscribeStatus::unsubscribed
                                                                : v2::ThreadUnsubscribeStatus::notSubscribed});
    }
    reply(v2::ThreadUnsubscribeResponse{v2::ThreadUnsubscribeStatus::unsubscribed});
    live->end_session([this, live, connection] {
      live->unsubscribe(connection->id());
      ctx_.registry.erase(live->id(), live);
      spdlog::info("thread {} unloaded", live->id());
      ctx_.outgoing.notify(connection, v2::ThreadClosedNotification{live->id()});
    });
  });
}

void Handlers::on_thread_compact_start(const ConnectionPtr&, v2::ThreadCompactStartParams params,
                                       Reply<v2::ThreadCompactStartResponse> reply) {
  auto live = ctx_.registry.find(params.threadId);
  if (!live) return reply.error(protocol::invalid_request("thread not loaded: " + params.threadId));
  post(live->strand(), [live, reply] { live->start_compaction(reply); });
}

void Handlers::on_thread_turns_list(const ConnectionPtr& connection, v2::ThreadTurnsListParams params,
                                    Reply<v2::ThreadTurnsListResponse> reply) {
  auto page = [params](std::vector<v2::Turn> turns) {
    std::reverse(turns.begin(), turns.end());  // newest first
    std::size_t offset = 0;
    if (params.cursor) offset = std::strtoul(params.cursor->c_str(), nullptr, 10);
    const auto limit = static_cast<std::size_t>(std::clamp<std::int64_t>(params.limit.value_or(50), 1, 500));
    v2::ThreadTurnsListResponse response;
    for (std::size_t i = offset; i < turns.size() && response.data.size() < limit; ++i)
      response.data.push_back(std::move(turns[i]));
    if (offset + response.data.size() < turns.size())
      response.nextCursor = std::to_string(offset + response.data.size());
    return response;
  };
  if (auto live = ctx_.registry.find(params.threadId)) {
    post(live->strand(), [live, reply, page] { reply(page(live->snapshot(true).turns)); });
    return;
  }
  const std::string id = params.threadId;
  ctx_.load_thread(id, connection->executor(), [id, reply, page](std::optional<LoadedThread> loaded) {
    if (!loaded) return reply.error(protocol::invalid_request("thread not found: " + id));
    reply(page(std::move(loaded->history.thread().turns)));
  });
}

}  // namespace appserver
