// thread/fork (server/fork/thread_fork.hpp): the copy is written, loaded as a resumed thread
// whose first SessionStart says "fork", indexed, and announced as the reference announces it.
#include "server/handlers/handlers.hpp"

#include "server/fork/thread_fork.hpp"
#include "server/handlers/thread_settings.hpp"
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace appserver {

namespace v2 = protocol::v2;
using boost::asio::post;

void Handlers::fork_thread(const ConnectionPtr& connection, v2::ThreadForkParams params,
                           Reply<v2::ThreadForkResponse> reply) {
  const std::string source_id = params.threadId;
  std::ifstream in(ctx_.store.path_for(source_id), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto source = replay_thread_file(text.str(), ctx_.store.path_for(source_id).string());
  if (!in || !source) return reply.error(protocol::invalid_request("thread not found: " + source_id));
  if (source->history.turns().empty())  // as thread/resume: nothing was stored to fork from
    return reply.error(protocol::invalid_request("no rollout found for thread id " + source_id));
  const v2::Thread& from = source->history.thread();
  std::string error;
  auto cwd = thread_settings::resolve_cwd(params.cwd ? params.cwd : std::optional(from.cwd), ctx_.options.default_cwd,
                                          error);
  if (!cwd) return reply.error(protocol::invalid_params(error));

  v2::Thread fork = from;
  fork.id = fork.sessionId = ctx_.ids->next("thread");
  fork.forkedFromId = source_id;
  // The name is kept (as the reference does; recorded); archived state is not.
  fork.createdAt = fork.updatedAt = ctx_.clock->now_sec();
  fork.path = ctx_.store.path_for(fork.id).string();
  fork.cwd = *cwd;
  fork.originator = connection->client_name;
  fork.turns.clear();
  fork.status = v2::ThreadStatusIdle{};
  try {
    auto log = ctx_.store.open_log(fork.id);
    if (std::string failed = write_fork_file(text.str(), fork, source_id, *log); !failed.empty()) {
      log.reset();
      std::error_code ec;
      std::filesystem::remove(ctx_.store.path_for(fork.id), ec);
      return reply.error(protocol::internal_error("cannot fork thread " + source_id + ": " + failed));
    }
  } catch (const std::exception& e) {
    return reply.error(protocol::internal_error("cannot fork thread " + source_id + ": " + e.what()));
  }
  auto loaded = ctx_.store.load(fork.id);
  if (!loaded) return reply.error(protocol::internal_error("cannot fork thread " + source_id + ": the copy is unreadable"));
  std::shared_ptr<LiveThread> live;
  try {
    live = LiveThread::resume(ctx_, std::move(loaded->history),
                              thread_settings::settings_from(ctx_.config, *cwd, params.approvalPolicy, params.sandbox,
                                                             params.config),
                              "fork");
  } catch (const std::exception& e) {
    return reply.error(protocol::internal_error(std::string("cannot fork thread: ") + e.what()));
  }
  live = ctx_.registry.insert(fork.id, live);
  spdlog::info("thread {} forked from {}", fork.id, source_id);
  ctx_.index->refresh(ctx_.store.path_for(fork.id), connection->executor(), [](std::optional<IndexedThread>) {});
  const bool include_turns = !params.excludeTurns.value_or(false);
  post(live->strand(), [this, live, connection, reply, include_turns] {
    live->subscribe(connection);
    reply(thread_settings::settings_response<v2::ThreadForkResponse>(*live, live->snapshot(include_turns)));
    if (const auto& usage = live->token_usage()) ctx_.outgoing.notify(connection, *usage);
    ctx_.outgoing.notify(connection, v2::ThreadStartedNotification{live->snapshot(/*include_turns=*/false)});
    live->send_hook_warnings(connection);
  });
}

void Handlers::on_thread_fork(const ConnectionPtr& connection, v2::ThreadForkParams params,
                              Reply<v2::ThreadForkResponse> reply) {
  if (!ThreadStore::valid_id(params.threadId) || !ctx_.store.exists(params.threadId))
    return reply.error(protocol::invalid_request("thread not found: " + params.threadId));
  auto source = ctx_.registry.find(params.threadId);
  if (!source) return fork_thread(connection, std::move(params), reply);
  // A loaded source: fork what its file holds once no turn is being written to it.
  post(source->strand(), [this, source, connection, params = std::move(params), reply]() mutable {
    if (source->busy())
      return reply.error(protocol::invalid_request("thread " + params.threadId +
                                                   " is running a turn; fork it once the turn has ended"));
    post(connection->executor(), [this, connection, params = std::move(params), reply]() mutable {
      fork_thread(connection, std::move(params), reply);
    });
  });
}

}  // namespace appserver
