// Server → client requests waiting for their response, keyed by (connection, request id).
// The dispatcher hands every client response here; the callback of the matching request runs
// on the connection's strand (post onward to where the work lives). Thread-safe.
#pragma once

#include "protocol/jsonrpc.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace appserver {

class PendingRequests {
 public:
  /// result: the `result` member (null on error); error: set when the client answered an error.
  using Callback = std::function<void(const protocol::Json& result, const protocol::RpcError* error)>;

  /// A fresh request id (integers from 0, shared by all connections).
  std::int64_t next_id() { return next_id_++; }
  void add(std::uint64_t connection, std::int64_t id, Callback callback);
  /// Drops the requests with `id` on every connection (answered elsewhere, or withdrawn).
  void withdraw(std::int64_t id);
  /// Routes a response; false when nothing waits for it.
  bool resolve(std::uint64_t connection, const protocol::IncomingResponse& response);

 private:
  std::atomic<std::int64_t> next_id_{0};
  std::mutex mutex_;
  std::map<std::pair<std::uint64_t, std::string>, Callback> waiting_;
};

}  // namespace appserver
