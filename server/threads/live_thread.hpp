// One loaded thread: its history (the reducer), its append-only log, its hooks, its subscribers
// and its running turn. Everything here runs on the thread's strand; other code reaches it only
// with asio::post(thread->strand(), …). emit() is the single funnel for thread notifications:
// fold into history → append to disk (stored ones) → serialise once → send to subscribers.
// A stored notification whose record cannot be written is not sent: the running turn stops and
// ends `failed` with an `error` naming the file (see persist()). An ephemeral thread has no
// file and writes nothing.
#pragma once

#include "hooks/hook_config.hpp"
#include "hooks/hook_engine.hpp"
#include "hooks/hook_input.hpp"
#include "protocol/methods.hpp"
#include "server/apply_patch/patch_apply.hpp"
#include "server/rpc/reply.hpp"
#include "server/sandbox/sandbox.hpp"
#include "server/server_context.hpp"
#include "server/threads/thread_history.hpp"
#include "server/threads/thread_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace appserver {

namespace v2 = protocol::v2;
class OutputCapture;  // server/tools/output_capture.hpp

/// Settings a thread runs with (from thread/start or thread/resume).
struct ThreadSettings {
  std::string cwd;
  protocol::Json approval_policy = "never";
  protocol::Json sandbox = {{"type", "dangerFullAccess"}};
  bool bypass_hook_trust = false;  // thread config `bypass_hook_trust`
  /// The Responses API `service_tier` ("default", "priority", "flex"; legacy "fast" is
  /// "priority"); nullopt: none asked for, none sent.
  std::optional<std::string> service_tier;
};

class LiveThread : public std::enable_shared_from_this<LiveThread> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  /// A brand-new thread: writes its `thread/started` record. Throws std::system_error if its
  /// file cannot be created.
  static std::shared_ptr<LiveThread> create(ServerContext& ctx, v2::Thread thread,
                                            ThreadSettings settings);
  /// A stored thread loaded for resume; its first turn runs SessionStart with source "resume".
  /// `session_start_source`: what the first turn's SessionStart says ("resume"; "fork" for
  /// a thread/fork copy).
  static std::shared_ptr<LiveThread> resume(ServerContext& ctx, ThreadHistory history,
                                            ThreadSettings settings,
                                            std::string session_start_source = "resume");

  Strand& strand() { return strand_; }
  const std::string& id() const { return id_; }

  // --- Everything below: call on strand() only. ---
  /// Adds a subscriber (once); it is also subscribed to this thread's sub-agents (posted to
  /// their strands), whose notifications go to the parent's subscribers.
  void subscribe(const ConnectionPtr& connection);
  /// Removes a subscriber, from the sub-agents too; false if it was not subscribed here.
  bool unsubscribe(Connection::Id connection);
  /// The thread as clients see it; turns only when `include_turns`.
  v2::Thread snapshot(bool include_turns);
  const ThreadSettings& settings() const { return settings_; }
  std::string model() const { return agent_->model(); }
  std::string model_provider() const { return agent_->provider(); }
  bool busy() const { return turn_running_; }
  /// The last thread/tokenUsage/updated (stored), for a resuming client.
  const std::optional<v2::ThreadTokenUsageUpdatedNotification>& token_usage() const { return history_.token_usage(); }
  const hooks::HookSet& hooks() const { return *hooks_; }
  /// Sends this thread's hook discovery warnings to one connection.
  void send_hook_warnings(const ConnectionPtr& connection) const;
  /// Discovers the hooks again (after a trust or config change); a running batch keeps the
  /// handlers it started with.
  void reload_hooks();
  /// Number of current subscribers.
  std::size_t subscriber_count();
  /// Tells the subscribers the thread is no longer loaded (thread/status/changed notLoaded),
  /// before thread/delete unloads it.
  void announce_unloaded();
  bool is_subscribed(Connection::Id connection) const;

  /// Runs SessionEnd hooks (sync, timeouts ≤ 3 s) and then `done` on the strand; used when the
  /// thread is unloaded (last subscriber left) and at shutdown. Runs at most once per thread.
  void end_session(std::function<void()> done);
  /// thread/compact/start: replies {} and runs a compaction turn (PreCompact → a
  /// contextCompaction item whose summary replaces the model history → PostCompact). The next
  /// turn runs SessionStart with source "compact". Errors if a turn is running.
  void start_compaction(Reply<v2::ThreadCompactStartResponse> reply);

  /// Starts a turn: replies with the inProgress turn, then runs it to completion. Errors
  /// (a turn already running, empty input) are replied as JSON-RPC errors.
  void start_turn(v2::TurnStartParams params, Reply<v2::TurnStartResponse> reply);
  /// turn/interrupt: stops the running turn `turn_id` (running hooks are killed, the agent's
  /// stream is cancelled), runs Interrupt hooks, replies {}, and completes the turn as
  /// `interrupted`. Errors if that turn is not running.
  void interrupt(const std::string& turn_id, Reply<v2::TurnInterruptResponse> reply);
  /// turn/steer: queues `params.input` for the running turn `params.expectedTurnId` and replies
  /// {turnId}; it joins the turn before the next model request (steer.cpp). Errors as the
  /// reference: -32600 "no active turn to steer", "expected active turn id `X` but found `Y`".
  void steer(v2::TurnSteerParams params, Reply<v2::TurnSteerResponse> reply);
  /// thread/shellCommand: replies {} and runs `params.command` with the user's shell in the
  /// thread's cwd as a `userShell` commandExecution item — in the running turn, or in a turn of
  /// its own when idle; no hooks run (user_shell.cpp). Errors: -32600 "command must not be
  /// empty", -32602 for a negative timeoutMs.
  void shell_command(v2::ThreadShellCommandParams params, Reply<v2::ThreadShellCommandResponse> reply);
  /// thread/revert: drops the turn `params.beforeTurnId` and every later one (a running turn
  /// is interrupted first), then replies and sends thread/reverted (revert/thread_revert.cpp).
  /// Errors: -32600 "turn not found: <id>"; -32603 when the revert cannot be stored.
  void revert(v2::ThreadRevertParams params, Reply<v2::ThreadRevertResponse> reply);
  /// Kills running hook processes (shutdown); the turn then completes on its own.
  void cancel_running_hooks();
  /// Applies and stores a metadata notification (thread/name/updated, thread/archived,
  /// thread/unarchived) without sending it (the handler sends it to every connection) and
  /// updates the thread index. Returns "" or, when it could not be written, why
  /// ("failed to write <path>: …").
  template <class Notification>
  std::string record(const Notification& notification);
  bool archived() const { return history_.archived(); }

  // --- Sub-agents (server/subagents/subagent_runner.cpp) ---
  /// What makes a thread a sub-agent: its parent, the parent's session (its hooks'
  /// `session_id`), its depth (1 for a child), its nickname and type ("default").
  struct SubagentLink {
    std::string parent_id;
    std::string session_id;
    std::string parent_transcript_path;
    int depth = 1;
    std::string nickname;
    std::string type = "default";
    bool closed = false;   // by close_agent, until resume_agent
    bool pending = true;   // no turn since spawn or resume: "pending_init"
    bool started = false;  // SubagentStart ran (at its first turn)
    bool notify_armed = true;  // the parent hears of the next turn's end (spawn, resume_agent)
    /// The open sub-agents of the whole tree (agents.max_threads), shared by its threads.
    std::shared_ptr<std::atomic<int>> open_agents;
  };
  /// Makes this new thread a sub-agent: no SessionStart; SubagentStart at its turns' start and
  /// SubagentStop instead of Stop. Call right after create(), before the thread is shared.
  void make_subagent(SubagentLink link);
  /// After a restart (resume()): the sub-agents this thread spawned, from its stored spawnAgent
  /// items, and, when its source is a sub-agent's, its link (parent, depth, nickname;
  /// SubagentStart counted as run once it has turns).
  void restore_subagent_link();
  /// Starts a turn with the text `message` (the parent's spawn_agent or send_input), its
  /// rootTurnId the parent's turn `root_turn_id` and its id `turn_id` (empty: a new one); no
  /// reply. On strand(); false when a turn already runs.
  bool start_subagent_turn(std::string message, std::string root_turn_id, std::string turn_id = "");
  /// Calls `done(completed, last agent message)` on this strand once no turn runs (at once when
  /// idle): `completed` when the last turn completed (not failed or interrupted).
  void when_turn_done(std::function<void(bool completed, std::string message)> done);
  /// Interrupts the running turn (if any) as turn/interrupt does, without a reply: the
  /// parent's turn was interrupted. On strand().
  void interrupt_from_parent();
  /// The sub-agent's status as Codex's tools report it: "pending_init" (no turn yet, or
  /// resumed), "running", {"completed": last message}, "interrupted", {"errored": error},
  /// "shutdown" (closed). On strand().
  nlohmann::json subagent_status() const;
  /// send_input: `message` starts a turn when idle, or joins the running one (as turn/steer),
  /// or with `interrupt` interrupts the running one and starts the next turn once it ended;
  /// returns the id of the turn that gets it, or "" when the sub-agent is closed. On strand().
  std::string accept_input(std::string message, std::string root_turn_id, bool interrupt = false);
  /// close_agent: the status before closing (the running turn is interrupted; its place in
  /// agents.max_threads is given back). resume_agent: reopens it, "pending_init", or nullopt
  /// when the tree already has `max_threads` open sub-agents. On strand().
  nlohmann::json close_subagent();
  std::optional<nlohmann::json> resume_subagent(int max_threads);
  /// A child's `<subagent_notification>` for this thread's model: it joins the model's input
  /// before the next model request (of the running turn, or of the next turn). On strand().
  void queue_subagent_notification(std::string text);

 private:
  LiveThread(ServerContext& ctx, std::string id, ThreadSettings settings);

  template <class Notification>
  void emit(const Notification& notification);
  void record_developer_message(const std::string& turn_id, const std::string& text);
  /// Appends one record to the thread's file (nothing for an ephemeral thread). On failure:
  /// remembers the error, stops the running turn (it ends `failed`, see complete_turn) or,
  /// outside a turn, warns the subscribers; returns false.
  bool persist(std::string_view method, std::string_view params_text);
  bool persist(std::string_view method, const protocol::Json& params);
  void on_storage_failure(const std::string& error);
  /// Stops the active turn as an interrupt does (model stream, command, approval, hooks); the
  /// turn coroutine then ends it. Call only with a turn active.
  void stop_active_turn();
  /// The file path clients and hooks see ("" for an ephemeral thread).
  std::string file_path() const;
  /// Writes this thread's metadata through to the thread index (nothing when ephemeral).
  void update_index();

  // Turn runner (turn_runner.cpp).
  struct TurnState;
  /// A new inProgress turn, made the active one (the thread is busy from here on).
  std::shared_ptr<TurnState> begin_turn();
  /// Runs a turn's coroutine on the strand; an internal error leaves the thread idle again.
  void spawn_turn(boost::asio::awaitable<void> body);
  /// Stamps the start time and sends thread/status/changed (active) and turn/started.
  void announce_turn(TurnState& turn);
  boost::asio::awaitable<void> run_turn(std::shared_ptr<TurnState> turn);
  boost::asio::awaitable<hooks::HookBatchResult> run_event(TurnState& turn,
                                                           hooks::HookInvocation invocation);
  /// The sync part of run_event without a turn: hook/started + hook/completed carry `turn_id`.
  boost::asio::awaitable<hooks::HookBatchResult> run_sync_hooks(std::optional<std::string> turn_id,
                                                                hooks::HookInvocation invocation);
  /// Starts `async: true` handlers in the background (at most 8 processes per thread; no
  /// notifications); their contexts reach the model on its next request.
  void start_async_hooks(const std::vector<const hooks::HookHandler*>& handlers,
                         const hooks::HookInvocation& invocation, const std::optional<std::string>& turn_id);
  void pump_async_hooks();
  /// Records finished async hooks' contexts as developer messages of `turn_id`.
  void drain_async_contexts(const std::string& turn_id);
  boost::asio::awaitable<void> run_compaction(std::shared_ptr<TurnState> turn);
  hooks::HookClock hook_clock() const;
  /// One model sample; false when the turn ended (failed or interrupted). Tool calls the
  /// agent made are left in `calls`.
  boost::asio::awaitable<bool> sample_reply(TurnState& turn, std::vector<ToolCall>& calls);
  /// Adds one model response's counts to the thread's stored total and sends (and stores)
  /// thread/tokenUsage/updated.
  void report_token_usage(const std::string& turn_id, const TokenCounts& counts);
  /// report_token_usage() of the turn's last model response, once (after its tool calls ran),
  /// then turn/diff/updated when the turn has patched files (as the reference orders them).
  void report_pending_usage(TurnState& turn);
  /// Runs UserPromptSubmit for each queued turn/steer input and adds the ones it does not
  /// block as userMessage items (steer.cpp).
  boost::asio::awaitable<void> inject_steers(TurnState& turn);
  /// PreToolUse → the command as a commandExecution item → PostToolUse → output to the model
  /// (tool_runner.cpp).
  boost::asio::awaitable<void> run_tool(TurnState& turn, const ToolCall& call);
  /// The item of one thread/shellCommand; `own_turn`: it also announces and completes `turn`.
  boost::asio::awaitable<void> run_user_shell(std::shared_ptr<TurnState> turn, bool own_turn,
                                              std::string command, std::int64_t timeout_ms);
  /// Stores what the model gets back for `call` (a function_call_output, or a
  /// custom_tool_call_output for a freeform call).
  void record_tool_output(const TurnState& turn, const ToolCall& call, const std::string& output);
  /// Asks every subscribed client `item/commandExecution/requestApproval`; the first answer
  /// wins ("accept", "acceptForSession", "decline" or "cancel"; an
  /// `acceptWithExecpolicyAmendment` answer is "accept"; an interrupt answers "cancel").
  boost::asio::awaitable<std::string> request_approval(TurnState& turn, const v2::CommandExecutionItem& item,
                                                       std::optional<std::string> reason);
  /// The approval of the command of `item` (threads/command_approval.cpp): none when the
  /// command was approved for the session; else PermissionRequest hooks (their tool_input has
  /// `description` = `reason` unless `retry`), then — without a hook verdict — waitingOnApproval,
  /// item/started (unless `started`; it is set) and request_approval with `reason`. True when it
  /// may run. When not: under `retry` (the question after a sandbox denial) nothing else
  /// happens unless the client cancelled; otherwise the item completes `declined` (when
  /// started) and the model's output is recorded; "cancel" also interrupts the turn.
  boost::asio::awaitable<bool> approve_command(TurnState& turn, const ToolCall& call, v2::CommandExecutionItem& item,
                                               bool& started, std::optional<std::string> reason, bool retry);
  /// One run of the command of `item` in `cwd`, its output streamed as outputDelta and kept in
  /// `output`; inside the sandbox of `policy` unless null. nullopt when sandboxed and bwrap is
  /// missing (nothing ran). Its duration is the fixed clock's when that is set.
  boost::asio::awaitable<std::optional<hooks::CommandResult>> run_command_attempt(
      TurnState& turn, const v2::CommandExecutionItem& item, const std::string& cwd, std::int64_t timeout_ms,
      const sandbox::Policy* policy, OutputCapture& output);
  /// The same for any approval request: `method` with `params` to every subscriber; `what`
  /// names it in logs.
  boost::asio::awaitable<std::string> request_approval(TurnState& turn, std::string_view method,
                                                       protocol::Json params, std::string what);
  /// exec_command running an `apply_patch <<EOF` heredoc, as the reference intercepts it: a
  /// fileChange item instead of a command, no PostToolUse (apply_patch/patch_tool.cpp).
  boost::asio::awaitable<void> run_intercepted_patch(TurnState& turn, const ToolCall& call,
                                                     std::string patch, std::optional<std::string> workdir);
  /// The `apply_patch` tool (a freeform call whose input is the patch): PreToolUse,
  /// PermissionRequest and PostToolUse as `apply_patch` (aliases Write, Edit) around the
  /// fileChange item (apply_patch/patch_tool.cpp).
  boost::asio::awaitable<void> run_patch_tool(TurnState& turn, const ToolCall& call);
  using PatchPlan = std::variant<std::vector<apply_patch::FileChange>, std::string>;
  /// apply_patch::plan_patch on ServerContext::file_io (it reads the files).
  boost::asio::awaitable<PatchPlan> plan_on_file_worker(const apply_patch::Patch& patch,
                                                        const std::filesystem::path& cwd);
  /// The fileChange item of planned `changes`: item/started, the approval when
  /// sandbox_refusal() names a reason and the approval policy asks (PermissionRequest hooks
  /// first when `hook_patch` is set: the patch they see), the write (on
  /// ServerContext::file_io), item/completed and turn/diff/updated. Returns "" when
  /// written, the write error, or nullopt when it was not applied (denied, declined,
  /// interrupted; the model's output is then recorded already).
  boost::asio::awaitable<std::optional<std::string>> run_file_change(TurnState& turn, const ToolCall& call,
                                                                     std::vector<apply_patch::FileChange> changes,
                                                                     const std::string* hook_patch);
  /// Why the thread's sandbox policy would not let `changes` be written, in the reference's
  /// words ("writing is blocked by read-only sandbox", "writing outside of the project":
  /// outside workspace-write's cwd, /tmp, $TMPDIR and writableRoots, or in their .git or
  /// .codex), or nullopt (danger-full-access, or every file approved for the session). Under
  /// an approval policy that asks, such a patch is asked for; under `never` it is rejected.
  std::optional<std::string> sandbox_refusal(const std::vector<apply_patch::FileChange>& changes) const;
  /// Under approval policy `never`, the reference's "patch rejected: <refusal>; rejected by
  /// user approval settings" for a patch the sandbox refuses; else nullopt.
  std::optional<std::string> rejected_without_asking(const std::vector<apply_patch::FileChange>& changes) const;
  /// turn/diff/updated with the turn's aggregated diff, when it has one.
  void report_turn_diff(TurnState& turn);
  bool approval_required() const;
  /// A sub-agent tool call of the model (server/subagents/subagent_runner.cpp).
  boost::asio::awaitable<void> run_subagent_tool(TurnState& turn, const ToolCall& call);
  boost::asio::awaitable<void> run_spawn_agent(TurnState& turn, const ToolCall& call);
  boost::asio::awaitable<void> run_wait_agent(TurnState& turn, const ToolCall& call);
  /// send_input, close_agent, resume_agent: one call on the target's strand, one item.
  boost::asio::awaitable<void> run_agent_control(TurnState& turn, const ToolCall& call);
  /// The live thread of sub-agent `id`: the loaded one, or one of this thread's sub-agents
  /// loaded from its file (read on ctx.file_io) after a restart; null when neither.
  boost::asio::awaitable<std::shared_ptr<LiveThread>> subagent_thread(const std::string& id);
  /// PostToolUse on a sub-agent tool's `output`, then what the model gets (its block reason
  /// replaces the output).
  boost::asio::awaitable<void> finish_subagent_call(TurnState& turn, const ToolCall& call, std::string output);
  /// Posts interrupt_from_parent() to each sub-agent of this thread.
  void interrupt_children();
  boost::asio::awaitable<void> finish_interrupted(TurnState& turn);
  void complete_turn(TurnState& turn, v2::TurnStatus status, std::optional<v2::TurnError> error);
  hooks::HookInputContext hook_context(const TurnState& turn) const;
  hooks::HookInputContext hook_context(const std::optional<std::string>& turn_id) const;

  ServerContext& ctx_;
  Strand strand_;
  std::string id_;
  ThreadSettings settings_;
  ThreadHistory history_;
  std::unique_ptr<ThreadLog> log_;  // null for an ephemeral thread
  std::string storage_error_;       // the last failed write, "" if none since
  bool deliver_unstored_ = false;   // complete_turn of a failed-storage turn: tell the client anyway
  std::shared_ptr<const hooks::HookSet> hooks_;  // replaced whole by reload_hooks()
  std::shared_ptr<Agent> agent_;
  std::vector<ConnectionWeak> subscribers_;
  std::shared_ptr<hooks::HookBatch> running_batch_;
  std::shared_ptr<TurnState> active_turn_;
  std::string session_start_source_ = "startup";  // "" once SessionStart has run
  bool turn_running_ = false;
  std::vector<std::function<void()>> when_idle_;  // run (posted) once the running turn ends
  std::optional<SubagentLink> subagent_;          // set when this thread is a sub-agent
  std::vector<std::string> children_;             // the sub-agents this thread spawned, in order
  /// The open sub-agents of this thread's tree: the link's for a sub-agent, else made by the
  /// first spawn. Taken by spawn and resume, given back by close.
  std::shared_ptr<std::atomic<int>> open_agents();
  std::shared_ptr<std::atomic<int>> tree_agents_;
  /// Whether this thread's model may find and call the sub-agent tools ([agents] enabled and
  /// the thread shallower than agents.max_depth).
  bool may_spawn() const;
  std::vector<std::string> subagent_notifications_;  // queued for the model's next request
  /// Records the queued sub-agent notifications as user context of `turn` (before a sample).
  void inject_subagent_notifications(TurnState& turn);
  /// A sub-agent's turn ended: queues its notification on the parent (posted).
  void notify_parent();
  std::set<std::string> session_approved_paths_;  // files a fileChange acceptForSession covers
  std::set<std::string> session_approved_commands_;  // commands an acceptForSession covers
  bool session_ended_ = false;
  struct AsyncJob;
  std::deque<std::shared_ptr<AsyncJob>> async_queue_;
  std::vector<std::shared_ptr<hooks::HookBatch>> async_running_;
  std::vector<std::string> async_contexts_;  // finished, not yet seen by the model
};

template <class Notification>
void LiveThread::emit(const Notification& notification) {
  using Traits = protocol::NotificationTraits<Notification>;
  protocol::Json params = protocol::encode(notification);
  // One dump of the params serves both the history file and the wire message.
  const std::string params_text = params.dump(-1, ' ', false, protocol::Json::error_handler_t::replace);
  if constexpr (Traits::history == protocol::History::stored) {
    history_.apply(Traits::method, params);
    bool stored;
    if constexpr (std::is_same_v<Notification, protocol::v2::TurnCompletedNotification>)
      stored = persist(Traits::method, stored_turn_completed(params));
    else
      stored = persist(Traits::method, std::string_view(params_text));
    // Persist before send: what a client is told is on disk. The one exception is the end of a
    // turn that failed because of storage: the client must hear that it ended (it says failed).
    if (!stored && !deliver_unstored_) return;
  }
  if constexpr (std::is_same_v<Notification, protocol::v2::ThreadStartedNotification> ||
                std::is_same_v<Notification, protocol::v2::TurnCompletedNotification>)
    update_index();
  ctx_.outgoing.deliver(subscribers_, Traits::method,
                        ctx_.outgoing.serialise(Traits::method, std::move(params), params_text));
}

template <class Notification>
std::string LiveThread::record(const Notification& notification) {
  using Traits = protocol::NotificationTraits<Notification>;
  static_assert(Traits::history == protocol::History::stored);
  const protocol::Json params = protocol::encode(notification);
  history_.apply(Traits::method, params);
  if (!log_) return "";
  if (!log_->append(Traits::method, params)) {
    spdlog::error("thread {}: {}", id_, log_->last_error());
    return log_->last_error();
  }
  update_index();
  return "";
}

}  // namespace appserver
