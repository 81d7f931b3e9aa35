// LiveThread: creation, subscription, snapshots; see live_thread.hpp. The turn itself is in
// turn_runner.cpp.
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "server/threads/turn_state.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace appserver {

namespace asio = boost::asio;

LiveThread::LiveThread(ServerContext& ctx, std::string id, ThreadSettings settings)
    : ctx_(ctx), strand_(boost::asio::make_strand(ctx.io)), id_(std::move(id)),
      settings_(std::move(settings)), agent_(ctx.make_agent()) {
  reload_hooks();
}

void LiveThread::reload_hooks() {
  hooks_ = std::make_shared<const hooks::HookSet>(ctx_.discover_hooks(settings_.cwd, settings_.bypass_hook_trust));
  for (const auto& warning : hooks_->warnings) spdlog::warn("thread {}: {}", id_, warning);
}

bool LiveThread::is_subscribed(Connection::Id connection) const {
  return std::any_of(subscribers_.begin(), subscribers_.end(), [&](const ConnectionWeak& w) {
    auto c = w.lock();
    return c && c->id() == connection;
  });
}

std::size_t LiveThread::subscriber_count() {
  std::erase_if(subscribers_, [](const ConnectionWeak& w) { return w.expired(); });
  return subscribers_.size();
}

std::shared_ptr<LiveThread> LiveThread::create(ServerContext& ctx, v2::Thread thread,
                                               ThreadSettings settings) {
  std::shared_ptr<LiveThread> live(new LiveThread(ctx, thread.id, std::move(settings)));
  if (!thread.ephemeral) live->log_ = ctx.store.open_log(thread.id);
  if (live->log_) thread.path = live->log_->path().string();
  thread.model = live->model();
  thread.modelProvider = live->model_provider();
  thread.status = v2::ThreadStatusIdle{};
  live->emit(v2::ThreadStartedNotification{thread});  // no subscribers yet: stored only
  if (!live->storage_error_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(live->log_->path(), ignored);  // empty: the record was cut back
    throw std::runtime_error(live->storage_error_);
  }
  spdlog::info("thread {} started in {}", thread.id, live->settings_.cwd);
  return live;
}

std::shared_ptr<LiveThread> LiveThread::resume(ServerContext& ctx, ThreadHistory history,
                                               ThreadSettings settings, std::string session_start_source) {
  const std::string id = history.thread().id;
  std::shared_ptr<LiveThread> live(new LiveThread(ctx, id, std::move(settings)));
  live->history_ = std::move(history);
  live->log_ = ctx.store.open_log(id);
  live->session_start_source_ = std::move(session_start_source);
  live->restore_subagent_link();  // a sub-agent stays one, a parent knows its sub-agents
  spdlog::info("thread {} resumed with {} turns", id, live->history_.turns().size());
  return live;
}

void LiveThread::subscribe(const ConnectionPtr& connection) {
  auto same = [&](const ConnectionWeak& w) {
    auto c = w.lock();
    return c && c->id() == connection->id();
  };
  std::erase_if(subscribers_, [](const ConnectionWeak& w) { return w.expired(); });
  if (std::none_of(subscribers_.begin(), subscribers_.end(), same)) {
    subscribers_.push_back(connection);
    // A sub-agent's notifications go to its parent's subscribers, also those that came later.
    for (const auto& id : children_)
      if (auto child = ctx_.registry.find(id))
        asio::post(child->strand(), [child, connection] { child->subscribe(connection); });
  }
}

bool LiveThread::unsubscribe(Connection::Id connection) {
  const auto before = subscribers_.size();
  std::erase_if(subscribers_, [&](const ConnectionWeak& w) {
    auto c = w.lock();
    return !c || c->id() == connection;
  });
  for (const auto& id : children_)
    if (auto child = ctx_.registry.find(id))
      asio::post(child->strand(), [child, connection] { child->unsubscribe(connection); });
  return subscribers_.size() < before;
}

v2::Thread LiveThread::snapshot(bool include_turns) {
  v2::Thread& stored = history_.thread();
  v2::Thread thread;
  if (include_turns) {
    thread = stored;
  } else {  // the turns are most of a long thread: set them aside instead of copying them
    std::vector<v2::Turn> turns = std::move(stored.turns);
    struct PutBack {
      v2::Thread& thread;
      std::vector<v2::Turn>& turns;
      ~PutBack() { thread.turns = std::move(turns); }
    } put_back{stored, turns};
    stored.turns.clear();
    thread = stored;
  }
  if (turn_running_) thread.status = v2::ThreadStatusActive{};
  else thread.status = v2::ThreadStatusIdle{};
  if (log_) thread.path = log_->path().string();
  else thread.path.reset();
  for (auto& turn : thread.turns) turn.itemsView = v2::TurnItemsView::full;
  return thread;
}

void LiveThread::update_index() {
  if (!log_ || !ctx_.index) return;
  IndexedThread row;
  row.turn_count = static_cast<std::int64_t>(history_.turns().size());
  row.archived = history_.archived();
  row.thread = snapshot(/*include_turns=*/false);
  row.thread.status = v2::ThreadStatusNotLoaded{};
  ctx_.index->upsert(std::move(row));
}

void LiveThread::send_hook_warnings(const ConnectionPtr& connection) const {
  for (const auto& warning : hooks_->warnings)
    ctx_.outgoing.notify(connection, v2::WarningNotification{id_, warning});
}

void LiveThread::record_developer_message(const std::string& turn_id, const std::string& text) {
  const protocol::Json params = {{"turnId", turn_id}, {"text", text}};
  history_.apply(kDeveloperMessageRecord, params);
  persist(kDeveloperMessageRecord, params);
}

bool LiveThread::persist(std::string_view method, std::string_view params_text) {
  if (!log_) return true;  // ephemeral: never written
  if (log_->append_text(method, params_text)) return true;
  on_storage_failure(log_->last_error());
  return false;
}

bool LiveThread::persist(std::string_view method, const protocol::Json& params) {
  return persist(method, std::string_view(params.dump(-1, ' ', false, protocol::Json::error_handler_t::replace)));
}

void LiveThread::on_storage_failure(const std::string& error) {
  const bool first = storage_error_.empty();
  storage_error_ = error;
  if (active_turn_) {
    TurnState& turn = *active_turn_;
    if (turn.storage_error) return;
    // Stop the turn as an interrupt does; it then ends `failed` with this error.
    spdlog::error("thread {}: turn {} stops: {}", id_, turn.turn.id, error);
    turn.storage_error = error;
    stop_active_turn();
    return;
  }
  if (first) emit(v2::WarningNotification{id_, error + "; this thread's history is not being stored"});
}

std::string LiveThread::file_path() const { return log_ ? log_->path().string() : std::string(); }

void LiveThread::cancel_running_hooks() {
  if (running_batch_) running_batch_->cancel();
}

void LiveThread::announce_unloaded() {
  emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusNotLoaded{}});
}

}  // namespace appserver
