// Pending server → client requests; see pending_requests.hpp.
#include "server/rpc/pending_requests.hpp"

namespace appserver {

void PendingRequests::add(std::uint64_t connection, std::int64_t id, Callback callback) {
  std::lock_guard lock(mutex_);
  waiting_[{connection, protocol::Json(id).dump()}] = std::move(callback);
}

void PendingRequests::withdraw(std::int64_t id) {
  const std::string key = protocol::Json(id).dump();
  std::lock_guard lock(mutex_);
  std::erase_if(waiting_, [&](const auto& entry) { return entry.first.second == key; });
}

bool PendingRequests::resolve(std::uint64_t connection, const protocol::IncomingResponse& response) {
  Callback callback;
  {
    std::lock_guard lock(mutex_);
    auto it = waiting_.find({connection, response.id.dump()});
    if (it == waiting_.end()) return false;
    callback = std::move(it->second);
    waiting_.erase(it);
  }
  callback(response.result, response.error ? &*response.error : nullptr);
  return true;
}

}  // namespace appserver
