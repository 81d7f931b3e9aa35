// initialize / initialized.
#include "server/handlers/handlers.hpp"

#include <spdlog/spdlog.h>
#include <sys/utsname.h>

namespace appserver {

namespace v2 = protocol::v2;

void Handlers::on_initialize(const ConnectionPtr& connection, v2::InitializeParams params,
                             Reply<v2::InitializeResponse> reply) {
  connection->initialized = true;
  ctx_.connections.add(connection);
  connection->client_name = params.clientInfo.name;
  connection->client_version = params.clientInfo.version;
  if (params.capabilities && params.capabilities->optOutNotificationMethods)
    connection->opted_out_notifications = *params.capabilities->optOutNotificationMethods;
  struct utsname uts {};
  ::uname(&uts);
  const std::string os = std::string(uts.sysname) + " " + uts.release + "; " + uts.machine;
  spdlog::info("{}: initialized by {} {}", connection->describe(), params.clientInfo.name,
               params.clientInfo.version);
  auto send_warnings = [this, connection] {
    for (const auto& warning : ctx_.config.warnings)
      ctx_.outgoing.notify(connection, v2::ConfigWarningNotification{warning, std::nullopt, ctx_.config.path.string()});
  };
  reply(v2::InitializeResponse{params.clientInfo.name + "/" + kServerVersion + " (" + os + ") (" +
                                   params.clientInfo.name + "; " + params.clientInfo.version + ")",
                               ctx_.options.home.string(), "unix", "linux"});
  send_warnings();  // after the response, as the reference sends configWarning at start-up
}

void Handlers::on_initialized(const ConnectionPtr&, v2::EmptyParams) {}

}  // namespace appserver
