// Persistence: each thread is an append-only JSONL file `<home>/sessions/<threadId>.jsonl`,
// one stored record per line: `{"method": …, "params": …}` — the thread's stored
// notifications (methods.def, history = stored) plus internal `$/…` records. Lines are
// written whole with one write(2) on an O_APPEND descriptor, so a killed process leaves at
// most one torn last line, which load() skips with a warning. Nothing already stored is ever
// rewritten: a write that fails part-way (ENOSPC, EIO) is cut back to the last whole line.
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/v2/thread.hpp"
#include "server/threads/thread_history.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace appserver {

/// Thrown by ThreadLog when another process holds the thread's file open for writing.
struct ThreadInUse : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The open append handle of one thread's file. Not thread-safe (owned by the thread strand).
/// Holds an exclusive advisory lock (flock) on the file while open: one writer per thread, also
/// across daemons sharing a home.
class ThreadLog {
 public:
  /// Opens (creating if needed) `path` for appending. Throws ThreadInUse when another open
  /// ThreadLog (in any process) has the file, std::system_error on other failures.
  explicit ThreadLog(std::filesystem::path path);
  ~ThreadLog();
  ThreadLog(const ThreadLog&) = delete;
  ThreadLog& operator=(const ThreadLog&) = delete;

  /// Appends one record line. Returns false if the write failed (ENOSPC, EIO, EROFS, …):
  /// then `last_error()` says why, naming the file, and the file holds exactly the lines it
  /// held before the call (a partial line is truncated away; if even that fails, the next
  /// append first ends the fragment with a newline so that only it is lost). A later append
  /// may succeed again (space came back).
  bool append(std::string_view method, const protocol::Json& params);
  /// The same with `params` already serialised as compact JSON text.
  bool append_text(std::string_view method, std::string_view params_text);
  const std::filesystem::path& path() const { return path_; }
  /// "failed to write <path>: No space left on device (os error 28)" after a failed append.
  const std::string& last_error() const { return last_error_; }

 private:
  bool write_all(std::string_view bytes);

  std::filesystem::path path_;
  int fd_ = -1;
  off_t size_ = 0;       // bytes of whole lines in the file, as this writer knows it
  bool torn_ = false;    // a partial line could not be cut back; end it before the next line
  std::string last_error_;
};

/// A thread replayed from disk.
struct LoadedThread {
  ThreadHistory history;
  std::vector<std::string> warnings;  // skipped lines, with file and line number
};

/// Replays the text of one thread file (`name` prefixes warnings: "<name>:<line>: …");
/// nullopt if it holds no thread/started record. Never throws for bad content: torn, corrupt,
/// over-deep (> protocol::kMaxJsonDepth) or malformed lines are skipped with a warning.
std::optional<LoadedThread> replay_thread_file(std::string_view content, const std::string& name);

/// The folder of thread files. Stateless apart from its path; safe from any thread.
class ThreadStore {
 public:
  explicit ThreadStore(std::filesystem::path sessions_dir);

  /// True if `id` is a well-formed thread id (letters, digits, '-', '_'; no path tricks).
  static bool valid_id(std::string_view id);
  std::filesystem::path path_for(std::string_view id) const;
  bool exists(std::string_view id) const;
  std::unique_ptr<ThreadLog> open_log(std::string_view id) const;

  /// Replays a thread file; nullopt if there is no such thread. Torn or corrupt lines are
  /// skipped with a warning; every complete record is applied.
  std::optional<LoadedThread> load(std::string_view id) const;

  /// Every stored thread's metadata (turns omitted), most recently updated first.
  std::vector<protocol::v2::Thread> list() const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace appserver
