// thread/items/list: a thread's items, oldest first (or newest first with sortDirection desc),
// across its turns or in one turn, paged by opaque cursors "item:N" (N: the position in the
// oldest-first list the page starts at, inclusive). Like thread/turns/list it answers from
// the live thread or, for a stored one, from its file.
#include "server/handlers/handlers.hpp"

#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <variant>

namespace appserver {

namespace v2 = protocol::v2;
using boost::asio::post;

namespace {

constexpr std::uint32_t kDefaultItems = 100, kMaxItems = 1000;

std::optional<std::int64_t> parse_cursor(const std::string& text) {
  if (text.rfind("item:", 0) != 0) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::int64_t n = std::stoll(text.substr(5), &used);
    if (used != text.size() - 5 || n < 0) return std::nullopt;
    return n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string cursor_at(std::size_t index) { return "item:" + std::to_string(index); }

/// One page of `turns`' items per `params`, or the error to answer.
std::variant<v2::ThreadItemsListResponse, protocol::RpcError> items_page(const std::vector<v2::Turn>& turns,
                                                                        const v2::ThreadItemsListParams& params) {
  std::vector<v2::ThreadItemEntry> all;
  bool turn_found = !params.turnId;
  for (const auto& turn : turns) {
    if (params.turnId && turn.id != *params.turnId) continue;
    turn_found = true;
    for (const auto& item : turn.items) all.push_back({std::nullopt, item, std::nullopt, turn.id});
  }
  if (!turn_found) return protocol::invalid_request("turn not found: " + *params.turnId);
  const bool desc = params.sortDirection == v2::SortDirection::desc;
  const std::int64_t size = static_cast<std::int64_t>(all.size());
  std::int64_t start = desc ? size - 1 : 0;
  if (params.cursor && !params.cursor->is_null()) {
    const auto& cursor = *params.cursor;
    if (cursor.is_string()) {
      auto at = parse_cursor(cursor.get<std::string>());
      if (!at) return protocol::invalid_params("params.cursor: not a cursor of this server");
      start = *at;
    } else if (cursor.is_object() && cursor.value("type", "") == "item" && cursor.contains("itemId") &&
               cursor["itemId"].is_string()) {
      if (!params.turnId) return protocol::invalid_params("params.cursor: an item anchor needs turnId");
      const std::string id = cursor["itemId"].get<std::string>();
      auto it = std::find_if(all.begin(), all.end(), [&](const auto& e) { return v2::item_id(e.item) == id; });
      if (it == all.end()) return protocol::invalid_request("item not found in turn: " + id);
      start = (it - all.begin()) + (desc ? -1 : 1);  // exclusive
    } else {
      return protocol::invalid_params("params.cursor: expected a string cursor or an item anchor");
    }
  }
  const std::uint32_t limit = std::clamp<std::uint32_t>(params.limit.value_or(kDefaultItems), 1, kMaxItems);
  v2::ThreadItemsListResponse page;
  std::int64_t i = start;
  for (; i >= 0 && i < size && page.data.size() < limit; i += desc ? -1 : 1) page.data.push_back(all[i]);
  if (i >= 0 && i < size) page.nextCursor = cursor_at(static_cast<std::size_t>(i));
  if (!page.data.empty()) page.backwardsCursor = cursor_at(static_cast<std::size_t>(start));
  return page;
}

}  // namespace

void Handlers::on_thread_items_list(const ConnectionPtr& connection, v2::ThreadItemsListParams params,
                                    Reply<v2::ThreadItemsListResponse> reply) {
  auto answer = [reply, params](const std::vector<v2::Turn>& turns) {
    auto page = items_page(turns, params);
    if (auto* error = std::get_if<protocol::RpcError>(&page)) return reply.error(*error);
    reply(std::get<v2::ThreadItemsListResponse>(std::move(page)));
  };
  if (auto live = ctx_.registry.find(params.threadId)) {
    post(live->strand(), [live, answer] { answer(live->snapshot(true).turns); });
    return;
  }
  const std::string id = params.threadId;
  ctx_.load_thread(id, connection->executor(), [id, reply, answer](std::optional<LoadedThread> loaded) {
    if (!loaded) return reply.error(protocol::invalid_request("thread not found: " + id));
    answer(loaded->history.thread().turns);
  });
}

}  // namespace appserver
