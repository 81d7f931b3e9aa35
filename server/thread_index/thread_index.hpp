// The thread index: thread metadata in SQLite (`<home>/thread-index.sqlite`, WAL mode) so that
// `thread/list` costs what its page costs, not what the home holds. The JSONL session files stay
// the source of truth: at start-up the index is reconciled with them (a missing, stale or
// corrupt index, and a file written by another process or an older version, is re-read from the
// file), and every change a live thread makes is written through.
// Start-up order: which thread files exist is settled before the first list() answers (a
// readdir; skipped when the sessions folder's mtime is unchanged since the last check). Whether
// a known file changed size or mtime is checked before it only when a previous daemon died
// without finishing its writes (writer_markers.hpp) or the index is new; otherwise in the
// background, 256 files per step, so that a file edited in place by another program while no
// daemon ran is re-read moments after start-up (13 ms for 10,000 files on a 2-core VM).
//
// Threading: the index owns one worker thread with its own SQLite connection; every operation
// is queued to it in order, and list() answers on the executor its caller names. Nothing here
// runs SQLite on the caller's thread, so the io thread never waits on the disk for it.
// Several daemons may share one home: SQLite's WAL locking keeps the index consistent (each
// waits up to 5 s for another's write), and each reconciles at its own start-up.
#pragma once

#include "protocol/v2/thread_meta.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace appserver {

/// One row: what thread/list shows of a thread, and what the filters read.
struct IndexedThread {
  protocol::v2::Thread thread;  // turns empty; status as stored (the caller sets loaded ones idle)
  bool archived = false;
  std::int64_t turn_count = 0;
};

/// A keyset position in one sort order. Opaque on the wire (encode_cursor / decode_cursor).
struct ListCursor {
  protocol::v2::ThreadSortKey key = protocol::v2::ThreadSortKey::created_at;
  bool ascending = false;  // the direction the cursor is to be used with
  std::int64_t at = 0;     // the sort key's value (unix seconds)
  std::string id;          // the thread id at that position (ties are ordered by id)
  bool inclusive = false;  // a backwards cursor: every thread at `at` is included
};

std::string encode_cursor(const ListCursor& cursor);
/// nullopt for text that no encode_cursor() produced.
std::optional<ListCursor> decode_cursor(const std::string& text);

/// What thread/list asks of the index, already validated (handlers/thread_list.cpp).
struct ListQuery {
  protocol::v2::ThreadSortKey key = protocol::v2::ThreadSortKey::created_at;  // recency_at: use updated_at
  bool ascending = false;
  std::optional<ListCursor> after;
  std::size_t limit = 25;
  bool archived = false;
  std::vector<std::string> cwds;       // empty = any
  std::vector<std::string> providers;  // empty = any
  std::vector<std::string> sources;    // SessionSource values; never empty
  std::vector<std::string> excluded_ids;
  std::optional<std::string> search;   // case-insensitive substring of the name, else the preview
  bool match_nothing = false;          // a sectionId: no thread has a section here
};

struct ListPage {
  std::vector<protocol::v2::Thread> threads;
  std::optional<std::string> next_cursor, backwards_cursor;
};

class ThreadIndex {
 public:
  /// Opens (creating) `db_file` and reconciles it with `sessions_dir`, on the worker thread; the
  /// first list() waits behind the start-up part (see above). A corrupt database is moved aside
  /// (`.corrupt`) and rebuilt; a writer marker for this process is kept in
  /// `<db_file without extension>.writers/` until the destructor.
  ThreadIndex(std::filesystem::path db_file, std::filesystem::path sessions_dir);
  /// Finishes queued writes, then stops the worker.
  ~ThreadIndex();
  ThreadIndex(const ThreadIndex&) = delete;
  ThreadIndex& operator=(const ThreadIndex&) = delete;

  /// Writes `row` through (after the thread's file was written; the file's size and mtime are
  /// read on the worker). Fire and forget: a failure is logged, and the next start-up's
  /// reconciliation repairs the row from the file.
  void upsert(IndexedThread row);

  /// Re-reads one thread file (on the worker), writes its row, and calls `done` on `reply_on`
  /// with it (nullopt: no such thread). For a change made to the file of a thread that is not
  /// loaded (thread/archive, thread/name/set).
  void refresh(std::filesystem::path file, boost::asio::any_io_executor reply_on,
               std::function<void(std::optional<IndexedThread>)> done);

  /// Drops thread `id`'s row (thread/delete; after its file was removed). Fire and forget: a
  /// failure is logged, and the next start-up drops the row of a file that is gone.
  void remove(std::string id);

  /// Answers `query` on `reply_on`: the page, or an error text (a database failure).
  using ListResult = std::variant<ListPage, std::string>;
  void list(ListQuery query, boost::asio::any_io_executor reply_on, std::function<void(ListResult)> done);

  /// Calls `done` on `reply_on` once everything queued before it has been done (tests, shutdown).
  void flush(boost::asio::any_io_executor reply_on, std::function<void()> done);

 private:
  struct Worker;
  std::unique_ptr<Worker> worker_;
};

}  // namespace appserver
