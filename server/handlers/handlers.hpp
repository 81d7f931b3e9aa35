// Request handlers, one per methods.def row: `on_<handler>(connection, params, reply)`.
// Declared from the table so a new row without a handler fails to link. Handlers run on the
// connection's strand; work on a thread is posted to that thread's strand.
#pragma once

#include "protocol/methods.hpp"
#include "server/rpc/reply.hpp"
#include "server/server_context.hpp"

namespace appserver {

class LiveThread;

class Handlers {
 public:
  explicit Handlers(ServerContext& ctx) : ctx_(ctx) {}

#define REQUEST(handler, method, Params, Result) \
  void on_##handler(const ConnectionPtr& connection, protocol::v2::Params params, \
                    Reply<protocol::v2::Result> reply);
#define CLIENT_NOTIFICATION(handler, method, Params) \
  void on_##handler(const ConnectionPtr& connection, protocol::v2::Params params);
#include "protocol/methods.def"

 private:
  /// thread/fork once the source is known not to be writing a turn (handlers/thread_fork.cpp).
  void fork_thread(const ConnectionPtr& connection, protocol::v2::ThreadForkParams params,
                   Reply<protocol::v2::ThreadForkResponse> reply);
  /// thread/fork once the file worker has read the source's file (`text`, replayed as
  /// `source`): writes the copy (file worker), then loads it as a thread.
  void fork_from(const ConnectionPtr& connection, protocol::v2::ThreadForkParams params,
                 Reply<protocol::v2::ThreadForkResponse> reply, std::string text,
                 std::optional<LoadedThread> source);
  /// thread/resume's answer once `live` is registered: subscribes `connection` and replies;
  /// `loaded_now` (this resume loaded it from its file) adds the idle status and hook warnings.
  void attach_resumed(const ConnectionPtr& connection, const std::shared_ptr<LiveThread>& live,
                      const protocol::v2::ThreadResumeParams& params,
                      Reply<protocol::v2::ThreadResumeResponse> reply, bool loaded_now);
  ServerContext& ctx_;
};

}  // namespace appserver
