// Sub-agents, as Codex 0.169 runs them (recorded: tests/unit/fixtures/codex_0.169_subagents/):
// `spawn_agent` makes a child thread (its source names the parent) and starts its first turn
// with the given message; the child's turns run SubagentStart instead of SessionStart and
// SubagentStop instead of Stop; its notifications reach the parent's subscribers (the ones
// subscribed when it was spawned); `wait_agent` waits until one of the given children
// finishes. Each call is a `collabAgentToolCall` item of the parent, between PreToolUse and
// PostToolUse (tool names as Codex sends them: `spawn_agent`, `multi_agent_v1wait_agent`).
// send_input starts a turn of an idle child or joins its running one, close_agent closes it
// (interrupting a running turn), resume_agent reopens it. When a child's turn ends, the
// parent's model gets Codex's <subagent_notification> before its next request. A Responses API
// model finds the tools with tool_search (threads/tool_runner.cpp, tools/tool_search.hpp).
// Limits ([agents] in config.toml): max_depth, and max_threads open sub-agents per tree.
//
// Threads: the parent's members are touched on its strand, the child's on the child's; they
// reach each other only with asio::post.
#include "server/threads/turn_state.hpp"

#include "hooks/hook_input.hpp"
#include "server/subagents/subagent_tools.hpp"
#include "server/support/run_blocking.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace appserver {

namespace asio = boost::asio;
using hooks::HookEventName;

namespace {
constexpr std::int64_t kDefaultWaitMs = 30'000, kMinWaitMs = 10'000, kMaxWaitMs = 3'600'000;  // Codex's
constexpr const char* kThreadLimitReached = "collab spawn failed: agent thread limit reached";  // Codex's

/// The task text of a spawn_agent / send_input call: `message`, else its `items`' text items
/// joined by newlines. Other item kinds (images, mentions…) are refused, as is `fork_context`.
std::optional<std::string> task_text(const ToolCall& call, std::string& error) {
  const auto& args = call.arguments;
  if (auto fork = args.find("fork_context"); fork != args.end() && fork->is_boolean() && fork->get<bool>()) {
    error = call.name + ": fork_context is not supported by this server; put the context the agent needs in `message`";
    return std::nullopt;
  }
  if (auto m = args.find("message"); m != args.end() && m->is_string() && !m->get<std::string>().empty())
    return m->get<std::string>();
  std::string text;
  if (auto items = args.find("items"); items != args.end() && items->is_array())
    for (const auto& item : *items) {
      const std::string type = item.is_object() && item.contains("type") && item["type"].is_string()
                                   ? item["type"].get<std::string>() : "";
      if (type != "text" || !item.contains("text") || !item["text"].is_string()) {
        error = call.name + ": only `text` items are supported by this server (got `" + type + "`)";
        return std::nullopt;
      }
      text += (text.empty() ? "" : "\n") + item["text"].get<std::string>();
    }
  if (text.empty()) {
    error = call.name + " needs a non-empty `message` (or text `items`)";
    return std::nullopt;
  }
  return text;
}
/// A status as the tools report it (LiveThread::subagent_status) as an item's agent state.
v2::CollabAgentState agent_state(const nlohmann::json& status) {
  using S = v2::CollabAgentStatus;
  if (status.is_object() && status.contains("completed"))
    return {S::completed, status["completed"].is_string() ? status["completed"].get<std::string>() : ""};
  if (status.is_object() && status.contains("errored"))
    return {S::errored, status["errored"].is_string() ? status["errored"].get<std::string>() : ""};
  const std::string s = status.is_string() ? status.get<std::string>() : "";
  if (s == "running") return {S::running, std::nullopt};
  if (s == "interrupted") return {S::interrupted, std::nullopt};
  if (s == "shutdown") return {S::shutdown, std::nullopt};
  if (s == "not_found") return {S::notFound, std::nullopt};
  return {S::pendingInit, std::nullopt};
}
}  // namespace

asio::awaitable<void> LiveThread::run_subagent_tool(TurnState& turn, const ToolCall& call) {
  const hooks::HookInputContext context = hook_context(turn);
  const std::string tool_name = subagents::hook_tool_name(call.name);
  {
    hooks::HookInvocation invocation{
        HookEventName::preToolUse, tool_name,
        [&] { return hooks::pre_tool_use_input(context, tool_name, call.arguments, call.call_id); }, "",
        ":" + call.call_id};
    auto result = co_await run_event(turn, std::move(invocation));
    for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
    if (turn.interrupted) co_return;
    if (result.should_block) {
      record_tool_output(turn, call, "Tool call blocked by PreToolUse hook: " + result.block_reason);
      co_return;
    }
  }
  if (call.name == "spawn_agent") co_await run_spawn_agent(turn, call);
  else if (call.name == "wait_agent") co_await run_wait_agent(turn, call);
  else co_await run_agent_control(turn, call);
}

namespace {
// Runs `work` (a plain callable) on `target` and resumes the caller on `home` with its result;
// `work` is taken by const& and copied (the GCC 12 rule of run_blocking.hpp).
template <class Work, class Result = std::invoke_result_t<const Work&>>
asio::awaitable<Result> call_on(LiveThread::Strand& target, LiveThread::Strand& home, const Work& work) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Result)>(
      [&target, &home](auto handler, Work work) {
        asio::post(target, [handler = std::move(handler), work = std::move(work), home]() mutable {
          Result result = work();
          asio::post(home, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, work);
}
}  // namespace

asio::awaitable<std::shared_ptr<LiveThread>> LiveThread::subagent_thread(const std::string& id) {
  if (auto live = ctx_.registry.find(id)) co_return live;
  if (std::find(children_.begin(), children_.end(), id) == children_.end()) co_return nullptr;
  // Not loaded (the daemon restarted since the spawn): read its file off the io thread.
  const auto work = [store = &ctx_.store, id]() -> std::optional<LoadedThread> {
    try {
      return store->load(id);
    } catch (const std::exception& e) {
      spdlog::warn("sub-agent {}: cannot load its history: {}", id, e.what());
      return std::nullopt;
    }
  };
  auto loaded = co_await run_blocking(ctx_.file_io, work);
  if (!loaded) co_return nullptr;
  if (auto raced = ctx_.registry.find(id)) co_return raced;
  std::shared_ptr<LiveThread> child;
  try {
    child = LiveThread::resume(ctx_, std::move(loaded->history), settings_);
  } catch (const std::exception& e) {
    spdlog::warn("thread {}: cannot resume sub-agent {}: {}", id_, id, e.what());
    co_return nullptr;
  }
  child = ctx_.registry.insert(id, child);
  for (const auto& weak : subscribers_)  // its notifications go to the parent's clients
    if (auto c = weak.lock()) asio::post(child->strand(), [child, c] { child->subscribe(c); });
  co_return child;
}

asio::awaitable<void> LiveThread::run_agent_control(TurnState& turn, const ToolCall& call) {
  const char* key = call.name == "resume_agent" ? "id" : "target";
  const auto t = call.arguments.find(key);
  const std::string target = t != call.arguments.end() && t->is_string() ? t->get<std::string>() : "";
  if (target.empty()) {
    record_tool_output(turn, call, call.name + " needs `" + key + "`");
    co_return;
  }
  std::string message, error;
  if (call.name == "send_input") {
    auto text = task_text(call, error);
    if (!text) {
      record_tool_output(turn, call, error);
      co_return;
    }
    message = std::move(*text);
  }
  const auto i = call.arguments.find("interrupt");
  const bool interrupt = i != call.arguments.end() && i->is_boolean() && i->get<bool>();
  v2::CollabAgentToolCallItem item;
  item.id = call.call_id;
  item.tool = call.name == "send_input"  ? v2::CollabAgentTool::sendInput
              : call.name == "close_agent" ? v2::CollabAgentTool::closeAgent
                                           : v2::CollabAgentTool::resumeAgent;
  item.senderThreadId = id_;
  item.receiverThreadIds = {target};
  if (call.name == "send_input") item.prompt = message;
  emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});

  const auto child = co_await subagent_thread(target);
  const bool ours = child && std::find(children_.begin(), children_.end(), target) != children_.end();
  std::string output;
  v2::CollabAgentState state{v2::CollabAgentStatus::notFound, std::nullopt};
  if (!ours) {
    output = "agent with id " + target + " not found";
    item.status = v2::CollabAgentToolCallStatus::failed;
  } else if (call.name == "send_input") {
    const std::string root = turn.turn.rootTurnId.value_or(turn.turn.id);
    const auto work = [child, message, root, interrupt] {
      nlohmann::json before = child->subagent_status();  // the item's state, as the reference reports it
      return std::make_pair(child->accept_input(message, root, interrupt), std::move(before));
    };
    const auto [submission, before] = co_await call_on(child->strand(), strand_, work);
    if (submission.empty()) {
      output = "agent " + target + " is closed; resume_agent it first";
      item.status = v2::CollabAgentToolCallStatus::failed;
      state.status = v2::CollabAgentStatus::shutdown;
    } else {
      output = nlohmann::json{{"submission_id", submission}}.dump();
      item.status = v2::CollabAgentToolCallStatus::completed;
      state = agent_state(before);
    }
  } else if (call.name == "close_agent") {
    const auto work = [child] { return child->close_subagent(); };
    const nlohmann::json status = co_await call_on(child->strand(), strand_, work);
    output = nlohmann::json{{"previous_status", status}}.dump();
    item.status = v2::CollabAgentToolCallStatus::completed;
    state = agent_state(status);  // as the reference: the state it had before closing
  } else {
    const auto work = [child, max = ctx_.config.agents.max_threads] { return child->resume_subagent(max); };
    const std::optional<nlohmann::json> status = co_await call_on(child->strand(), strand_, work);
    if (!status) {
      output = "collab resume failed: agent thread limit reached";
      item.status = v2::CollabAgentToolCallStatus::failed;
      state.status = v2::CollabAgentStatus::shutdown;
    } else {
      output = nlohmann::json{{"status", *status}}.dump();
      item.status = v2::CollabAgentToolCallStatus::completed;
      state = agent_state(*status);
    }
  }
  item.agentsStates[target] = state;
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  co_await finish_subagent_call(turn, call, output);
}

asio::awaitable<void> LiveThread::finish_subagent_call(TurnState& turn, const ToolCall& call, std::string output) {
  const hooks::HookInputContext context = hook_context(turn);
  const std::string tool_name = subagents::hook_tool_name(call.name);
  hooks::HookInvocation invocation{
      HookEventName::postToolUse, tool_name,
      [&] { return hooks::post_tool_use_input(context, tool_name, call.arguments, output, call.call_id); }, "",
      ":" + call.call_id};
  auto post = co_await run_event(turn, std::move(invocation));
  for (const auto& c : post.contexts) record_developer_message(turn.turn.id, c);
  record_tool_output(turn, call, post.should_block ? post.block_reason : output);
}

asio::awaitable<void> LiveThread::run_spawn_agent(TurnState& turn, const ToolCall& call) {
  std::string error;
  const auto text = task_text(call, error);
  if (!text) {
    record_tool_output(turn, call, error);
    co_return;
  }
  const std::string& message = *text;
  v2::CollabAgentToolCallItem item;
  item.id = call.call_id;
  item.tool = v2::CollabAgentTool::spawnAgent;
  item.senderThreadId = id_;
  item.prompt = message;
  item.model = "";  // as the reference: known once spawned
  emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});

  // agents.max_threads: a place in the tree, taken now, given back by close_agent.
  const auto slots = open_agents();
  if (++*slots > ctx_.config.agents.max_threads) {
    --*slots;
    item.status = v2::CollabAgentToolCallStatus::failed;  // as the reference: no PostToolUse
    emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    record_tool_output(turn, call, kThreadLimitReached);
    co_return;
  }
  const std::string session = subagent_ ? subagent_->session_id : id_;
  const int depth = subagent_ ? subagent_->depth + 1 : 1;
  const std::string nickname = subagents::nickname(ctx_.subagents_spawned++);
  v2::Thread thread;
  thread.id = ctx_.ids->next("thread");
  thread.sessionId = session;
  thread.createdAt = thread.updatedAt = ctx_.clock->now_sec();
  thread.cwd = settings_.cwd;
  thread.cliVersion = kServerVersion;
  thread.originator = history_.thread().originator;
  thread.parentThreadId = id_;
  thread.agentNickname = nickname;
  thread.source = {{"subAgent",
                    {{"thread_spawn",
                      {{"parent_thread_id", id_}, {"depth", depth}, {"agent_path", nullptr},
                       {"agent_nickname", nickname}, {"agent_role", nullptr}}}}}};
  std::shared_ptr<LiveThread> child;
  try {
    child = LiveThread::create(ctx_, thread, settings_);
  } catch (const std::exception& e) {
    spdlog::error("thread {}: spawn_agent failed: {}", id_, e.what());
    --*slots;
    item.status = v2::CollabAgentToolCallStatus::failed;
    emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    record_tool_output(turn, call, std::string("spawn_agent failed: ") + e.what());
    co_return;
  }
  child->make_subagent({id_, session, file_path(), depth, nickname, "default", false, true, false, true, slots});
  ctx_.registry.insert(child->id(), child);
  children_.push_back(child->id());
  std::vector<ConnectionPtr> clients;  // the child's notifications go to the parent's clients
  for (const auto& weak : subscribers_)
    if (auto c = weak.lock()) clients.push_back(c);
  asio::post(child->strand(), [child, clients, message, root = turn.turn.rootTurnId.value_or(turn.turn.id)] {
    for (const auto& c : clients) child->subscribe(c);
    child->start_subagent_turn(message, root);
  });
  spdlog::info("thread {}: spawned sub-agent {} ({})", id_, child->id(), nickname);

  item.status = v2::CollabAgentToolCallStatus::completed;
  item.receiverThreadIds = {child->id()};
  item.model = agent_->model();
  item.agentsStates[child->id()] = v2::CollabAgentState{v2::CollabAgentStatus::pendingInit, std::nullopt};
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  const std::string output = subagents::spawn_output(child->id(), nickname);
  co_await finish_subagent_call(turn, call, output);
}

asio::awaitable<void> LiveThread::run_wait_agent(TurnState& turn, const ToolCall& call) {
  std::vector<std::string> targets;
  if (auto t = call.arguments.find("targets"); t != call.arguments.end() && t->is_array())
    for (const auto& id : *t)
      if (id.is_string()) targets.push_back(id.get<std::string>());
  if (targets.empty()) {
    record_tool_output(turn, call, "wait_agent needs `targets`: the agent ids to wait on");
    co_return;
  }
  std::int64_t timeout_ms = kDefaultWaitMs;
  if (auto t = call.arguments.find("timeout_ms"); t != call.arguments.end() && t->is_number())
    timeout_ms = std::clamp<std::int64_t>(t->get<std::int64_t>(), kMinWaitMs, kMaxWaitMs);

  v2::CollabAgentToolCallItem item;
  item.id = call.call_id;
  item.tool = v2::CollabAgentTool::wait;
  item.senderThreadId = id_;
  item.receiverThreadIds = targets;
  emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});

  // Each target reports once it is idle (on its own strand, posted back here); the first
  // final one, the timeout or an interrupt ends the wait.
  struct Wait {
    std::map<std::string, subagents::AgentResult> results;
    bool timed_out = false;
    std::function<void()> finish;
  };
  for (const auto& id : targets) co_await subagent_thread(id);  // loaded again after a restart
  auto wait = std::make_shared<Wait>();
  auto timer = std::make_shared<asio::steady_timer>(strand_, std::chrono::milliseconds(timeout_ms));
  // A named initiation, not a lambda built inside the co_await (run_blocking.hpp: GCC 12).
  const auto initiation = [&](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto done = std::make_shared<bool>(false);
        wait->finish = [shared, done, timer, strand = strand_] {
          if (std::exchange(*done, true)) return;
          timer->cancel();
          asio::post(strand, [shared] { (*shared)(); });
        };
        turn.cancel_wait = [wait] { wait->finish(); };
        timer->async_wait([wait](const boost::system::error_code& ec) {
          if (ec) return;
          wait->timed_out = true;
          wait->finish();
        });
        for (const auto& id : targets) {
          auto child = ctx_.registry.find(id);
          if (!child) {
            wait->results[id] = {false, "", "not_found"};
            wait->finish();
            continue;
          }
          asio::post(child->strand(), [child, id, wait, strand = strand_] {
            child->when_turn_done([id, wait, strand](bool completed, std::string message) {
              asio::post(strand, [id, wait, completed, message = std::move(message)] {
                wait->results[id] = {completed, message, completed ? "" : "errored"};
                wait->finish();
              });
            });
          });
        }
      };
  co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(initiation, asio::use_awaitable);
  turn.cancel_wait = nullptr;
  if (turn.interrupted) co_return;

  item.status = v2::CollabAgentToolCallStatus::completed;
  for (const auto& [id, r] : wait->results)
    item.agentsStates[id] = r.completed ? v2::CollabAgentState{v2::CollabAgentStatus::completed, r.message}
                                        : v2::CollabAgentState{r.state == "not_found" ? v2::CollabAgentStatus::notFound
                                                                                      : v2::CollabAgentStatus::errored,
                                                               std::nullopt};
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  const std::string output =
      subagents::wait_output(wait->timed_out ? std::map<std::string, subagents::AgentResult>{} : wait->results,
                             wait->timed_out);
  co_await finish_subagent_call(turn, call, output);
}

}  // namespace appserver
