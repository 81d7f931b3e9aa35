// Outgoing message serialisation and delivery; see outgoing.hpp.
#include "server/rpc/outgoing.hpp"

#include <algorithm>
#include <cstdlib>

namespace appserver {

void Outgoing::report(std::string_view what, std::string_view method,
                      const std::optional<schema::SchemaFailure>& failure,
                      const protocol::Json& instance) const {
  if (!failure) return;
  ++schema_failures_;
  spdlog::error("schema violation in {} {}: at {}: {} ({} errors); instance: {}", what, method,
                failure->pointer, failure->rule, failure->error_count,
                instance.dump(-1, ' ', false, protocol::Json::error_handler_t::replace));
  if (policy_.strict) {
    spdlog::critical("--strict-schemas: aborting");
    spdlog::default_logger()->flush();
    std::abort();
  }
}

void Outgoing::reply(const ConnectionPtr& connection, const protocol::RequestId& id,
                     const protocol::Json& result, std::string_view method) const {
  if (policy_.validate_all) report("result of", method, validator_.validate_result(method, result), result);
  spdlog::debug("--> reply {}({})", method, id.dump());
  connection->send(std::make_shared<const std::string>(protocol::make_response(id, result)));
}

void Outgoing::reply_error(const ConnectionPtr& connection, const protocol::RequestId& id,
                           const protocol::RpcError& error) const {
  spdlog::debug("--> error ({}) {} {}", id.dump(), static_cast<int>(error.code), error.message);
  connection->send(std::make_shared<const std::string>(protocol::make_error(id, error)));
}

void Outgoing::request(const ConnectionPtr& connection, std::int64_t id, std::string_view method,
                       const protocol::Json& params) const {
  if (policy_.validate_all)
    report("server request", method, validator_.validate_request_params(method, params), params);
  spdlog::debug("--> request {}({})", method, id);
  connection->send(std::make_shared<const std::string>(protocol::make_request(id, method, params)));
}

std::shared_ptr<const std::string> Outgoing::serialise(std::string_view method,
                                                       const protocol::Json& params) const {
  return serialise(method, params, params.dump(-1, ' ', false, protocol::Json::error_handler_t::replace));
}

std::shared_ptr<const std::string> Outgoing::serialise(std::string_view method, const protocol::Json& params,
                                                       std::string_view params_text) const {
  if (policy_.validate_all || method == "hook/started" || method == "hook/completed")
    report("notification", method, validator_.validate_notification(method, params), params);
  return std::make_shared<const std::string>(
      protocol::make_notification_text(method, params_text, clock_.now_ms()));
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
