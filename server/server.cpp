// Server wiring and shutdown; see server.hpp.
#include "server/server.hpp"

#include "server/agent/builtin_agent.hpp"
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace appserver {

namespace asio = boost::asio;

namespace {
std::unique_ptr<Clock> make_clock(bool test_mode) {
  if (test_mode) return std::make_unique<FixedClock>();
  return std::make_unique<Clock>();
}
std::unique_ptr<IdGenerator> make_ids(bool test_mode) {
  if (test_mode) return std::make_unique<SequentialIds>();
  return std::make_unique<IdGenerator>();
}
}  // namespace

ServerContext::ServerContext(asio::io_context& io_context, ServerOptions opts)
    : io(io_context), options(std::move(opts)), clock(make_clock(options.test_mode)),
      ids(make_ids(options.test_mode)), outgoing(*clock, validator, options.validation),
      store(options.home / "sessions"),
      make_agent([] { return std::make_shared<BuiltinAgent>(); }) {
  if (!options.record.empty()) recorder = std::make_unique<Recorder>(options.record, *clock);
}

Server::Server(ServerOptions options)
    : ctx_(io_, std::move(options)), handlers_(ctx_), dispatcher_(ctx_, handlers_),
      signals_(io_, SIGINT, SIGTERM) {
  ctx_.on_thread_idle = [this] { asio::post(io_, [this] { check_drained(); }); };
}

int Server::run() {
  spdlog::info("app-server {} serving stdio; home {}{}", kServerVersion, ctx_.options.home.string(),
               ctx_.options.test_mode ? " (test mode: fixed clock, sequential ids)" : "");
  stdio_ = std::make_shared<StdioConnection>(io_, dispatcher_, ctx_.options.max_message_bytes,
                                             [this] {
                                               asio::post(io_, [this] { begin_shutdown(false); });
                                             });
  stdio_->recorder = ctx_.recorder.get();
  stdio_->start();
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}; shutting down", signal);
    begin_shutdown(/*cancel_turns=*/true);
  });
  io_.run();
  stdio_.reset();
  spdlog::info("app-server stopped");
  return 0;
}

void Server::begin_shutdown(bool cancel_turns) {
  if (cancel_turns) {
    for (const auto& thread : ctx_.registry.all())
      asio::post(thread->strand(), [thread] { thread->cancel_running_hooks(); });
    // Do not wait for the turns: write what is queued and stop. Stored history stays valid.
    shutting_down_ = true;
    finished_ = true;
    signals_.cancel();
    stdio_->flush_then([this] { io_.stop(); });
    return;
  }
  shutting_down_ = true;
  check_drained();
}

void Server::check_drained() {
  if (!shutting_down_ || finished_) return;
  // Ask every thread, on its strand, whether it is idle; finish when all are.
  auto threads = ctx_.registry.all();
  auto remaining = std::make_shared<std::size_t>(threads.size());
  auto busy = std::make_shared<bool>(false);
  auto done = [this, remaining, busy] {
    if (*remaining != 0 || *busy || finished_) return;
    finished_ = true;
    signals_.cancel();
    stdio_->flush_then([this] { io_.stop(); });
  };
  if (threads.empty()) return done();
  for (const auto& thread : threads) {
    asio::post(thread->strand(), [this, thread, remaining, busy, done] {
      const bool thread_busy = thread->busy();
      asio::post(io_, [remaining, busy, done, thread_busy] {
        *busy = *busy || thread_busy;
        --*remaining;
        done();
      });
    });
  }
}

}  // namespace appserver
