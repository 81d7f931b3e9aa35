// What every handler and thread shares: options, clock and ids, the outgoing sender, the
// thread store and registry, and the agent factory. Owned by Server; outlives all threads.
#pragma once

#include "hooks/hook_discovery.hpp"
#include "server/agent/agent.hpp"
#include "server/config/config_file.hpp"
#include "server/rpc/outgoing.hpp"
#include "server/rpc/pending_requests.hpp"
#include "server/support/analytics.hpp"
#include "server/support/clock.hpp"
#include "server/support/recorder.hpp"
#include "server/thread_index/thread_index.hpp"
#include "server/threads/thread_registry.hpp"
#include "server/threads/thread_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <filesystem>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace appserver {

class CommandExecManager;
class FileSearch;

/// Version reported in userAgent and Thread.cliVersion.
inline constexpr const char* kServerVersion = "0.169.0";

struct ServerOptions {
  std::filesystem::path home;            // --home, $APP_SERVER_HOME, $CODEX_HOME, ~/.app-server
  std::filesystem::path default_cwd;     // cwd of threads started without one
  std::vector<std::string> listen{"stdio://"};  // stdio://, ws://IP:PORT, unix://PATH
  std::string ws_token;                          // --ws-auth capability-token: the bearer token
  bool allow_unauthenticated_remote = false;
  std::size_t ws_send_queue_bytes = 64 * 1024 * 1024;  // per WebSocket client, then disconnect
  std::size_t ws_max_connections = 128;                // open at once; more get HTTP 503
  std::size_t ws_max_pending_bytes = 64 * 1024 * 1024; // unfinished message bytes, all clients
  std::chrono::milliseconds ws_message_timeout{30'000};     // a begun message must finish
  std::chrono::milliseconds ws_initialize_timeout{30'000};  // upgrade → initialize
  std::string log_level = "info";
  std::size_t max_message_bytes = 16 * 1024 * 1024;  // largest accepted message (bytes)
  ValidationPolicy validation;                       // --validate-all, --strict-schemas
  bool test_mode = false;                            // fixed clock + sequential ids
  std::filesystem::path record;                      // --record FILE ("" = off)
  std::filesystem::path system_config_dir = "/etc/app-server";  // managed hooks layer
  bool bypass_hook_trust = false;                    // --dangerously-bypass-hook-trust
  std::vector<std::string> config_overrides;         // -c key=value, --enable/--disable (in order)
  bool strict_config = false;                        // --strict-config: unknown config keys are fatal
  bool analytics_default_enabled = false;            // --analytics-default-enabled
  std::string ws_token_sha256;                       // --ws-token-sha256: hex digest of the token
};

/// Every initialized connection, for notifications that go to all of them (thread/archived,
/// thread/name/updated, …). Thread-safe.
class ConnectionList {
 public:
  void add(const ConnectionPtr& connection);
  std::vector<ConnectionWeak> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<ConnectionWeak> connections_;  // expired ones are dropped on add()
};

struct ServerContext {
  ServerContext(boost::asio::io_context& io, ServerOptions opts);
  ~ServerContext();

  boost::asio::io_context& io;
  ServerOptions options;
  std::unique_ptr<Clock> clock;
  std::unique_ptr<IdGenerator> ids;
  schema::SchemaValidator validator;  // each schema compiled once, on first use
  Outgoing outgoing;
  ThreadStore store;
  /// `<home>/thread-index.sqlite`: thread/list answers from it (after `store`: it reads its files).
  std::unique_ptr<ThreadIndex> index;
  ThreadRegistry registry;
  ConnectionList connections;
  ConfigFile config;  // <home>/config.toml, read once
  std::function<std::shared_ptr<Agent>()> make_agent;
  std::unique_ptr<Recorder> recorder;  // null unless --record
  std::atomic<std::uint64_t> next_connection_id{1};  // 0 is stdio
  std::atomic<std::size_t> subagents_spawned{0};     // names the next sub-agent (subagents::nickname)
  PendingRequests pending;                           // server → client requests
  /// Called (on a thread strand) whenever a thread finishes a turn; used to drain at shutdown.
  std::function<void()> on_thread_idle = [] {};
  /// The environment of hook processes: the daemon's at start-up without model-provider secrets
  /// (every `env_key`) and Codex's non-inheritable variables. See docs/hooks.md.
  std::shared_ptr<const std::vector<std::string>> hook_environment;
  HookAnalytics analytics;
  /// The shell of thread/shellCommand: $SHELL when it is an absolute executable path, else
  /// /bin/bash, else /bin/sh (chosen once, at start-up).
  std::string user_shell;
  /// command/exec processes (server/exec/command_exec.hpp).
  std::unique_ptr<CommandExecManager> command_exec;
  /// fuzzyFileSearch, on its own worker thread (server/file_search/file_search.hpp).
  std::unique_ptr<FileSearch> file_search;
  /// The bubblewrap binary found on PATH at start-up (server/sandbox/sandbox.hpp); nullopt:
  /// sandboxed commands fail closed.
  std::optional<std::string> bwrap;
  /// One worker thread for the workspace file reads and writes of apply_patch (planning a patch
  /// reads every file it touches; applying it writes them), so they never run on the io thread.
  /// Work posted here must not touch a thread's state; it hands its result back to the strand.
  boost::asio::thread_pool file_io{1};

  /// Reads and replays the stored thread `id` (ThreadStore::load) on `file_io` — never on the
  /// io thread: a long thread is tens of MB, seconds of parsing that every client would wait
  /// behind — then calls `done` on `executor` with it: nullopt when there is no such thread or
  /// its file cannot be read (logged). The thread may have been loaded meanwhile: `done` looks
  /// in the registry again before it makes a LiveThread of it. An id that cannot name a thread
  /// file (ThreadStore::valid_id: "../x", say) touches no file: `done(nullopt)` runs before this
  /// returns, so its error is answered in request order. Call it on `executor`.
  void load_thread(std::string id, boost::asio::any_io_executor executor,
                   std::function<void(std::optional<LoadedThread>)> done);

  /// Hook discovery for `cwd` with this server's layers (system dir, home, project). With
  /// `bypass_trust` (or --dangerously-bypass-hook-trust) untrusted hooks run, and the set's
  /// warnings say how many. Reads files; call from any thread.
  hooks::HookSet discover_hooks(const std::string& cwd, bool bypass_trust) const;
};

}  // namespace appserver
