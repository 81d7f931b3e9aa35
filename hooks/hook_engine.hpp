// The hook engine: select the handlers an event matches, preview them (the `running` summaries
// sent as hook/started), run them concurrently, and aggregate their outcomes in configured
// order (hooks-spec.md §3, §4.6). The engine knows no JSON-RPC: the caller emits notifications.
//
// Thread-safety: a HookBatch lives on the executor passed to run_hooks (a thread's strand);
// `done` is invoked there exactly once.
#pragma once

#include "hooks/command_runner.hpp"
#include "hooks/hook_config.hpp"
#include "hooks/hook_output.hpp"
#include "protocol/v2/hook.hpp"
#include "protocol/v2/item.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace appserver::hooks {

using protocol::v2::HookRunSummary;

/// Where run summaries get their times. Default: the system clock for startedAt/completedAt
/// and the measured monotonic duration. A fixed clock (test mode) makes runs reproducible.
struct HookClock {
  std::function<std::int64_t()> now_ms;  // unix milliseconds; empty = system clock
  bool fixed = false;                    // durationMs = clock difference instead of measured
  std::int64_t now() const;
};

/// One firing of one event.
struct HookInvocation {
  HookEventName event = HookEventName::stop;
  std::optional<std::string> matcher_input;  // tool name, SessionStart source, ...
  /// Builds the compact JSON payload written to each handler's stdin. Called at most once, by
  /// resolve_input, and only once a handler is selected: an event nobody hooks pays nothing for
  /// its payload (PreModelRequest's is the whole model input). It may capture the caller's
  /// locals by reference as long as the caller resolves before its frame ends.
  std::function<std::string()> make_input;
  std::string cwd;            // working directory of the hook processes
  std::string run_id_suffix;  // ":<tool_use_id>" for tool events, else ""
  /// KEY=VALUE environment of the hook processes (see hook_environment); null = inherit.
  std::shared_ptr<const std::vector<std::string>> environment;
  std::string stdin_json;  // the payload, once resolve_input has run
  /// Other names a matcher may match for the same tool, as Codex 0.169 has them: `Write` and
  /// `Edit` for `apply_patch`. A handler whose matcher matches the input or any alias runs
  /// once.
  std::vector<std::string> matcher_aliases;
};

/// Fills `stdin_json` from `make_input` (if set) and drops `make_input`, so a stored copy of
/// the invocation holds no references into the caller's frame. Idempotent.
void resolve_input(HookInvocation& invocation);

/// The environment hook processes get: `base` (KEY=VALUE, usually the daemon's environment
/// captured at start-up) without the variables named in `scrub` and without Codex's
/// non-inheritable ones (CODEX_EXEC_SERVER_NOISE_AUTH_TOKEN, NODE_REPL_AUTH_TOKEN,
/// OPENAI_FEDERATION_RULE_ID, OPENAI_IDENTITY_TOKEN_FILE, OPENAI_WORKLOAD_IDENTITY_CONTEXT);
/// names compare case-insensitively.
std::vector<std::string> hook_environment(const std::vector<std::string>& base,
                                          const std::vector<std::string>& scrub);

/// Handlers of `set` that `invocation` selects, in configured (display) order. No dedup. Only
/// handlers that may run (HookHandler::runs with set.bypass_trust) are selected; sync and async
/// ones alike (the caller splits them).
std::vector<const HookHandler*> select_handlers(const HookSet& set, const HookInvocation& invocation);

/// `<event-kebab>:<displayOrder>:<sourcePath><suffix>`.
std::string run_id(const HookHandler& handler, const std::string& suffix);

/// The `running` summary of a handler (hook/started). `now_sec`: unix SECONDS.
HookRunSummary preview_run(const HookHandler& handler, const HookInvocation& invocation,
                           std::int64_t now_sec);

/// A finished run: its final summary (hook/completed) and what it means.
struct HookRunResult {
  HookRunSummary summary;
  HookRunOutcome outcome;
  std::size_t completion_order = 0;  // 0 = finished first
  CommandResult command;             // what the process did (exit code, stdout, stderr), as read
};

/// The aggregate of one event's runs, in configured order (hooks-spec.md §4.6).
struct HookBatchResult {
  std::vector<HookRunResult> runs;
  bool should_stop = false;   // SessionStart/UserPromptSubmit/Stop: end the turn
  bool should_block = false;  // Stop: continue with `fragments`; UserPromptSubmit: blocked
  std::vector<std::string> contexts;  // flattened additionalContext, configured order
  std::vector<protocol::v2::HookPromptFragment> fragments;  // Stop continuation prompts
  /// PreToolUse: the first blocking reason; PostToolUse: every block/stop feedback joined by a
  /// blank line (what the model gets instead of the tool output).
  std::string block_reason;
  /// PermissionRequest: "deny" if any handler denied (the first one's message is
  /// block_reason), else "allow" if any allowed, else none.
  std::optional<std::string> verdict;
  /// PreToolUse: the rewrite from the handler that finished last, only if nothing blocked.
  std::optional<nlohmann::json> updated_input;
};

/// Combines per-run outcomes of `event` into the batch result.
HookBatchResult aggregate(HookEventName event, std::vector<HookRunResult> runs);

/// A running batch; cancel() kills every process group still running.
class HookBatch {
 public:
  virtual ~HookBatch() = default;
  virtual void cancel() = 0;
};

/// Runs `handlers` concurrently for `invocation` and calls `done` once with the aggregate.
/// With no handlers, `done` is still called (posted) with an empty result.
std::shared_ptr<HookBatch> run_hooks(boost::asio::any_io_executor executor,
                                     std::vector<const HookHandler*> handlers,
                                     HookInvocation invocation, HookClock clock,
                                     std::function<void(HookBatchResult)> done);

}  // namespace appserver::hooks
