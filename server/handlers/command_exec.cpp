// command/exec and its follow-ups: handed to the CommandExecManager (server/exec/).
#include "server/handlers/handlers.hpp"

#include "server/exec/command_exec.hpp"

namespace appserver {

namespace v2 = protocol::v2;

void Handlers::on_command_exec(const ConnectionPtr& connection, v2::CommandExecParams params,
                               Reply<v2::CommandExecResponse> reply) {
  ctx_.command_exec->start(connection, std::move(params), reply);
}

void Handlers::on_command_exec_write(const ConnectionPtr& connection, v2::CommandExecWriteParams params,
                                     Reply<v2::CommandExecWriteResponse> reply) {
  ctx_.command_exec->write(connection, std::move(params), reply);
}

void Handlers::on_command_exec_terminate(const ConnectionPtr& connection, v2::CommandExecTerminateParams params,
                                         Reply<v2::CommandExecTerminateResponse> reply) {
  ctx_.command_exec->terminate(connection, std::move(params), reply);
}

void Handlers::on_command_exec_resize(const ConnectionPtr& connection, v2::CommandExecResizeParams params,
                                      Reply<v2::CommandExecResizeResponse> reply) {
  ctx_.command_exec->resize(connection, std::move(params), reply);
}

}  // namespace appserver
