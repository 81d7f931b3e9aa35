// The only sender of protocol messages: responses, errors and notifications. A notification
// for many subscribers is serialised ONCE and the same immutable buffer is queued on each
// connection. Thread-safe.
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "server/support/clock.hpp"
#include "server/transport/connection.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace appserver {

class Outgoing {
 public:
  explicit Outgoing(const Clock& clock) : clock_(clock) {}

  void reply(const ConnectionPtr& connection, const protocol::RequestId& id,
             const protocol::Json& result, std::string_view method) const;
  void reply_error(const ConnectionPtr& connection, const protocol::RequestId& id,
                   const protocol::RpcError& error) const;

  /// Serialises a notification once; returns the buffer to pass to deliver().
  std::shared_ptr<const std::string> serialise(std::string_view method,
                                               const protocol::Json& params) const;
  /// Queues a serialised notification on every live connection of `to` that did not opt out.
  void deliver(const std::vector<ConnectionWeak>& to, std::string_view method,
               const std::shared_ptr<const std::string>& message) const;

  /// Typed notification to one connection: `notify(connection, v2::WarningNotification{…})`.
  template <class Params>
  void notify(const ConnectionPtr& connection, const Params& params) const {
    constexpr auto method = protocol::NotificationTraits<Params>::method;
    deliver({connection}, method, serialise(method, protocol::encode(params)));
  }

 private:
  const Clock& clock_;
};

}  // namespace appserver
