// Server wiring and shutdown; see server.hpp.
#include "server/server.hpp"

#include "server/sandbox/sandbox.hpp"

#include "server/agent/builtin_agent.hpp"
#include "server/agent/responses_agent.hpp"
#include "server/exec/command_exec.hpp"
#include "server/file_search/file_search.hpp"
#include "server/support/run_blocking.hpp"
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <unistd.h>
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
      ids(make_ids(options.test_mode)), outgoing(*clock, validator, options.validation, io_context.get_executor()),
      store(options.home / "sessions"),
      index(std::make_unique<ThreadIndex>(options.home / "thread-index.sqlite", options.home / "sessions")),
      config(load_config_file(options.home / "config.toml", options.config_overrides,
                              options.analytics_default_enabled)),
      analytics(options.home / "analytics" / "events.jsonl", config.analytics_enabled) {
  std::vector<std::string> environment;
  for (char** e = environ; e && *e; ++e) environment.emplace_back(*e);
  hook_environment = std::make_shared<const std::vector<std::string>>(
      hooks::hook_environment(environment, config.secret_env_keys()));
  for (const auto& warning : config.warnings) spdlog::warn("{}", warning);
  if (const ModelProvider* provider = config.selected_provider()) {
    const std::string model = config.model.value_or("gpt-5");
    spdlog::info("model: {} via {} ({})", model, provider->id, provider->base_url);
    make_agent = [model, provider = *provider] { return std::make_shared<ResponsesAgent>(model, provider); };
  } else {
    make_agent = [] { return std::make_shared<BuiltinAgent>(); };
  }
  if (!options.record.empty()) recorder = std::make_unique<Recorder>(options.record, *clock);
  command_exec = std::make_unique<CommandExecManager>(*this);
  file_search = std::make_unique<FileSearch>(*hook_environment);
  user_shell = "/bin/sh";
  const char* shell = std::getenv("SHELL");
  for (const char* candidate : {shell, "/bin/bash"})
    if (candidate && candidate[0] == '/' && ::access(candidate, X_OK) == 0) {
      user_shell = candidate;
      break;
    }
  const char* path = std::getenv("PATH");
  bwrap = sandbox::find_bwrap(path ? path : "");
  if (!bwrap) spdlog::warn("bwrap (bubblewrap) is not on PATH: commands of threads with a read-only or "
                           "workspace-write sandbox policy will not run (docs/security.md)");
}

ServerContext::~ServerContext() = default;

void ConnectionList::add(const ConnectionPtr& connection) {
  std::lock_guard lock(mutex_);
  std::erase_if(connections_, [](const ConnectionWeak& w) { return w.expired(); });
  connections_.push_back(connection);
}

std::vector<ConnectionWeak> ConnectionList::snapshot() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

hooks::HookSet ServerContext::discover_hooks(const std::string& cwd, bool bypass_trust) const {
  hooks::DiscoveryRoots roots{options.system_config_dir, options.home, cwd};
  roots.config_overrides = options.config_overrides;
  hooks::HookSet set = hooks::discover(roots);
  set.bypass_trust = bypass_trust || options.bypass_hook_trust;
  std::size_t bypassed = 0;
  for (const auto& h : set.handlers) bypassed += h.runs(true) && !h.runs(false) ? 1 : 0;
  if (set.bypass_trust && bypassed > 0)
    set.warnings.push_back("hook trust is bypassed (" +
                           std::string(options.bypass_hook_trust ? "--dangerously-bypass-hook-trust"
                                                                 : "thread config bypass_hook_trust") +
                           "): " + std::to_string(bypassed) + " untrusted hook" + (bypassed == 1 ? "" : "s") +
                           " will run");
  return set;
}

void ServerContext::load_thread(std::string id, asio::any_io_executor executor,
                                std::function<void(std::optional<LoadedThread>)> done) {
  if (!ThreadStore::valid_id(id)) return done(std::nullopt);  // no file to read: answer in order
  auto work = [store = &store, id = std::move(id)]() -> std::optional<LoadedThread> {
    try {
      return store->load(id);
    } catch (const std::exception& e) {  // out of memory for a huge file, say
      spdlog::warn("thread {}: cannot load its history: {}", id, e.what());
      return std::nullopt;
    }
  };
  run_then(file_io, executor, std::move(work), std::move(done));
}

Server::Server(ServerOptions options)
    : ctx_(io_, std::move(options)), handlers_(ctx_), dispatcher_(ctx_, handlers_),
      signals_(io_, SIGINT, SIGTERM), deadline_(io_) {
  ctx_.on_thread_idle = [this] { asio::post(io_, [this] { check_drained(); }); };
  if (ctx_.options.strict_config && !ctx_.config.unknown_keys.empty()) {
    std::string keys;
    for (const auto& k : ctx_.config.unknown_keys) keys += (keys.empty() ? "`" : ", `") + k + "`";
    throw std::runtime_error("--strict-config: " + ctx_.config.path.string() +
                             " has fields Codex 0.169 does not recognize: " + keys);
  }
}

int Server::run() {
  const auto& listen = ctx_.options.listen;
  const bool serve_stdio = std::find(listen.begin(), listen.end(), "stdio://") != listen.end();
  for (const auto& url : listen) {
    if (url == "stdio://") continue;
    const bool authenticated = !ctx_.options.ws_token.empty() || !ctx_.options.ws_token_sha256.empty();
    if (!authenticated && !is_loopback_url(url) && !ctx_.options.allow_unauthenticated_remote)
      throw std::runtime_error("refusing to serve " + url +
                               " without authentication on a non-loopback address: use --ws-auth "
                               "capability-token --ws-token-file FILE, or --allow-unauthenticated-remote");
    WebSocketOptions options;
    options.bearer_token = ctx_.options.ws_token;
    options.bearer_token_sha256 = ctx_.options.ws_token_sha256;
    options.max_message_bytes = ctx_.options.max_message_bytes;
    options.max_queued_bytes = ctx_.options.ws_send_queue_bytes;
    options.max_connections = ctx_.options.ws_max_connections;
    options.max_pending_bytes = ctx_.options.ws_max_pending_bytes;
    options.message_timeout = ctx_.options.ws_message_timeout;
    options.initialize_timeout = ctx_.options.ws_initialize_timeout;
    options.budget = ws_budget_;  // one budget for every listener
    options.recorder = ctx_.recorder.get();
    auto listener = listen_websocket(io_, dispatcher_, url, options,
                                     [this] { return ctx_.next_connection_id++; });
    spdlog::info("listening on {}{}", listener->address(),
                 options.bearer_token.empty() ? "" : " (bearer token required)");
    listeners_.push_back(std::move(listener));
  }
  spdlog::info("app-server {} serving{}{}; home {}{}", kServerVersion, serve_stdio ? " stdio" : "",
               listeners_.empty() ? "" : " websocket", ctx_.options.home.string(),
               ctx_.options.test_mode ? " (test mode: fixed clock, sequential ids)" : "");
  if (serve_stdio) {
    stdio_ = std::make_shared<StdioConnection>(io_, dispatcher_, ctx_.options.max_message_bytes,
                                               [this] {
                                                 ctx_.command_exec->connection_closed(stdio_->id());
                                                 asio::post(io_, [this] { begin_shutdown(false); });
                                               });
    stdio_->recorder = ctx_.recorder.get();
    stdio_->start();
  }
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

void Server::finish() {
  if (finished_) return;
  finished_ = true;
  signals_.cancel();
  ctx_.command_exec->terminate_all();
  // Phase 2: close the transports; whatever happens, the process ends 3 s later.
  auto transports_closing = std::make_shared<bool>(false);
  auto close_transports = [this, transports_closing] {
    if (std::exchange(*transports_closing, true)) return;
    deadline_.expires_after(std::chrono::seconds(3));
    deadline_.async_wait([this](boost::system::error_code ec) {
      if (!ec) io_.stop();
    });
    auto remaining = std::make_shared<std::size_t>(listeners_.size() + 1);
    auto step = [this, remaining] {
      if (--*remaining != 0) return;
      if (stdio_) stdio_->flush_then([this] { io_.stop(); });
      else io_.stop();
    };
    for (auto& listener : listeners_) listener->stop([this, step] { asio::post(io_, step); });
    step();
  };
  // Phase 1: SessionEnd for every loaded thread, so its notifications still reach clients. Its
  // hooks time out after at most 3 s; phase 2 starts after 4 s regardless.
  deadline_.expires_after(std::chrono::seconds(4));
  deadline_.async_wait([close_transports](boost::system::error_code ec) {
    if (!ec) close_transports();
  });
  auto threads = ctx_.registry.all();
  auto pending = std::make_shared<std::size_t>(threads.size() + 1);
  auto one_done = [this, pending, close_transports] {
    asio::post(io_, [pending, close_transports] {
      if (--*pending == 0) close_transports();
    });
  };
  for (const auto& thread : threads)
    asio::post(thread->strand(), [thread, one_done] { thread->end_session(one_done); });
  one_done();
}

void Server::begin_shutdown(bool cancel_turns) {
  if (cancel_turns) {
    for (const auto& thread : ctx_.registry.all())
      asio::post(thread->strand(), [thread] { thread->cancel_running_hooks(); });
    // Do not wait for the turns: stored history stays valid (a cut turn replays as interrupted).
    shutting_down_ = true;
    return finish();
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
    // Requests answered by the index worker (thread/list, …) get their replies out first: a
    // client that pipes its requests and closes stdin still hears every answer.
    ctx_.index->flush(io_.get_executor(), [this] {
      if (!finished_) finish();
    });
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
