// thread/list (answered by the thread index), thread/name/set, thread/archive, thread/unarchive.
// A metadata change is stored in the thread's file (its notification is a stored record, so a
// rebuilt index and thread/read agree), written through to the index, answered, and then sent
// to every connection, as the reference sends it.
#include "server/handlers/handlers.hpp"

#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace appserver {

namespace v2 = protocol::v2;
using boost::asio::post;

namespace {

constexpr std::int64_t kDefaultPageSize = 25;
constexpr std::int64_t kMaxPageSize = 500;
constexpr std::size_t kMaxExcludedIds = 100;

std::string source_of(v2::ThreadSourceKind kind) { return protocol::encode(kind).get<std::string>(); }

/// Validates thread/list params into an index query; an error text names the param.
std::optional<ListQuery> to_query(const v2::ThreadListParams& p, std::string& error) {
  ListQuery q;
  const auto key = p.sortKey.value_or(v2::ThreadSortKey::created_at);
  if (key == v2::ThreadSortKey::section_position) {
    error = "params.sortKey: section_position needs thread sections, which this server does not have";
    return std::nullopt;
  }
  q.key = key == v2::ThreadSortKey::created_at ? v2::ThreadSortKey::created_at : v2::ThreadSortKey::updated_at;
  q.ascending = p.sortDirection == std::optional(v2::SortDirection::asc);
  if (p.cursor) {
    q.after = decode_cursor(*p.cursor);
    if (!q.after) {
      error = "params.cursor: not a cursor from thread/list";
      return std::nullopt;
    }
    if (q.after->key != q.key || q.after->ascending != q.ascending) {
      error = "params.cursor: made for another sortKey or sortDirection";
      return std::nullopt;
    }
  }
  const std::int64_t limit = p.limit.value_or(kDefaultPageSize);
  q.limit = static_cast<std::size_t>(std::clamp<std::int64_t>(limit == 0 ? kDefaultPageSize : limit, 1, kMaxPageSize));
  q.archived = p.archived.value_or(false);
  if (p.cwd && !p.cwd->is_null()) {
    if (p.cwd->is_string()) {
      q.cwds.push_back(p.cwd->get<std::string>());
    } else if (p.cwd->is_array()) {
      for (std::size_t i = 0; i < p.cwd->size(); ++i) {
        if (!(*p.cwd)[i].is_string()) {
          error = "params.cwd[" + std::to_string(i) + "]: expected a path";
          return std::nullopt;
        }
        q.cwds.push_back((*p.cwd)[i].get<std::string>());
      }
      if (q.cwds.empty()) q.match_nothing = true;  // "one of these paths", and there are none
    } else {
      error = "params.cwd: expected a path or an array of paths";
      return std::nullopt;
    }
  }
  if (p.modelProviders) q.providers = *p.modelProviders;
  if (p.sourceKinds && !p.sourceKinds->empty()) {
    for (auto kind : *p.sourceKinds) q.sources.push_back(source_of(kind));
  } else {
    q.sources = {"cli", "vscode"};  // the reference's default: interactive sessions
  }
  if (p.excludedThreadIds) {
    if (p.excludedThreadIds->size() > kMaxExcludedIds) {
      error = "params.excludedThreadIds: at most " + std::to_string(kMaxExcludedIds) + " ids, got " +
              std::to_string(p.excludedThreadIds->size());
      return std::nullopt;
    }
    for (std::size_t i = 0; i < p.excludedThreadIds->size(); ++i) {
      if (!ThreadStore::valid_id((*p.excludedThreadIds)[i])) {
        error = "params.excludedThreadIds[" + std::to_string(i) + "]: not a thread id";
        return std::nullopt;
      }
    }
    q.excluded_ids = *p.excludedThreadIds;
  }
  if (p.originators && !p.originators->empty()) {
    error = "params.originators: only hosted backends filter by originator; send an empty list or none";
    return std::nullopt;
  }
  if (p.searchTerm && !p.searchTerm->empty()) q.search = *p.searchTerm;
  if (p.sectionId) q.match_nothing = true;  // no thread is in a section here
  return q;
}

}  // namespace

void Handlers::on_thread_list(const ConnectionPtr& connection, v2::ThreadListParams params,
                              Reply<v2::ThreadListResponse> reply) {
  std::string error;
  auto query = to_query(params, error);
  if (!query) return reply.error(protocol::invalid_params(error));
  ctx_.index->list(std::move(*query), connection->executor(), [this, reply](ThreadIndex::ListResult result) {
    if (auto* failure = std::get_if<std::string>(&result)) return reply.error(protocol::internal_error(*failure));
    auto& page = std::get<ListPage>(result);
    v2::ThreadListResponse response;
    response.data = std::move(page.threads);
    for (auto& thread : response.data)
      if (ctx_.registry.find(thread.id)) thread.status = v2::ThreadStatusIdle{};
    response.nextCursor = std::move(page.next_cursor);
    response.backwardsCursor = std::move(page.backwards_cursor);
    reply(response);
  });
}

namespace {

/// Stores `notification` for thread `id` (through its live thread, else appended to its file
/// and re-indexed), then calls `done(thread)` on `reply_on`, or `failed(error)`.
template <class Notification>
void store_metadata(ServerContext& ctx, const std::string& id, const Notification& notification,
                    boost::asio::any_io_executor reply_on, std::function<void(v2::Thread)> done,
                    std::function<void(protocol::RpcError)> failed) {
  if (auto live = ctx.registry.find(id)) {
    post(live->strand(), [live, notification, reply_on, done, failed] {
      if (std::string error = live->record(notification); !error.empty()) {
        post(reply_on, [failed, error] { failed(protocol::internal_error(error)); });
        return;
      }
      v2::Thread thread = live->snapshot(/*include_turns=*/false);
      post(reply_on, [done, thread = std::move(thread)]() mutable { done(std::move(thread)); });
    });
    return;
  }
  if (!ctx.store.exists(id)) return failed(protocol::invalid_request("thread not found: " + id));
  try {
    ThreadLog log(ctx.store.path_for(id));
    if (!log.append(protocol::NotificationTraits<Notification>::method, protocol::encode(notification)))
      return failed(protocol::internal_error(log.last_error()));
  } catch (const std::exception& e) {
    return failed(protocol::internal_error(std::string("cannot open the thread's file: ") + e.what()));
  }
  ctx.index->refresh(ctx.store.path_for(id), reply_on, [id, done, failed](std::optional<IndexedThread> row) {
    if (!row) return failed(protocol::invalid_request("thread not found: " + id));
    done(std::move(row->thread));
  });
}

/// The three metadata methods: store, reply (`make` builds the response from the thread), then
/// tell every connection.
template <class Notification, class Response, class Make>
void change_metadata(ServerContext& ctx, const ConnectionPtr& connection, const std::string& id,
                     const Notification& notification, Reply<Response> reply, Make make) {
  store_metadata(
      ctx, id, notification, connection->executor(),
      [&ctx, reply, notification, make](v2::Thread thread) {
        reply(make(std::move(thread)));
        ctx.outgoing.notify(ctx.connections.snapshot(), notification);
      },
      [reply](protocol::RpcError e) { reply.error(std::move(e)); });
}

}  // namespace

void Handlers::on_thread_name_set(const ConnectionPtr& connection, v2::ThreadSetNameParams params,
                                  Reply<v2::ThreadSetNameResponse> reply) {
  std::string name = params.name;
  name.erase(0, name.find_first_not_of(" \t\r\n"));
  name.erase(name.find_last_not_of(" \t\r\n") + 1);
  // An empty name clears it (threadName null).
  change_metadata(ctx_, connection, params.threadId,
                  v2::ThreadNameUpdatedNotification{params.threadId, name.empty() ? std::nullopt : std::optional(name)},
                  reply, [](v2::Thread) { return v2::ThreadSetNameResponse{}; });
}

void Handlers::on_thread_archive(const ConnectionPtr& connection, v2::ThreadArchiveParams params,
                                 Reply<v2::ThreadArchiveResponse> reply) {
  change_metadata(ctx_, connection, params.threadId, v2::ThreadArchivedNotification{params.threadId}, reply,
                  [](v2::Thread) { return v2::ThreadArchiveResponse{}; });
}

void Handlers::on_thread_unarchive(const ConnectionPtr& connection, v2::ThreadUnarchiveParams params,
                                   Reply<v2::ThreadUnarchiveResponse> reply) {
  change_metadata(ctx_, connection, params.threadId, v2::ThreadUnarchivedNotification{params.threadId}, reply,
                  [](v2::Thread thread) { return v2::ThreadUnarchiveResponse{std::move(thread)}; });
}

}  // namespace appserver
