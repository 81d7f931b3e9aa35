// The child side of a sub-agent (LiveThread::SubagentLink): its turns started by the parent's
// spawn_agent / send_input, its status as the tools report it, close and resume, the
// <subagent_notification> its parent's model gets, and the tree's open-agent count
// (agents.max_threads). The parent's tools are in subagent_runner.cpp. Each member runs on its
// own thread's strand; parent and child reach each other only with asio::post.
#include "server/threads/turn_state.hpp"

#include "server/subagents/subagent_tools.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace appserver {

namespace asio = boost::asio;

std::shared_ptr<std::atomic<int>> LiveThread::open_agents() {
  if (subagent_ && subagent_->open_agents) return subagent_->open_agents;
  if (!tree_agents_) tree_agents_ = std::make_shared<std::atomic<int>>(0);
  return tree_agents_;
}

bool LiveThread::may_spawn() const {
  return ctx_.config.agents.enabled && (subagent_ ? subagent_->depth : 0) < ctx_.config.agents.max_depth;
}

void LiveThread::restore_subagent_link() {
  // The sub-agents this thread spawned: its stored spawnAgent items.
  for (const auto& turn : history_.turns())
    for (const auto& item : turn.items)
      if (const auto* call = std::get_if<v2::CollabAgentToolCallItem>(&item);
          call && call->tool == v2::CollabAgentTool::spawnAgent && call->status == v2::CollabAgentToolCallStatus::completed)
        for (const auto& id : call->receiverThreadIds)
          if (std::find(children_.begin(), children_.end(), id) == children_.end()) children_.push_back(id);
  // A sub-agent itself: its source names the parent and the depth.
  const v2::Thread& thread = history_.thread();
  if (!thread.source.is_object()) return;
  const auto sub = thread.source.find("subAgent");
  if (sub == thread.source.end() || !sub->is_object()) return;
  const auto spawn = sub->find("thread_spawn");
  if (spawn == sub->end() || !spawn->is_object()) return;
  SubagentLink link;
  link.parent_id = thread.parentThreadId.value_or(
      spawn->contains("parent_thread_id") && (*spawn)["parent_thread_id"].is_string() ? (*spawn)["parent_thread_id"].get<std::string>() : "");
  link.session_id = thread.sessionId;
  link.parent_transcript_path = ctx_.store.path_for(link.parent_id).string();
  link.depth = spawn->contains("depth") && (*spawn)["depth"].is_number_integer() ? (*spawn)["depth"].get<int>() : 1;
  link.nickname = thread.agentNickname.value_or("");
  link.pending = history_.turns().empty();
  link.started = !link.pending;  // its SubagentStart ran at its first turn, before the restart
  link.notify_armed = false;     // the parent's wait for it ended with the old process (resume_agent re-arms)
  make_subagent(std::move(link));
}

void LiveThread::make_subagent(SubagentLink link) {
  subagent_ = std::move(link);
  session_start_source_.clear();  // a sub-agent runs SubagentStart instead
}

bool LiveThread::start_subagent_turn(std::string message, std::string root_turn_id, std::string turn_id) {
  if (turn_running_) return false;
  if (subagent_) subagent_->pending = false;
  auto state = begin_turn();
  if (!turn_id.empty()) state->turn.id = std::move(turn_id);
  state->turn.rootTurnId = std::move(root_turn_id);
  state->input = {v2::TextUserInput{std::move(message), {}}};
  spawn_turn(run_turn(state));
  return true;
}

void LiveThread::when_turn_done(std::function<void(bool, std::string)> done) {
  auto report = [self = shared_from_this(), done = std::move(done)] {
    bool completed = false;
    std::string message;
    if (const auto& turns = self->history_.turns(); !turns.empty()) {
      completed = turns.back().status == v2::TurnStatus::completed;
      for (auto it = turns.back().items.rbegin(); it != turns.back().items.rend(); ++it)
        if (const auto* m = std::get_if<v2::AgentMessageItem>(&*it)) {
          message = m->text;
          break;
        }
    }
    done(completed, message);
  };
  if (turn_running_) when_idle_.push_back(std::move(report));
  else report();
}

void LiveThread::interrupt_from_parent() {
  if (turn_running_ && active_turn_ && !active_turn_->interrupted) stop_active_turn();
}

nlohmann::json LiveThread::subagent_status() const {
  if (subagent_ && subagent_->closed) return "shutdown";
  if (turn_running_) return "running";
  const auto& turns = history_.turns();
  if ((subagent_ && subagent_->pending) || turns.empty()) return "pending_init";
  const v2::Turn& last = turns.back();
  if (last.status == v2::TurnStatus::interrupted) return "interrupted";
  if (last.status == v2::TurnStatus::failed)
    return {{"errored", last.error ? last.error->message : std::string("the turn failed")}};
  std::string message;
  for (auto it = last.items.rbegin(); it != last.items.rend(); ++it)
    if (const auto* m = std::get_if<v2::AgentMessageItem>(&*it)) {
      message = m->text;
      break;
    }
  return {{"completed", message}};
}

std::string LiveThread::accept_input(std::string message, std::string root_turn_id, bool interrupt) {
  if (subagent_ && subagent_->closed) return "";
  if (!turn_running_) {
    start_subagent_turn(std::move(message), std::move(root_turn_id));
    return active_turn_->turn.id;
  }
  if (interrupt) {  // the running turn is interrupted; the message starts the next one
    std::string turn_id = ctx_.ids->next("turn");
    if (!active_turn_->interrupted) stop_active_turn();
    when_idle_.push_back([self = shared_from_this(), message = std::move(message), root = std::move(root_turn_id),
                          turn_id]() mutable {
      if (!self->start_subagent_turn(message, root, turn_id))
        spdlog::warn("thread {}: send_input's message could not start turn {}: a turn runs", self->id_, turn_id);
    });
    return turn_id;
  }
  active_turn_->steers.push_back({{v2::TextUserInput{std::move(message), {}}}, std::nullopt});
  return active_turn_->turn.id;
}

nlohmann::json LiveThread::close_subagent() {
  nlohmann::json previous = subagent_status();
  if (subagent_ && !subagent_->closed) {
    subagent_->closed = true;
    if (subagent_->open_agents) --*subagent_->open_agents;  // its place in agents.max_threads is free
  }
  interrupt_from_parent();
  return previous;
}

std::optional<nlohmann::json> LiveThread::resume_subagent(int max_threads) {
  if (subagent_ && subagent_->closed) {
    if (subagent_->open_agents && ++*subagent_->open_agents > max_threads) {
      --*subagent_->open_agents;
      return std::nullopt;
    }
    subagent_->closed = false;
    subagent_->pending = true;
    subagent_->notify_armed = true;
  }
  return nlohmann::json("pending_init");
}

void LiveThread::queue_subagent_notification(std::string text) { subagent_notifications_.push_back(std::move(text)); }

void LiveThread::inject_subagent_notifications(TurnState& turn) {
  for (auto& text : std::exchange(subagent_notifications_, {})) {
    const protocol::Json params = {{"turnId", turn.turn.id}, {"text", std::move(text)}};
    history_.apply(kUserContextRecord, params);
    persist(kUserContextRecord, params);
  }
}

void LiveThread::notify_parent() {
  // Once per spawn or resume, as Codex 0.169: its watcher reports the first final status and
  // ends (recorded: a send_input turn of an idle child brings no second notification, a turn
  // after resume_agent does).
  if (!subagent_ || !std::exchange(subagent_->notify_armed, false)) return;
  auto parent = ctx_.registry.find(subagent_->parent_id);
  if (!parent) return;
  std::string text = subagents::completion_notification(id_, subagent_status());
  asio::post(parent->strand(), [parent, text = std::move(text)]() mutable {
    parent->queue_subagent_notification(std::move(text));
  });
}

void LiveThread::interrupt_children() {
  for (const auto& id : children_)
    if (auto child = ctx_.registry.find(id)) asio::post(child->strand(), [child] { child->interrupt_from_parent(); });
}

}  // namespace appserver
