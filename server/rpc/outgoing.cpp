// Outgoing message serialisation and delivery; see outgoing.hpp.
#include "server/rpc/outgoing.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdlib>

namespace appserver {

void Outgoing::check(Kind kind, std::string_view method, protocol::Json instance) const {
  if (policy_.strict || !checks_) return report(kind, method, instance);
  boost::asio::post(*checks_, [this, kind, method = std::string(method), instance = std::move(instance)] {
    report(kind, method, instance);
  });
}

void Outgoing::report(Kind kind, std::string_view method, const protocol::Json& instance) const {
  const auto failure = kind == Kind::notification ? validator_.validate_notification(method, instance)
                       : kind == Kind::result     ? validator_.validate_result(method, instance)
                                                  : validator_.validate_request_params(method, instance);
  if (!failure) return;
  ++schema_failures_;
  const char* what = kind == Kind::notification ? "notification" : kind == Kind::result ? "result of" : "server request";
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
  spdlog::debug("--> reply {}({})", method, id.dump());
  if (policy_.validate_all) check(Kind::result, method, result);
  connection->send(std::make_shared<const std::string>(protocol::make_response(id, result)));
}

void Outgoing::reply_error(const ConnectionPtr& connection, const protocol::RequestId& id,
                           const protocol::RpcError& error) const {
  spdlog::debug("--> error ({}) {} {}", id.dump(), static_cast<int>(error.code), error.message);
  connection->send(std::make_shared<const std::string>(protocol::make_error(id, error)));
}

void Outgoing::request(const ConnectionPtr& connection, std::int64_t id, std::string_view method,
                       const protocol::Json& params) const {
  spdlog::debug("--> request {}({})", method, id);
  if (policy_.validate_all) check(Kind::request, method, params);
  connection->send(std::make_shared<const std::string>(protocol::make_request(id, method, params)));
}

std::shared_ptr<const std::string> Outgoing::serialise(std::string_view method, protocol::Json params) const {
  const std::string text = params.dump(-1, ' ', false, protocol::Json::error_handler_t::replace);
  return serialise(method, std::move(params), text);
}

std::shared_ptr<const std::string> Outgoing::serialise(std::string_view method, protocol::Json params,
                                                       std::string_view params_text) const {
  auto message = std::make_shared<const std::string>(
      protocol::make_notification_text(method, params_text, clock_.now_ms()));
  if (policy_.validate_all || method == "hook/started" || method == "hook/completed")
    check(Kind::notification, method, std::move(params));
  return message;
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
