// Test client for end-to-end tests: a temp home with hook scripts, and the real app-server
// binary spawned over stdio, spoken to one JSON line at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace e2e {

using Json = nlohmann::json;
using namespace std::chrono_literals;

/// A temporary folder with `home/` (the daemon's --home) and `workspace/` (thread cwd).
struct TempHome {
  TempHome();
  ~TempHome();
  /// Writes `<home>/hooks.json`. `$FIXTURES` in commands is replaced by the fixtures folder.
  void write_hooks(const std::string& hooks_json) const;
  std::filesystem::path root, home, workspace;
};

/// The absolute path of a hook fixture script in tests/transcripts/hooks/.
std::string fixture(const std::string& name);

class Daemon {
 public:
  explicit Daemon(const TempHome& home, std::vector<std::string> extra_args = {});
  ~Daemon();

  void send(const Json& message);
  void send_line(const std::string& line);
  /// The next message from the daemon; fails the test after `timeout`.
  Json next(std::chrono::milliseconds timeout = 20s);
  /// Sends a request and returns the whole response message (`result` or `error`);
  /// notifications that arrive first are kept in `notifications`.
  Json request(const std::string& method, Json params);
  /// Messages up to and including the first notification named `method`.
  std::vector<Json> until(const std::string& method, std::chrono::milliseconds timeout = 20s);
  /// initialize + initialized.
  Json initialize();
  /// Closes stdin and waits for the exit code.
  int close(std::chrono::milliseconds timeout = 20s);
  /// SIGKILLs the daemon.
  void kill();
  int pid() const;

  std::vector<Json> notifications;  // seen while waiting for responses
  std::vector<Json> received;       // every message, in order

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int next_id_ = 1;
  bool exited_ = false;
};

/// thread/start in the workspace (also consumes thread/started); returns the thread id.
std::string start_thread(Daemon& daemon, const TempHome& home);
/// turn/start with one text input; returns every message up to turn/completed (inclusive),
/// starting with the turn/start response.
std::vector<Json> run_turn(Daemon& daemon, const std::string& thread_id, const std::string& text);
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
