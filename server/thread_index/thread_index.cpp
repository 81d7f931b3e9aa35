// The thread index; see thread_index.hpp. SQLite through SQLiteCpp, on one worker thread.
#include "server/thread_index/thread_index.hpp"

#include "protocol/json_parse.hpp"
#include "server/thread_index/writer_markers.hpp"
#include "server/threads/thread_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <atomic>
#include <chrono>
#include <unordered_set>
#include <sstream>
#include <thread>

namespace appserver {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace v2 = protocol::v2;
using protocol::Json;

namespace {

constexpr int kSchemaVersion = 3;
constexpr int kBusyTimeoutMs = 5000;     // another daemon's write on the same home
constexpr int kOpenAttempts = 8;         // 100, 200, … ms apart: 2.8 s in all
constexpr std::size_t kProgressEvery = 1000;  // files, for the start-up log of a large home
constexpr std::size_t kCheckPage = 256;       // files stat'ed per background step (~0.4 ms)
constexpr std::int64_t kRacyMtimeNs = 2'000'000'000;  // see sync_names()

const char* column_of(v2::ThreadSortKey key) {
  return key == v2::ThreadSortKey::created_at ? "created_at" : "updated_at";
}

struct FileStamp {
  std::int64_t size = -1, mtime_ns = -1;
};

FileStamp stamp_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {static_cast<std::int64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::optional<IndexedThread> read_thread_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream all;
  all << in.rdbuf();
  auto loaded = replay_thread_file(all.str(), path.string());
  if (!loaded) return std::nullopt;
  IndexedThread row;
  v2::Thread& thread = loaded->history.thread();
  row.turn_count = static_cast<std::int64_t>(thread.turns.size());
  thread.turns.clear();
  thread.status = v2::ThreadStatusNotLoaded{};
  row.thread = std::move(thread);
  row.archived = loaded->history.archived();
  return row;
}

}  // namespace

std::string encode_cursor(const ListCursor& c) {
  return std::string("v1.") + column_of(c.key) + "." + (c.ascending ? "asc" : "desc") + "." +
         (c.inclusive ? "from" : "after") + "." + std::to_string(c.at) + "." + c.id;
}

std::optional<ListCursor> decode_cursor(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (int i = 0; i < 5; ++i) {  // the id (the rest) may hold anything but is a valid thread id
    const auto dot = text.find('.', pos);
    if (dot == std::string::npos) return std::nullopt;
    parts.push_back(text.substr(pos, dot - pos));
    pos = dot + 1;
  }
  ListCursor c;
  c.id = text.substr(pos);
  if (parts[0] != "v1" || !ThreadStore::valid_id(c.id)) return std::nullopt;
  if (parts[1] == "created_at") c.key = v2::ThreadSortKey::created_at;
  else if (parts[1] == "updated_at") c.key = v2::ThreadSortKey::updated_at;
  else return std::nullopt;
  if (parts[2] != "asc" && parts[2] != "desc") return std::nullopt;
  c.ascending = parts[2] == "asc";
  if (parts[3] != "from" && parts[3] != "after") return std::nullopt;
  c.inclusive = parts[3] == "from";
  try {
    std::size_t used = 0;
    c.at = std::stoll(parts[4], &used);
    if (used != parts[4].size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return c;
}

struct ThreadIndex::Worker {
  Worker(fs::path db, fs::path sessions) : db_file(std::move(db)), sessions_dir(std::move(sessions)) {
    asio::post(io, [this] { open_and_reconcile(); });
    thread = std::thread([this] { io.run(); });
  }
  ~Worker() {
    stopping = true;  // the background check stops at its next page; the next start-up redoes it
    guard.reset();    // run what is queued, then stop
    thread.join();
  }

  /// Start-up, before the first list(): which thread files exist is settled (a readdir, skipped
  /// when the sessions folder's mtime is the one recorded at the last check); whether a known
  /// file changed (a stat per file: 13 ms for 10,000 files on a small VM) is checked before it
  /// only when a writer may have missed its write-through (a writer that died), else in the
  /// background, a page at a time between queued operations.
  void open_and_reconcile() {
    markers = std::make_unique<WriterMarkers>(fs::path(db_file).replace_extension(".writers"));
    // Another daemon starting on the same new home may hold the database for a moment (its
    // schema, its WAL set-up): a failure that is not damage is retried (this is the index's
    // own thread; nothing waits on it but its queue), damage is repaired by moving the file
    // aside, which is safe only because it is damage.
    for (int attempt = 1;; ++attempt) {
      try {
        open();
        break;
      } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_CORRUPT || e.getErrorCode() == SQLITE_NOTADB) return rebuild(e.what());
        if (attempt == kOpenAttempts) return give_up(e.what());
        spdlog::warn("thread index {}: {} (SQLite code {}); retrying", db_file.string(), e.what(), e.getErrorCode());
      } catch (const std::exception& e) {
        if (attempt == kOpenAttempts) return give_up(e.what());
      }
      db.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    }
    if (new_database || stats.rebuilt) return guarded([&] { sync_names(true); }), log_reconciled();
    if (markers->unfinished_writers()) {
      spdlog::info("thread index: a previous writer did not finish; checking every session file");
      guarded([&] {
        sync_names(true);
        for (std::string after; check_stamps(after);) {
        }
      });
      markers->forget_unfinished();
      return log_reconciled();
    }
    guarded([&] { sync_names(false); });
    asio::post(io, [this] { check_stamps_in_background(std::string()); });
  }

  void give_up(const std::string& why) {
    spdlog::error("thread index {}: {}; thread/list will fail", db_file.string(), why);
    db.reset();
  }

  /// Moves a damaged database aside and builds a new one from the session files.
  void rebuild(const std::string& why) {
    spdlog::warn("thread index {} is unusable ({}); rebuilding it from the session files", db_file.string(), why);
    db.reset();
    std::error_code ec;
    fs::rename(db_file, fs::path(db_file.string() + ".corrupt"), ec);
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(fs::path(db_file.string() + suffix), ec);
    stats.rebuilt = true;
    try {
      open();
    } catch (const std::exception& again) {
      spdlog::error("thread index {}: {}; thread/list will fail", db_file.string(), again.what());
      db.reset();
      return;
    }
    guarded([&] { sync_names(true); });
    log_reconciled();
  }

  /// Runs a reconciliation step, a failure logged (the index then lags the files until the
  /// next start-up).
  template <class F>
  void guarded(F&& step) {
    try {
      step();
    } catch (const std::exception& e) {
      spdlog::error("thread index {}: reconciling with {} failed: {}", db_file.string(), sessions_dir.string(),
                    e.what());
    }
  }

  void open() {
    db = std::make_unique<SQLite::Database>(db_file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->setBusyTimeout(kBusyTimeoutMs);
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=NORMAL");  // WAL: durable across a process crash, not a power cut; the files are the truth
    // No integrity scan here (PRAGMA quick_check reads the whole file: 40 ms of a 10,000-thread
    // start-up). A damaged header fails the statements below; damage found later by a query
    // rebuilds the index then (see list()).
    if (db->execAndGet("PRAGMA user_version").getInt() == kSchemaVersion) return;  // a start-up reads only
    // Another daemon may be creating the schema right now: decide under the write lock.
    SQLite::Transaction transaction(*db, SQLite::TransactionBehavior::IMMEDIATE);
    const int version = db->execAndGet("PRAGMA user_version").getInt();
    if (version == kSchemaVersion) return transaction.commit();
    if (version != 0) stats.rebuilt = true;
    db->exec("DROP TABLE IF EXISTS threads");
    db->exec(R"(CREATE TABLE threads(
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        cwd TEXT NOT NULL,
        title TEXT NOT NULL,
        model_provider TEXT NOT NULL,
        source TEXT NOT NULL,
        archived INTEGER NOT NULL,
        turn_count INTEGER NOT NULL,
        path TEXT NOT NULL,
        file_size INTEGER NOT NULL,
        file_mtime_ns INTEGER NOT NULL,
        thread_json TEXT NOT NULL))");
    db->exec("CREATE INDEX threads_by_created ON threads(archived, created_at, id)");
    db->exec("CREATE INDEX threads_by_updated ON threads(archived, updated_at, id)");
    // Covers the start-up reconciliation's scan, which then reads no row (each row holds the
    // Thread's JSON: most of the file).
    db->exec("CREATE INDEX threads_stamps ON threads(id, file_size, file_mtime_ns)");
    db->exec("DROP TABLE IF EXISTS meta");
    db->exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    db->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    transaction.commit();
    new_database = true;  // every file is read anyway
  }

  void write_row(const IndexedThread& row, const fs::path& path, FileStamp stamp) {
    const v2::Thread& t = row.thread;
    static const char* kSql =
        "INSERT INTO threads(id, created_at, updated_at, cwd, title, model_provider, source, archived, turn_count, "
        "path, file_size, file_mtime_ns, thread_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(id) DO UPDATE SET created_at=excluded.created_at, updated_at=excluded.updated_at, "
        "cwd=excluded.cwd, title=excluded.title, model_provider=excluded.model_provider, source=excluded.source, "
        "archived=excluded.archived, turn_count=excluded.turn_count, path=excluded.path, "
        "file_size=excluded.file_size, file_mtime_ns=excluded.file_mtime_ns, thread_json=excluded.thread_json";
    SQLite::Statement insert(*db, kSql);
    insert.bind(1, t.id);
    insert.bind(2, static_cast<std::int64_t>(t.createdAt));
    insert.bind(3, static_cast<std::int64_t>(t.updatedAt));
    insert.bind(4, t.cwd);
    insert.bind(5, t.name && !t.name->empty() ? *t.name : t.preview);
    insert.bind(6, t.modelProvider);
    insert.bind(7, v2::source_kind(t.source));
    insert.bind(8, row.archived ? 1 : 0);
    insert.bind(9, static_cast<std::int64_t>(row.turn_count));
    insert.bind(10, path.string());
    insert.bind(11, static_cast<std::int64_t>(stamp.size));
    insert.bind(12, static_cast<std::int64_t>(stamp.mtime_ns));
    insert.bind(13, protocol::encode(t).dump(-1, ' ', false, Json::error_handler_t::replace));
    insert.exec();
  }

  void drop_row(const std::string& id) {
    SQLite::Statement drop(*db, "DELETE FROM threads WHERE id = ?");
    drop.bind(1, id);
    drop.exec();
  }

  /// The thread ids of the sessions folder (a readdir, no stat).
  std::vector<std::string> scan_sessions() const {
    std::vector<std::string> out;
    DIR* dir = ::opendir(sessions_dir.c_str());
    if (!dir) return out;
    while (const dirent* entry = ::readdir(dir)) {
      std::string_view name(entry->d_name);
      if (name.size() <= 6 || name.substr(name.size() - 6) != ".jsonl") continue;
      std::string id(name.substr(0, name.size() - 6));
      if (ThreadStore::valid_id(id)) out.push_back(std::move(id));
    }
    ::closedir(dir);
    return out;
  }

  /// Re-reads `id`'s file when its stamp is not `known` (nullptr: a file the index lacks);
  /// drops its row when it holds no thread (yet) or is gone.
  void check_file(const std::string& id, const FileStamp* known) {
    const fs::path path = sessions_dir / (id + ".jsonl");
    const FileStamp stamp = stamp_of(path);
    if (known && known->size == stamp.size && known->mtime_ns == stamp.mtime_ns) return;
    // new, or changed by a process that did not write the index
    if (auto row = stamp.size >= 0 ? read_thread_file(path) : std::nullopt) {
      write_row(*row, path, stamp);
      ++stats.reread;
    } else if (known) {
      drop_row(id);
      ++stats.dropped;
    }
  }

  std::int64_t recorded_folder_mtime() {
    SQLite::Statement get(*db, "SELECT value FROM meta WHERE key = 'sessions_mtime_ns'");
    return get.executeStep() ? get.getColumn(0).getInt64() : -1;
  }

  /// Adds the thread files the index lacks and drops the rows whose file is gone. With
  /// `always` false, skipped when the folder's mtime is the one recorded by the last run: no
  /// entry was added or removed since. The mtime is recorded only when it is at least
  /// kRacyMtimeNs old (the kernel's timestamps are coarse: an entry created in the same tick as
  /// the readdir would leave the mtime unchanged; git's "racy timestamp" rule).
  void sync_names(bool always) {
    const FileStamp folder = stamp_of(sessions_dir);
    if (!always && folder.mtime_ns >= 0 && folder.mtime_ns == recorded_folder_mtime()) {
      names_skipped = true;
      return;
    }
    std::unordered_set<std::string> gone;  // known, until its file is seen
    {
      SQLite::Statement rows(*db, "SELECT id FROM threads");
      while (rows.executeStep()) gone.insert(rows.getColumn(0).getString());
    }
    const auto files = scan_sessions();
    stats.files = files.size();
    SQLite::Transaction transaction(*db);
    std::size_t done = 0;
    for (const auto& id : files) {
      if (gone.erase(id) == 0) check_file(id, nullptr);  // new to the index
      if (++done % kProgressEvery == 0 && files.size() > kProgressEvery && stats.reread > done / 2)
        spdlog::info("indexing thread files: {} of {}", done, files.size());
    }
    for (const auto& id : gone) {
      drop_row(id);
      ++stats.dropped;
    }
    const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    SQLite::Statement record(*db, "INSERT OR REPLACE INTO meta(key, value) VALUES('sessions_mtime_ns', ?)");
    record.bind(1, static_cast<std::int64_t>(folder.mtime_ns >= 0 && now_ns - folder.mtime_ns >= kRacyMtimeNs
                                                 ? folder.mtime_ns : -1));
    record.exec();
    transaction.commit();
  }

  /// Checks the stamps of one page of rows (ids after `after`, in id order) against their
  /// files; returns false after the last page. `after` becomes the page's last id.
  bool check_stamps(std::string& after) {
    std::vector<std::pair<std::string, FileStamp>> page;
    {
      SQLite::Statement rows(*db, "SELECT id, file_size, file_mtime_ns FROM threads WHERE id > ? ORDER BY id LIMIT ?");
      rows.bind(1, after);
      rows.bind(2, static_cast<std::int64_t>(kCheckPage));
      while (rows.executeStep())
        page.emplace_back(rows.getColumn(0).getString(),
                          FileStamp{rows.getColumn(1).getInt64(), rows.getColumn(2).getInt64()});
    }
    if (page.empty()) return false;
    SQLite::Transaction transaction(*db);
    for (const auto& [id, stamp] : page) check_file(id, &stamp);
    transaction.commit();
    after = page.back().first;
    return page.size() == kCheckPage;
  }

  /// check_stamps() a page per posted step, so that list() and upsert() calls queued meanwhile
  /// wait for one page at most (~0.4 ms); then the names check if start-up skipped it.
  void check_stamps_in_background(std::string after) {
    if (stopping) return;
    bool more = false;
    guarded([&] { more = check_stamps(after); });
    if (more) return asio::post(io, [this, after = std::move(after)] { check_stamps_in_background(after); });
    if (names_skipped) guarded([&] { sync_names(true); });
    log_reconciled();
  }

  void log_reconciled() const {
    if (stats.reread > 0 || stats.dropped > 0 || stats.rebuilt)
      spdlog::info("thread index {}: {} thread files, {} (re)read, {} dropped{}", db_file.string(), stats.files,
                   stats.reread, stats.dropped, stats.rebuilt ? ", rebuilt" : "");
  }

  ListPage query(const ListQuery& q) {
    const std::string key = column_of(q.key);
    std::string sql = "SELECT id, " + key + ", thread_json FROM threads WHERE archived = ?";
    std::vector<std::variant<std::int64_t, std::string>> binds{std::int64_t{q.archived ? 1 : 0}};
    auto in_list = [&](const char* column, const std::vector<std::string>& values, bool negate) {
      if (values.empty()) return;
      sql += std::string(" AND ") + column + (negate ? " NOT IN (" : " IN (");
      for (std::size_t i = 0; i < values.size(); ++i) {
        sql += i ? ",?" : "?";
        binds.emplace_back(values[i]);
      }
      sql += ")";
    };
    in_list("cwd", q.cwds, false);
    in_list("model_provider", q.providers, false);
    in_list("source", q.sources, false);
    in_list("id", q.excluded_ids, true);
    if (q.search) {
      sql += " AND instr(lower(title), lower(?)) > 0";
      binds.emplace_back(*q.search);
    }
    if (q.after) {
      const char* cmp = q.ascending ? ">" : "<";
      if (q.after->inclusive) {
        sql += " AND " + key + (q.ascending ? " >= ?" : " <= ?");
        binds.emplace_back(static_cast<std::int64_t>(q.after->at));
      } else {
        sql += " AND (" + key + " " + cmp + " ? OR (" + key + " = ? AND id " + cmp + " ?))";
        binds.emplace_back(static_cast<std::int64_t>(q.after->at));
        binds.emplace_back(static_cast<std::int64_t>(q.after->at));
        binds.emplace_back(q.after->id);
      }
    }
    const char* dir = q.ascending ? " ASC" : " DESC";
    sql += " ORDER BY " + key + dir + ", id" + dir + " LIMIT ?";
    binds.emplace_back(static_cast<std::int64_t>(q.limit + 1));

    ListPage page;
    if (q.match_nothing) return page;
    SQLite::Statement select(*db, sql);
    for (std::size_t i = 0; i < binds.size(); ++i)
      std::visit([&](const auto& v) { select.bind(static_cast<int>(i + 1), v); }, binds[i]);
    std::vector<std::pair<std::string, std::int64_t>> keys;
    while (select.executeStep()) {
      if (page.threads.size() == q.limit) {  // one more exists
        const auto& [last_id, last_at] = keys.back();
        page.next_cursor = encode_cursor({q.key, q.ascending, last_at, last_id, false});
        break;
      }
      Json json = protocol::parse_or_discard(select.getColumn(2).getString());
      try {
        page.threads.push_back(protocol::decode_as<v2::Thread>(json, "thread"));
      } catch (const std::exception& e) {  // a row from a newer version; skip it
        spdlog::warn("thread index: row {} unreadable ({}); skipped", select.getColumn(0).getString(), e.what());
        continue;
      }
      keys.emplace_back(select.getColumn(0).getString(), select.getColumn(1).getInt64());
    }
    if (!keys.empty())
      page.backwards_cursor = encode_cursor({q.key, !q.ascending, keys.front().second, keys.front().first, true});
    return page;
  }

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(io);
  fs::path db_file, sessions_dir;
  std::unique_ptr<SQLite::Database> db;  // null when the database could not be opened at all
  bool new_database = false;
  std::unique_ptr<WriterMarkers> markers;  // destroyed after the worker's last write
  std::atomic<bool> stopping{false};
  bool names_skipped = false;  // start-up trusted the folder's mtime; the background checks anyway
  struct {
    std::size_t files = 0, reread = 0, dropped = 0;
    bool rebuilt = false;
  } stats;  // what start-up reconciliation did, for its log line
  std::thread thread;
};

ThreadIndex::ThreadIndex(fs::path db_file, fs::path sessions_dir)
    : worker_(std::make_unique<Worker>(std::move(db_file), std::move(sessions_dir))) {}

ThreadIndex::~ThreadIndex() = default;

void ThreadIndex::upsert(IndexedThread row) {
  asio::post(worker_->io, [w = worker_.get(), row = std::move(row)] {
    if (!w->db) return;
    const fs::path path = row.thread.path ? fs::path(*row.thread.path) : fs::path();
    try {
      w->write_row(row, path, stamp_of(path));
    } catch (const std::exception& e) {
      spdlog::warn("thread index: updating {} failed ({}); the next start-up repairs it", row.thread.id, e.what());
    }
  });
}

void ThreadIndex::remove(std::string id) {
  asio::post(worker_->io, [w = worker_.get(), id = std::move(id)] {
    if (!w->db) return;
    try {
      w->drop_row(id);
    } catch (const std::exception& e) {
      spdlog::warn("thread index: dropping {} failed ({}); the next start-up drops it", id, e.what());
    }
  });
}

void ThreadIndex::refresh(fs::path file, asio::any_io_executor reply_on,
                          std::function<void(std::optional<IndexedThread>)> done) {
  asio::post(worker_->io, [w = worker_.get(), file = std::move(file), reply_on, done = std::move(done)]() mutable {
    std::optional<IndexedThread> row = read_thread_file(file);
    if (row && w->db) {
      try {
        w->write_row(*row, file, stamp_of(file));
      } catch (const std::exception& e) {
        spdlog::warn("thread index: updating {} failed ({}); the next start-up repairs it", file.string(), e.what());
      }
    }
    asio::post(reply_on, [done = std::move(done), row = std::move(row)]() mutable { done(std::move(row)); });
  });
}

void ThreadIndex::list(ListQuery query, asio::any_io_executor reply_on, std::function<void(ListResult)> done) {
  asio::post(worker_->io, [w = worker_.get(), query = std::move(query), reply_on, done = std::move(done)]() mutable {
    ListResult result;
    if (!w->db) {
      result = std::string("the thread index could not be opened (see the log)");
    } else {
      try {
        result = w->query(query);
      } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() != SQLITE_CORRUPT && e.getErrorCode() != SQLITE_NOTADB) {
          result = std::string("thread index query failed: ") + e.what();
        } else {  // damage inside the file: rebuild from the session files, then answer
          w->rebuild(e.what());
          try {
            result = w->db ? ListResult(w->query(query)) : ListResult(std::string("the thread index could not be rebuilt"));
          } catch (const std::exception& again) {
            result = std::string("thread index query failed: ") + again.what();
          }
        }
      } catch (const std::exception& e) {
        result = std::string("thread index query failed: ") + e.what();
      }
    }
    asio::post(reply_on, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  });
}

void ThreadIndex::flush(asio::any_io_executor reply_on, std::function<void()> done) {
  asio::post(worker_->io, [reply_on, done = std::move(done)]() mutable { asio::post(reply_on, std::move(done)); });
}

}  // namespace appserver
