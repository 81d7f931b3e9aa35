// Reply<R>: the handle a request handler uses to answer. It must be used exactly once — with
// a result or an error. If every copy is dropped without answering, the client still gets an
// InternalError and the drop is logged (clangd's ReplyOnce). Copyable; thread-safe.
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/jsonrpc.hpp"
#include "server/rpc/outgoing.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <string>

namespace appserver {

namespace detail {
struct ReplyState {
  ReplyState(const Outgoing* o, ConnectionWeak c, protocol::RequestId i, std::string m)
      : outgoing(o), connection(std::move(c)), id(std::move(i)), method(std::move(m)) {}
  const Outgoing* outgoing;
  ConnectionWeak connection;
  protocol::RequestId id;
  std::string method;
  std::atomic<bool> answered{false};

  bool claim() { return !answered.exchange(true); }
  ~ReplyState() {
    if (answered) return;
    spdlog::error("request {}({}) was dropped without a reply", method, id.dump());
    if (auto c = connection.lock())
      outgoing->reply_error(c, id, protocol::internal_error("request dropped without a reply"));
  }
};
}  // namespace detail

template <class Result>
class Reply {
 public:
  Reply(const Outgoing& outgoing, const ConnectionPtr& connection, protocol::RequestId id,
        std::string method)
      : state_(std::make_shared<detail::ReplyState>(&outgoing, connection, std::move(id),
                                                     std::move(method))) {}

  /// Sends the result. A second answer is ignored with an error log.
  void operator()(const Result& result) const {
    if (!state_->claim()) return log_twice();
    if (auto c = state_->connection.lock())
      state_->outgoing->reply(c, state_->id, protocol::encode(result), state_->method);
  }
  /// Sends a JSON-RPC error.
  void error(const protocol::RpcError& error) const {
    if (!state_->claim()) return log_twice();
    if (auto c = state_->connection.lock()) state_->outgoing->reply_error(c, state_->id, error);
  }
  const std::string& method() const { return state_->method; }

 private:
  void log_twice() const {
    spdlog::error("request {}({}) answered twice; second answer dropped", state_->method,
                  state_->id.dump());
  }
  std::shared_ptr<detail::ReplyState> state_;
};

}  // namespace appserver
