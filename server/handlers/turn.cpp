// turn/start, turn/interrupt: posted to the thread's strand.
#include "server/handlers/handlers.hpp"

#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>

namespace appserver {

namespace v2 = protocol::v2;
using boost::asio::post;

void Handlers::on_turn_start(const ConnectionPtr&, v2::TurnStartParams params,
                             Reply<v2::TurnStartResponse> reply) {
  auto live = ctx_.registry.find(params.threadId);
  if (!live) return reply.error(protocol::invalid_request("thread not loaded: " + params.threadId));
  post(live->strand(), [live, params = std::move(params), reply]() mutable {
    live->start_turn(std::move(params), reply);
  });
}

void Handlers::on_turn_steer(const ConnectionPtr&, v2::TurnSteerParams params, Reply<v2::TurnSteerResponse> reply) {
  auto live = ctx_.registry.find(params.threadId);
  if (!live) return reply.error(protocol::invalid_request("thread not loaded: " + params.threadId));
  post(live->strand(), [live, params = std::move(params), reply]() mutable { live->steer(std::move(params), reply); });
}

void Handlers::on_thread_shell_command(const ConnectionPtr&, v2::ThreadShellCommandParams params,
                                       Reply<v2::ThreadShellCommandResponse> reply) {
  auto live = ctx_.registry.find(params.threadId);
  if (!live) return reply.error(protocol::invalid_request("thread not loaded: " + params.threadId));
  post(live->strand(), [live, params = std::move(params), reply]() mutable {
    live->shell_command(std::move(params), reply);
  });
}

void Handlers::on_thread_revert(const ConnectionPtr&, v2::ThreadRevertParams params,
                                Reply<v2::ThreadRevertResponse> reply) {
  auto live = ctx_.registry.find(params.threadId);
  if (!live) return reply.error(protocol::invalid_request("thread not loaded: " + params.threadId));
  post(live->strand(), [live, params = std::move(params), reply]() mutable { live->revert(std::move(params), reply); });
}

void Handlers::on_turn_interrupt(const ConnectionPtr&, v2::TurnInterruptParams params,
                                 Reply<v2::TurnInterruptResponse> reply) {
  auto live = ctx_.registry.find(params.threadId);
  if (!live) return reply.error(protocol::invalid_request("thread not loaded: " + params.threadId));
  post(live->strand(), [live, turn = params.turnId, reply] { live->interrupt(turn, reply); });
}

}  // namespace appserver
