// `thread/revert` (+ `thread/reverted`) and `thread/items/list` (v2 ThreadRevertParams /
// ThreadRevertResponse / ThreadRevertedNotification, ThreadItemsListParams /
// ThreadItemsListResponse): cut a thread's history back to before one turn, and page through
// its items. Cursors are opaque strings ("item:N", "turn:N").
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/v2/item.hpp"
#include "protocol/v2/thread.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace appserver::protocol::v2 {

struct ThreadRevertParams {
  std::string beforeTurnId;  // this turn and every later one are dropped
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadRevertParams, (beforeTurnId, threadId))

/// `thread.turns` is always empty (page with thread/turns/list and thread/items/list from the
/// cursors; null when nothing is left).
struct ThreadRevertResponse {
  std::optional<std::string> itemsBackwardsCursor;
  Thread thread;
  std::optional<std::string> turnsBackwardsCursor;
};
PROTOCOL_STRUCT(ThreadRevertResponse, (itemsBackwardsCursor, thread, turnsBackwardsCursor))

/// `thread/reverted`, to the thread's subscribers after the thread/revert response.
struct ThreadRevertedNotification {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadRevertedNotification, (threadId))

struct ThreadItemsListParams {
  /// A string cursor from a previous page, or an anchor `{"type": "item", "itemId"}` (an
  /// exclusive position in the turn `turnId`, which it needs).
  std::optional<Json> cursor;
  std::optional<Json> deferOutput;  // accepted; every output is inline
  std::optional<std::uint32_t> limit;  // default 100, at most 1000
  std::optional<SortDirection> sortDirection;  // default asc (oldest first)
  std::string threadId;
  std::optional<std::string> turnId;  // only this turn's items
};
PROTOCOL_STRUCT(ThreadItemsListParams, (cursor, deferOutput, limit, sortDirection, threadId, turnId))

/// v2 ThreadItemEntry. Times are null: this server does not keep per-item times.
struct ThreadItemEntry {
  std::optional<std::int64_t> completedAtMs;
  ThreadItem item;
  std::optional<std::int64_t> startedAtMs;
  std::string turnId;
};
PROTOCOL_STRUCT(ThreadItemEntry, (completedAtMs, item, startedAtMs, turnId))

struct ThreadItemsListResponse {
  std::optional<std::string> backwardsCursor;  // the first item of the page, the other way
  std::vector<ThreadItemEntry> data;
  std::optional<std::string> nextCursor;       // null: no more items
};
PROTOCOL_STRUCT(ThreadItemsListResponse, (backwardsCursor, data, nextCursor))

}  // namespace appserver::protocol::v2
