// The only sender of protocol messages: responses, errors and notifications. A notification
// for many subscribers is serialised ONCE and the same immutable buffer is queued on each
// connection. Every hook/started and hook/completed is validated against the generated schema
// (always on); with `validate_all`, every notification, result and server request is. A failure
// is logged with the JSON pointer and the rule and counted. With `strict` the check runs before
// the message is serialised and a failure aborts the process, so an invalid message never leaves
// (tests run this way); otherwise, given an executor for checks, it runs there after the message
// is queued, so validation (≈12 µs a hook notification) never delays one. Thread-safe.
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "server/support/clock.hpp"
#include "server/transport/connection.hpp"

#include "schema/schema_validator.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace appserver {

/// What Outgoing validates and what a failure does.
struct ValidationPolicy {
  bool validate_all = false;  // every notification and result, not only hook/*
  bool strict = false;        // abort the process on a failure (tests run this way)
};

class Outgoing {
 public:
  /// `checks`: where non-strict schema checks run, after the message is queued (the server
  /// passes its io_context); without one every check runs inline before serialising.
  Outgoing(const Clock& clock, const schema::SchemaValidator& validator, ValidationPolicy policy,
           std::optional<boost::asio::any_io_executor> checks = std::nullopt)
      : clock_(clock), validator_(validator), policy_(policy), checks_(std::move(checks)) {}

  void reply(const ConnectionPtr& connection, const protocol::RequestId& id,
             const protocol::Json& result, std::string_view method) const;
  void reply_error(const ConnectionPtr& connection, const protocol::RequestId& id,
                   const protocol::RpcError& error) const;

  /// Serialises a notification once; returns the buffer to pass to deliver(). `params` is
  /// kept (moved) for a deferred schema check.
  std::shared_ptr<const std::string> serialise(std::string_view method, protocol::Json params) const;
  /// The same when the caller already has `params` as compact JSON text (`params_text` must
  /// be `params.dump()`); `params` is still what is validated.
  std::shared_ptr<const std::string> serialise(std::string_view method, protocol::Json params,
                                               std::string_view params_text) const;
  /// Queues a serialised notification on every live connection of `to` that did not opt out.
  void deliver(const std::vector<ConnectionWeak>& to, std::string_view method,
               const std::shared_ptr<const std::string>& message) const;

  /// Typed notification to one connection: `notify(connection, v2::WarningNotification{…})`.
  template <class Params>
  void notify(const ConnectionPtr& connection, const Params& params) const {
    constexpr auto method = protocol::NotificationTraits<Params>::method;
    deliver({connection}, method, serialise(method, protocol::encode(params)));
  }
  /// The same to every live connection of `to` (serialised once).
  template <class Params>
  void notify(const std::vector<ConnectionWeak>& to, const Params& params) const {
    constexpr auto method = protocol::NotificationTraits<Params>::method;
    deliver(to, method, serialise(method, protocol::encode(params)));
  }

  /// Sends a server → client request `{"id", "method", "params"}`.
  void request(const ConnectionPtr& connection, std::int64_t id, std::string_view method,
               const protocol::Json& params) const;

  /// Number of messages that failed schema validation so far.
  std::uint64_t schema_failures() const { return schema_failures_.load(); }

 private:
  enum class Kind { notification, result, request };
  /// Validates `instance` as the `kind` of `method`: inline when strict or without `checks_`,
  /// else posted to `checks_` (the instance is moved into the posted check).
  void check(Kind kind, std::string_view method, protocol::Json instance) const;
  void report(Kind kind, std::string_view method, const protocol::Json& instance) const;

  const Clock& clock_;
  const schema::SchemaValidator& validator_;
  ValidationPolicy policy_;
  std::optional<boost::asio::any_io_executor> checks_;
  mutable std::atomic<std::uint64_t> schema_failures_{0};
};

}  // namespace appserver
