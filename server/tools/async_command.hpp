// hooks::run_command as an Asio asynchronous operation, for coroutines:
//   auto result = co_await async_run_command(strand, spec, on_started, asio::use_awaitable);
// `on_started` gets the RunningCommand handle (to cancel it) before the operation suspends.
// Thread-safety: as hooks::run_command (start and cancel from `ex`).
#pragma once

#include "hooks/command_runner.hpp"

#include <boost/asio/async_result.hpp>

#include <functional>
#include <memory>

namespace appserver {

template <class Token>
auto async_run_command(boost::asio::any_io_executor ex, hooks::CommandSpec spec,
                       std::function<void(std::shared_ptr<hooks::RunningCommand>)> on_started, Token&& token) {
  return boost::asio::async_initiate<Token, void(hooks::CommandResult)>(
      [ex, on_started = std::move(on_started)](auto handler, hooks::CommandSpec spec) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        on_started(hooks::run_command(ex, std::move(spec), [shared](hooks::CommandResult result) {
          (*shared)(std::move(result));
        }));
      },
      token, std::move(spec));
}

}  // namespace appserver
