// Outgoing message serialisation and delivery; see outgoing.hpp.
#include "server/rpc/outgoing.hpp"

#include <algorithm>

namespace appserver {

void Outgoing::reply(const ConnectionPtr& connection, const protocol::RequestId& id,
                     const protocol::Json& result, std::string_view method) const {
  spdlog::debug("--> reply {}({})", method, id.dump());
  connection->send(std::make_shared<const std::string>(protocol::make_response(id, result)));
}

void Outgoing::reply_error(const ConnectionPtr& connection, const protocol::RequestId& id,
                           const protocol::RpcError& error) const {
  spdlog::debug("--> error ({}) {} {}", id.dump(), static_cast<int>(error.code), error.message);
  connection->send(std::make_shared<const std::string>(protocol::make_error(id, error)));
}

std::shared_ptr<const std::string> Outgoing::serialise(std::string_view method,
                                                       const protocol::Json& params) const {
  return std::make_shared<const std::string>(
      protocol::make_notification(method, params, clock_.now_ms()));
}

void Outgoing::deliver(const std::vector<ConnectionWeak>& to, std::string_view method,
                       const std::shared_ptr<const std::string>& message) const {
  spdlog::trace("--> {} {}", method, *message);
  for (const auto& weak : to) {
    auto connection = weak.lock();
    if (!connection) continue;
    // opted_out_notifications is written once at initialize, before any notification.
    const auto& opted_out = connection->opted_out_notifications;
    if (std::find(opted_out.begin(), opted_out.end(), method) != opted_out.end()) continue;
    connection->send(message);
  }
}

}  // namespace appserver
