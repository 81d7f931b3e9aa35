// thread/delete: a stored thread removed for good — its file and its index row — as Codex 0.169
// does it (recorded: a loaded thread is announced `thread/status/changed {notLoaded}` to its
// subscribers, then the response `{}`, then `thread/deleted {threadId}` to every connection).
#include "server/handlers/handlers.hpp"

#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace appserver {

namespace v2 = protocol::v2;
using boost::asio::post;

namespace {

/// Removes the thread's file; "" or the error. A file another daemon holds open (its flock) is
/// refused, as thread/resume refuses it.
std::string remove_file(ServerContext& ctx, const std::string& id) {
  try {
    ThreadLog held(ctx.store.path_for(id));  // takes the thread's lock, or throws ThreadInUse
    if (::unlink(ctx.store.path_for(id).c_str()) != 0)
      return "cannot delete " + ctx.store.path_for(id).string() + ": " + std::strerror(errno);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void finish(ServerContext& ctx, const std::string& id, const Reply<v2::ThreadDeleteResponse>& reply) {
  ctx.index->remove(id);
  spdlog::info("thread {} deleted", id);
  reply(v2::ThreadDeleteResponse{});
  ctx.outgoing.notify(ctx.connections.snapshot(), v2::ThreadDeletedNotification{id});
}

}  // namespace

void Handlers::on_thread_delete(const ConnectionPtr& connection, v2::ThreadDeleteParams params,
                                Reply<v2::ThreadDeleteResponse> reply) {
  const std::string id = params.threadId;
  auto live = ctx_.registry.find(id);
  if (!live) {
    if (!ThreadStore::valid_id(id) || !ctx_.store.exists(id))
      return reply.error(protocol::invalid_request("thread not found: " + id));
    if (std::string error = remove_file(ctx_, id); !error.empty())
      return reply.error(protocol::invalid_request(error));
    return finish(ctx_, id, reply);
  }
  post(live->strand(), [this, live, id, reply, connection] {
    if (live->busy())  // the reference would cut the turn off; we ask for turn/interrupt first
      return reply.error(protocol::invalid_request("thread " + id + " is running a turn; interrupt it first"));
    live->announce_unloaded();
    ctx_.registry.erase(id, live);
    post(connection->executor(), [this, live, id, reply] {
      // The live thread's own lock is released with its log once the last reference goes; the
      // file is unlinked under it (this process holds it, so no other daemon can).
      if (::unlink(ctx_.store.path_for(id).c_str()) != 0 && errno != ENOENT)
        return reply.error(protocol::internal_error("cannot delete " + ctx_.store.path_for(id).string() + ": " +
                                                    std::strerror(errno)));
      finish(ctx_, id, reply);
    });
  });
}

}  // namespace appserver
