// Thread metadata on the wire: `thread/list` with its filters, sort and keyset cursors, and
// `thread/name/set`, `thread/archive`, `thread/unarchive` with their notifications. Source of
// the shapes: Codex 0.169 v2 `ThreadListParams`, `ThreadListResponse`, `ThreadSetNameParams`,
// `ThreadArchiveParams`, `ThreadUnarchiveParams` and the notifications `thread/name/updated`,
// `thread/archived`, `thread/unarchived` (its generated schemas). Times are unix SECONDS.
#pragma once

#include "protocol/v2/thread.hpp"

namespace appserver::protocol::v2 {

/// `ThreadSortKey`. `recency_at` is read as `updated_at` here (threads have no other activity
/// time); `section_position` (hosted sections) is refused with -32602.
enum class ThreadSortKey { created_at, updated_at, recency_at, section_position };
PROTOCOL_ENUM(ThreadSortKey, created_at, updated_at, recency_at, section_position)

enum class SortDirection { asc, desc };
PROTOCOL_ENUM(SortDirection, asc, desc)

/// `ThreadSourceKind`: which kind of session a thread came from.
enum class ThreadSourceKind {
  cli, vscode, exec, appServer, subAgent, subAgentReview, subAgentCompact, subAgentThreadSpawn, subAgentOther, unknown
};
PROTOCOL_ENUM(ThreadSourceKind, cli, vscode, exec, appServer, subAgent, subAgentReview, subAgentCompact,
              subAgentThreadSpawn, subAgentOther, unknown)

/// `thread/list`. Defaults: 25 threads, newest `created_at` first, non-archived, interactive
/// sources (cli, vscode). `cwd` is a path or an array of paths (exact match); `cursor` is opaque
/// (a previous `nextCursor`, or `backwardsCursor` with the opposite `sortDirection`).
struct ThreadListParams {
  std::optional<std::string> cursor;
  std::optional<std::int64_t> limit;
  std::optional<ThreadSortKey> sortKey;
  std::optional<SortDirection> sortDirection;
  std::optional<Json> cwd;  // string | string[]
  std::optional<bool> archived;
  std::optional<std::vector<std::string>> modelProviders;
  std::optional<std::vector<ThreadSourceKind>> sourceKinds;
  std::optional<std::string> searchTerm;
  std::optional<std::vector<std::string>> excludedThreadIds;  // at most 100
  std::optional<std::vector<std::string>> originators;        // hosted only: a nonempty list is refused
  std::optional<std::string> sectionId;                       // no sections here: a string matches none
  std::optional<bool> currentAccountOnly;                     // accepted, no accounts here
  std::optional<bool> useStateDbOnly;                         // accepted: the index is always used
};
PROTOCOL_STRUCT(ThreadListParams, (cursor, limit, sortKey, sortDirection, cwd, archived, modelProviders, sourceKinds,
                                   searchTerm, excludedThreadIds, originators, sectionId, currentAccountOnly,
                                   useStateDbOnly))

/// `nextCursor`: null when no more threads follow; `backwardsCursor`: null for an empty page.
struct ThreadListResponse {
  std::vector<Thread> data;
  std::optional<std::string> nextCursor;
  std::optional<std::string> backwardsCursor;
};
PROTOCOL_STRUCT(ThreadListResponse, (data, nextCursor, backwardsCursor))

struct ThreadSetNameParams {
  std::string threadId;
  std::string name;
};
PROTOCOL_STRUCT(ThreadSetNameParams, (threadId, name))

struct ThreadSetNameResponse {};
PROTOCOL_STRUCT(ThreadSetNameResponse, ())

struct ThreadArchiveParams {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadArchiveParams, (threadId))

struct ThreadArchiveResponse {};
PROTOCOL_STRUCT(ThreadArchiveResponse, ())

struct ThreadUnarchiveParams {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadUnarchiveParams, (threadId))

/// The thread as thread/read returns it without turns.
struct ThreadUnarchiveResponse {
  Thread thread;
};
PROTOCOL_STRUCT(ThreadUnarchiveResponse, (thread))

/// `thread/name/updated`: sent to every connection after thread/name/set; stored in the file.
struct ThreadNameUpdatedNotification {
  std::string threadId;
  std::optional<std::string> threadName;
};
PROTOCOL_STRUCT(ThreadNameUpdatedNotification, (threadId, threadName))

/// `thread/archived`: sent to every connection after the thread/archive response; stored.
struct ThreadArchivedNotification {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadArchivedNotification, (threadId))

/// `thread/delete`: removes a stored thread (its file and index row) for good.
struct ThreadDeleteParams {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadDeleteParams, (threadId))

struct ThreadDeleteResponse {};
PROTOCOL_STRUCT(ThreadDeleteResponse, ())

/// `thread/deleted`: sent to every connection after the thread/delete response (not stored:
/// the thread's file is gone).
struct ThreadDeletedNotification {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadDeletedNotification, (threadId))

/// `thread/unarchived`: sent to every connection after the thread/unarchive response; stored.
struct ThreadUnarchivedNotification {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadUnarchivedNotification, (threadId))

}  // namespace appserver::protocol::v2
