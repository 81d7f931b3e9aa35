// Test client for end-to-end tests: a temp home with hook scripts, and the real app-server
// binary spawned over stdio, spoken to one JSON line at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace e2e {

using Json = nlohmann::json;
using namespace std::chrono_literals;

/// A temporary folder with `home/` (the daemon's --home) and `workspace/` (thread cwd).
struct TempHome {
  TempHome();
  ~TempHome();
  /// Writes `<home>/hooks.json` and trusts its hooks (`app-server hooks trust --all`), as a
  /// user would. `$FIXTURES` in commands is replaced by the fixtures folder.
  void write_hooks(const std::string& hooks_json, bool trust = true) const;
  /// Runs `app-server hooks <args…>` on this home and workspace; returns its exit status.
  int hooks_command(const std::vector<std::string>& args) const;
  /// Runs `app-server hooks <args…>` on this home and workspace (as hooks_command) with
  /// `stdin_text` on its stdin, and returns what it printed.
  struct CliOutput hooks_output(const std::vector<std::string>& args, const std::string& stdin_text = "") const;
  std::filesystem::path root, home, workspace;
};

/// The daemon binary under test: $APP_SERVER_E2E_BINARY, else the one built with the tests.
std::string app_server_binary();

/// What a command printed: exit status, stdout, stderr.
struct CliOutput {
  int status = -1;
  std::string out, err;
};

/// Runs `app-server <args…>` to completion with `stdin_text` on its stdin; files for the three
/// streams are kept in `scratch` (a folder that exists).
CliOutput run_cli(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                  const std::string& stdin_text = "");

/// The absolute path of a hook fixture script in tests/transcripts/hooks/.
std::string fixture(const std::string& name);

/// One client connection: JSON-RPC messages over some channel. Every message received is
/// checked against the generated schema of its type.
class Peer {
 public:
  virtual ~Peer() = default;
  void send(const Json& message);
  virtual void send_line(const std::string& line) = 0;
  /// The next message from the daemon; fails the test after `timeout`.
  Json next(std::chrono::milliseconds timeout = 20s);
  /// Like next(), but nullopt when the daemon closed the connection (killed, shut down).
  std::optional<Json> try_next(std::chrono::milliseconds timeout = 20s);
  /// Sends a request and returns the whole response message (`result` or `error`);
  /// notifications that arrive first are kept in `notifications`. Fails the test when no
  /// message comes within `timeout`.
  Json request(const std::string& method, Json params, std::chrono::milliseconds timeout = 20s);
  /// Messages up to and including the first notification named `method`.
  std::vector<Json> until(const std::string& method, std::chrono::milliseconds timeout = 20s);
  /// initialize + initialized.
  Json initialize(const std::string& client_name = "e2e");

  std::vector<Json> notifications;  // seen while waiting for responses
  std::vector<Json> received;       // every message, in order

 protected:
  /// The next raw message, or nullopt at end of stream (fails the test on timeout).
  virtual std::optional<std::string> read_message(std::chrono::milliseconds timeout) = 0;

 private:
  int next_id_ = 1;
};

/// A WebSocket connection to a running daemon (`ws://127.0.0.1:PORT`).
class WsClient : public Peer {
 public:
  explicit WsClient(const std::string& url, const std::string& bearer_token = "");
  ~WsClient() override;
  void send_line(const std::string& line) override;
  /// Sends `data` as one binary frame.
  void send_binary(const std::string& data);
  /// Sends a close frame and waits for the server's.
  void close();
  /// Sends `data` as a text frame that does not finish its message (FIN clear).
  void send_partial(const std::string& data);
  /// After the server closed: "CODE reason" from its close frame ("" if none yet).
  std::string close_reason() const;
  /// Attempts a WebSocket upgrade at `url` and returns the HTTP status of the answer (101 on
  /// success); the connection is dropped afterwards.
  static unsigned upgrade_status(const std::string& url);
  /// For Daemon, which reads through its WsClient.
  std::optional<std::string> read_message_public(std::chrono::milliseconds timeout) {
    return read_message(timeout);
  }

 protected:
  std::optional<std::string> read_message(std::chrono::milliseconds timeout) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The app-server process. Tests talk to it over stdio, or over WebSocket when the
/// environment has APP_SERVER_E2E_TRANSPORT=ws (the daemon then serves stdio and
/// ws://127.0.0.1:0, so closing stdin still shuts it down).
class Daemon : public Peer {
 public:
  explicit Daemon(const TempHome& home, std::vector<std::string> extra_args = {});
  /// A launch as a client SDK does it: exactly `argv` (no --home, no test flags), with the test
  /// process's environment plus `env` ("NAME=value" entries, replacing same-named ones).
  struct Launch {
    std::vector<std::string> argv;
    std::vector<std::string> env;
  };
  Daemon(const TempHome& home, Launch launch);
  ~Daemon() override;

  void send_line(const std::string& line) override;
  /// Closes stdin and waits for the exit code.
  int close(std::chrono::milliseconds timeout = 20s);
  /// SIGKILLs the daemon.
  void kill();
  int pid() const;
  /// The daemon's WebSocket URL (a listener is added when `extra_args` has none and the
  /// transport is ws; otherwise the first `listening on` line of its log).
  std::string ws_url();
  bool over_websocket() const { return static_cast<bool>(ws_); }
  /// The daemon's stderr log.
  const std::filesystem::path& log_path() const { return log_; }

 protected:
  std::optional<std::string> read_message(std::chrono::milliseconds timeout) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<WsClient> ws_;
  std::filesystem::path log_;
  bool exited_ = false;
};

/// True when the suite runs over WebSocket (APP_SERVER_E2E_TRANSPORT=ws).
bool websocket_transport();
/// True when bubblewrap can build its namespaces here (the sandbox tests need it).
bool bwrap_works();

/// thread/start in the workspace (also consumes thread/started); returns the thread id.
std::string start_thread(Peer& daemon, const TempHome& home);
/// turn/start with one text input; returns every message up to turn/completed (inclusive),
/// starting with the turn/start response.
std::vector<Json> run_turn(Peer& daemon, const std::string& thread_id, const std::string& text);
/// Reads until the next server → client request (a message with both `id` and `method`, such
/// as an approval) and returns it; what came before it is appended to `before` when given.
Json next_server_request(Peer& peer, std::vector<Json>* before = nullptr);
/// The methods of `messages` ("<response>" for responses).
std::vector<std::string> methods(const std::vector<Json>& messages);
/// The first notification named `method` in `messages` (fails the test if none).
Json find(const std::vector<Json>& messages, const std::string& method);
/// Every notification named `method`.
std::vector<Json> find_all(const std::vector<Json>& messages, const std::string& method);
/// A copy with times, durations and generated ids replaced by fixed placeholders, so whole
/// objects can be compared.
Json scrub(Json value);

}  // namespace e2e
