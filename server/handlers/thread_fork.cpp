// thread/fork (server/fork/thread_fork.hpp): the copy is written, loaded as a resumed thread
// whose first SessionStart says "fork", indexed, and announced as the reference announces it.
#include "server/handlers/handlers.hpp"

#include "server/fork/thread_fork.hpp"
#include "server/handlers/thread_settings.hpp"
#include "server/support/run_blocking.hpp"
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace appserver {

namespace v2 = protocol::v2;
using boost::asio::post;

namespace {
/// The source's file as the file worker read it (step 1 of a fork).
struct SourceFile {
  std::string text;                    // every byte, for write_fork_file
  std::optional<LoadedThread> source;  // nullopt: unreadable or no thread/started record
};
/// The fork's file written and read back (step 2): `error` or `loaded`.
struct ForkFile {
  std::string error;
  std::optional<LoadedThread> loaded;
};
}  // namespace

// Every file step runs on the file worker (a long thread is tens of MB, each record parsed on
// the way); the decisions and the LiveThread are made back on the connection's executor.
void Handlers::fork_thread(const ConnectionPtr& connection, v2::ThreadForkParams params,
                           Reply<v2::ThreadForkResponse> reply) {
  auto read = [path = ctx_.store.path_for(params.threadId)]() {
    SourceFile file;
    try {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in) return file;
      file.text = std::move(text).str();
      file.source = replay_thread_file(file.text, path.string());
    } catch (const std::exception& e) {
      spdlog::warn("thread/fork: cannot read {}: {}", path.string(), e.what());
      file.source.reset();
    }
    return file;
  };
  run_then(ctx_.file_io, connection->executor(), std::move(read),
           [this, connection, params = std::move(params), reply](SourceFile file) mutable {
             fork_from(connection, std::move(params), reply, std::move(file.text), std::move(file.source));
           });
}

void Handlers::fork_from(const ConnectionPtr& connection, v2::ThreadForkParams params,
                         Reply<v2::ThreadForkResponse> reply, std::string text,
                         std::optional<LoadedThread> source) {
  const std::string source_id = params.threadId;
  if (!source) return reply.error(protocol::invalid_request("thread not found: " + source_id));
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
  auto write = [store = &ctx_.store, text = std::move(text), fork, source_id]() {
    ForkFile file;
    try {
      auto log = store->open_log(fork.id);
      if (std::string failed = write_fork_file(text, fork, source_id, *log); !failed.empty()) {
        log.reset();
        std::error_code ec;
        std::filesystem::remove(store->path_for(fork.id), ec);
        file.error = failed;
        return file;
      }
      log.reset();
      file.loaded = store->load(fork.id);
      if (!file.loaded) file.error = "the copy is unreadable";
    } catch (const std::exception& e) {
      file.error = e.what();
    }
    return file;
  };
  run_then(ctx_.file_io, connection->executor(), std::move(write),
           [this, connection, params = std::move(params), reply, cwd = *cwd, fork_id = fork.id,
            source_id](ForkFile file) mutable {
    if (!file.loaded) return reply.error(protocol::internal_error("cannot fork thread " + source_id + ": " + file.error));
    std::shared_ptr<LiveThread> live;
    try {
      live = LiveThread::resume(ctx_, std::move(file.loaded->history),
                                thread_settings::settings_from(ctx_.config, cwd, params.approvalPolicy, params.sandbox,
                                                               params.config),
                                "fork");
    } catch (const std::exception& e) {
      return reply.error(protocol::internal_error(std::string("cannot fork thread: ") + e.what()));
    }
    live = ctx_.registry.insert(fork_id, live);
    spdlog::info("thread {} forked from {}", fork_id, source_id);
    ctx_.index->refresh(ctx_.store.path_for(fork_id), connection->executor(), [](std::optional<IndexedThread>) {});
    const bool include_turns = !params.excludeTurns.value_or(false);
    post(live->strand(), [this, live, connection, reply, include_turns] {
      live->subscribe(connection);
      reply(thread_settings::settings_response<v2::ThreadForkResponse>(*live, live->snapshot(include_turns)));
      if (const auto& usage = live->token_usage()) ctx_.outgoing.notify(connection, *usage);
      ctx_.outgoing.notify(connection, v2::ThreadStartedNotification{live->snapshot(/*include_turns=*/false)});
      live->send_hook_warnings(connection);
    });
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
