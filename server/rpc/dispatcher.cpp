// The method table and the cross-cutting request rules; see dispatcher.hpp.
#include "server/rpc/dispatcher.hpp"

#include "server/exec/command_exec.hpp"

#include <spdlog/spdlog.h>

namespace appserver {

namespace v2 = protocol::v2;
using protocol::Json;

Dispatcher::Dispatcher(ServerContext& ctx, Handlers& handlers) : ctx_(ctx), handlers_(handlers) {
  // clang-format off
#define REQUEST(handler, wire, Params, Result)                                                 \
  requests_[wire] = [this](const ConnectionPtr& connection, protocol::IncomingRequest& request) { \
    Reply<v2::Result> reply(ctx_.outgoing, connection, request.id, wire);                      \
    v2::Params params{};                                                                       \
    try {                                                                                      \
      protocol::decode(request.params, params, "params");                                      \
    } catch (const protocol::DecodeError& e) {                                                 \
      return reply.error(protocol::invalid_params(e.what()));                                  \
    }                                                                                          \
    handlers_.on_##handler(connection, std::move(params), reply);                              \
  };
#define CLIENT_NOTIFICATION(handler, wire, Params)                                             \
  notifications_[wire] = [this](const ConnectionPtr& connection, const Json& json) {           \
    v2::Params params{};                                                                       \
    try {                                                                                      \
      protocol::decode(json, params, "params");                                                \
    } catch (const protocol::DecodeError& e) {                                                 \
      spdlog::warn("{}: ignoring notification {}: {}", connection->describe(), wire, e.what()); \
      return;                                                                                  \
    }                                                                                          \
    handlers_.on_##handler(connection, std::move(params));                                     \
  };
#include "protocol/methods.def"
  // clang-format on
}

void Dispatcher::on_closed(const ConnectionPtr& connection) { ctx_.command_exec->connection_closed(connection->id()); }

void Dispatcher::reject(const ConnectionPtr& connection, const protocol::RpcError& error) {
  ctx_.outgoing.reply_error(connection, nullptr, error);
}

void Dispatcher::on_message(const ConnectionPtr& connection, std::string_view text) {
  // Nothing one message does may escape into the transport's read handler: an exception there
  // ends io_context::run() and with it the daemon for every client.
  try {
    dispatch_message(connection, text);
  } catch (const std::exception& e) {
    spdlog::error("{}: message could not be handled: {}", connection->describe(), e.what());
    ctx_.outgoing.reply_error(connection, nullptr, protocol::internal_error(e.what()));
  }
}

void Dispatcher::dispatch_message(const ConnectionPtr& connection, std::string_view text) {
  auto message = protocol::parse_message(text);

  if (auto* rejected = std::get_if<protocol::Rejected>(&message)) {
    spdlog::warn("{}: rejected message: {}", connection->describe(), rejected->error.message);
    ctx_.outgoing.reply_error(connection, rejected->id, rejected->error);
    return;
  }
  if (auto* notification = std::get_if<protocol::IncomingNotification>(&message)) {
    spdlog::debug("<-- {}", notification->method);
    auto it = notifications_.find(notification->method);
    if (it == notifications_.end()) {
      spdlog::debug("{}: ignoring unknown notification {}", connection->describe(),
                    notification->method);
      return;
    }
    it->second(connection, notification->params);
    return;
  }
  if (auto* response = std::get_if<protocol::IncomingResponse>(&message)) {
    spdlog::debug("<-- response({})", response->id.dump());
    if (!ctx_.pending.resolve(connection->id(), *response))
      spdlog::warn("{}: ignoring response to unknown server request {}", connection->describe(),
                   response->id.dump());
    return;
  }

  auto& request = std::get<protocol::IncomingRequest>(message);
  spdlog::debug("<-- {}({})", request.method, request.id.dump());
  auto it = requests_.find(request.method);
  if (it == requests_.end()) {
    ctx_.outgoing.reply_error(connection, request.id, protocol::method_not_found(request.method));
    return;
  }
  const bool is_initialize = request.method == "initialize";
  if (!connection->initialized && !is_initialize) {
    ctx_.outgoing.reply_error(connection, request.id, protocol::invalid_request("Not initialized"));
    return;
  }
  if (connection->initialized && is_initialize) {
    ctx_.outgoing.reply_error(connection, request.id,
                              protocol::invalid_request("Already initialized"));
    return;
  }
  if (!request.params.is_object()) {
    ctx_.outgoing.reply_error(connection, request.id,
                              protocol::invalid_params("params: expected object"));
    return;
  }
  try {
    it->second(connection, request);
  } catch (const std::exception& e) {
    // Reply objects already created answer on destruction if unanswered; log the cause here.
    spdlog::error("{}: handler for {} threw: {}", connection->describe(), request.method, e.what());
  }
}

}  // namespace appserver
