// Which daemons write a home's thread index, and whether one of them ended without finishing.
//
// Every daemon that opens the index holds a marker file in `<home>/thread-index.writers/`
// (named `<pid>-<random>`, flock'ed exclusively for the process's life) and removes it after
// its last index write. A marker nobody holds a lock on belongs to a daemon that died (kill -9,
// a crash, a power cut) after writing a session file and perhaps before writing it through to
// the index: the next start-up then checks every session file's size and mtime before its first
// `thread/list`, instead of in the background (thread_index.cpp).
//
// Linux flock(2) semantics: the lock goes with the process, whatever kills it. Every descriptor
// is close-on-exec (a hook or a command never inherits a marker, so it cannot keep one alive).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace appserver {

class WriterMarkers {
 public:
  /// Creates `dir` if needed, registers this process (a marker created under a dot-name, locked,
  /// then renamed into place, so that no other daemon ever sees it unlocked), and collects the
  /// markers of writers that are gone. Errors (a read-only home) are logged, never thrown: the
  /// caller then treats the index as possibly stale (unfinished_writers() is true).
  explicit WriterMarkers(std::filesystem::path dir);
  /// Removes this process's marker (call only after the last index write).
  ~WriterMarkers();
  WriterMarkers(const WriterMarkers&) = delete;
  WriterMarkers& operator=(const WriterMarkers&) = delete;

  /// True when a previous writer ended without removing its marker, or when markers could not
  /// be checked at all.
  bool unfinished_writers() const { return !stale_.empty() || unknown_; }

  /// Removes the markers of the writers that are gone (after the full reconciliation they
  /// called for has been committed).
  void forget_unfinished();

 private:
  std::filesystem::path dir_, own_;
  int own_fd_ = -1;
  std::vector<std::filesystem::path> stale_;
  bool unknown_ = false;
};

}  // namespace appserver
