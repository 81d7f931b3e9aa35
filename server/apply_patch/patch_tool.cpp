// File edits of the agent as Codex 0.169 runs them (recorded with a mock model and hooks on
// every event; docs/hooks.md "File edits"). Two ways in:
//
// - The `apply_patch` tool (a freeform tool call; run_patch_tool): a patch that does not parse
//   gives "apply_patch verification failed: <error>" before any hook; then PreToolUse
//   (`tool_name` "apply_patch", matcher aliases `Write` and `Edit`, `tool_input: {command:
//   <patch>}`) may block ("Command blocked by PreToolUse hook: <reason>. Command: <patch>") or
//   rewrite the patch (`updatedInput.command`); the patch is verified against the files; then
//   the fileChange item, PermissionRequest (tool_input.command without the patch's last
//   newline, as the reference sends it) and the client's approval when the sandbox policy
//   would not allow the write; then the write, item/completed, turn/diff/updated, and
//   PostToolUse with the model's output as `tool_response` (its context reaches the model; a
//   block replaces the output with the reason).
// - exec_command running `apply_patch <<'EOF' … EOF` (run_intercepted_patch): PreToolUse has
//   already run as for any command (tool_name "Bash"); PermissionRequest runs as for the tool
//   when approval is needed (tool_name "apply_patch"); no PostToolUse; the model's output is
//   wrapped as exec_command output.
//
// Planning (reads) and writing run on ServerContext::file_io, never on the io thread.
#include "server/threads/turn_state.hpp"

#include "hooks/hook_input.hpp"
#include "server/apply_patch/patch_apply.hpp"
#include "server/apply_patch/patch_parser.hpp"
#include "server/apply_patch/unified_diff.hpp"
#include "server/sandbox/sandbox.hpp"
#include "server/support/run_blocking.hpp"
#include "server/threads/tool_texts.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace appserver {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using hooks::HookEventName;
using apply_patch::FileChange;

namespace {

constexpr const char* kPatchToolName = "apply_patch";
const std::vector<std::string> kPatchToolAliases = {"Write", "Edit"};

/// The reference's "Wall time: N seconds": tenths of a second, without a trailing ".0".
std::string wall_time(std::int64_t ms) {
  const double tenths = std::round(static_cast<double>(std::max<std::int64_t>(ms, 0)) / 100.0);
  const auto whole = static_cast<std::int64_t>(tenths) / 10, tenth = static_cast<std::int64_t>(tenths) % 10;
  return std::to_string(whole) + (tenth ? "." + std::to_string(tenth) : "");
}

/// What the apply_patch tool gives the model (and PostToolUse as tool_response).
std::string tool_output(int exit_code, std::int64_t ms, const std::string& text) {
  return "Exit code: " + std::to_string(exit_code) + "\nWall time: " + wall_time(ms) + " seconds\nOutput:\n" + text;
}

/// What exec_command gives the model after an intercepted apply_patch (the outer wall time is
/// always 0.0000 in the reference; the inner one is the patch's, approval included).
std::string intercepted_output(int exit_code, std::int64_t ms, const std::string& text) {
  return "Wall time: 0.0000 seconds\nOutput:\n" + tool_output(exit_code, ms, text);
}

v2::FileUpdateChange describe(const FileChange& change) {
  using Kind = FileChange::Kind;
  if (change.kind == Kind::add) return {change.new_content, v2::AddPatchChangeKind{}, change.path.string()};
  if (change.kind == Kind::remove)
    return {change.old_content.value_or(""), v2::DeletePatchChangeKind{}, change.path.string()};
  return {apply_patch::unified_diff_hunks(change.old_content.value_or(""), change.new_content, 1),
          v2::UpdatePatchChangeKind{change.move_path ? std::optional(change.move_path->string()) : std::nullopt},
          change.path.string()};
}

}  // namespace

std::optional<std::string> LiveThread::sandbox_refusal(const std::vector<FileChange>& changes) const {
  // The policy the thread's commands run under (server/sandbox/sandbox.hpp), so that a patch may
  // write exactly where a command may.
  const auto policy = sandbox::policy_of(settings_.sandbox, settings_.cwd);
  if (policy.mode == sandbox::Policy::Mode::full) return std::nullopt;
  for (const auto& change : changes) {
    if (session_approved_paths_.contains(change.path.string())) continue;  // acceptForSession
    for (const auto* target : {&change.path, change.move_path ? &*change.move_path : nullptr})
      if (target && !sandbox::may_write(policy, *target))
        return policy.mode == sandbox::Policy::Mode::read_only ? "writing is blocked by read-only sandbox"
                                                               : "writing outside of the project";
  }
  return std::nullopt;
}

std::optional<std::string> LiveThread::rejected_without_asking(const std::vector<FileChange>& changes) const {
  if (approval_required()) return std::nullopt;
  const auto refusal = sandbox_refusal(changes);
  if (!refusal) return std::nullopt;
  return "patch rejected: " + *refusal + "; rejected by user approval settings";
}

void LiveThread::report_turn_diff(TurnState& turn) {
  if (!turn.diff) return;
  if (auto diff = turn.diff->unified_diff()) emit(v2::TurnDiffUpdatedNotification{id_, turn.turn.id, *diff});
}

asio::awaitable<LiveThread::PatchPlan> LiveThread::plan_on_file_worker(const apply_patch::Patch& patch,
                                                                      const fs::path& cwd) {
  // Not a coroutine: the work is built here and copied into the operation (run_blocking.hpp).
  const auto work = [patch, cwd]() -> PatchPlan {
    try {
      return apply_patch::plan_patch(patch, cwd);
    } catch (const std::exception& e) {  // e.g. bad_alloc: the model gets it as a failed verification
      return std::string(e.what());
    }
  };
  return run_blocking(ctx_.file_io, work);
}

asio::awaitable<std::optional<std::string>> LiveThread::run_file_change(TurnState& turn, const ToolCall& call,
                                                                        std::vector<FileChange> changes,
                                                                        const std::string* hook_patch) {
  std::stable_sort(changes.begin(), changes.end(),
                   [](const FileChange& a, const FileChange& b) { return a.path < b.path; });  // as the reference lists them
  v2::FileChangeItem item;
  item.id = call.call_id;
  for (const auto& change : changes) item.changes.push_back(describe(change));
  emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});
  auto decline = [&](const std::string& output) {
    item.status = v2::PatchApplyStatus::declined;
    emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    record_tool_output(turn, call, output);
  };

  if (const auto reason = approval_required() ? sandbox_refusal(changes) : std::nullopt) {
    spdlog::debug("thread {}: patch {} needs approval: {}", id_, call.call_id, *reason);
    std::optional<std::string> verdict;
    if (hook_patch) {  // PermissionRequest hooks decide first
      std::string patch = *hook_patch;
      if (!patch.empty() && patch.back() == '\n') patch.pop_back();
      const hooks::HookInputContext context = hook_context(turn);
      hooks::HookInvocation invocation{
          HookEventName::permissionRequest, std::string(kPatchToolName),
          [&] { return hooks::permission_request_input(context, kPatchToolName, {{"command", patch}}); }, "",
          ":" + call.call_id};
      invocation.matcher_aliases = kPatchToolAliases;
      auto result = co_await run_event(turn, std::move(invocation));
      if (turn.interrupted) co_return std::nullopt;
      if (result.verdict == std::optional<std::string>("deny")) {
        decline(result.block_reason);
        co_return std::nullopt;
      }
      verdict = result.verdict;
    }
    if (!verdict) {
      emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{{v2::ThreadActiveFlag::waitingOnApproval}}});
      v2::FileChangeRequestApprovalParams params{std::nullopt, item.id, std::nullopt, ctx_.clock->now_ms(), id_,
                                                 turn.turn.id};
      const std::string decision = co_await request_approval(turn, "item/fileChange/requestApproval",
                                                             protocol::encode(params), "a patch");
      if (turn.interrupted) co_return std::nullopt;
      emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{}});
      if (decision == "acceptForSession")
        for (const auto& change : changes) {
          session_approved_paths_.insert(change.path.string());
          if (change.move_path) session_approved_paths_.insert(change.move_path->string());
        }
      if (decision != "accept" && decision != "acceptForSession") {
        decline("patch rejected by user");
        if (decision == "cancel") turn.interrupted = true;
        co_return std::nullopt;
      }
    }
  }

  const auto write = [changes]() -> std::string {  // a named local: see run_blocking.hpp
    try {
      return apply_patch::apply_changes(changes);
    } catch (const std::exception& e) {
      return e.what();
    }
  };
  const std::string error = co_await run_blocking(ctx_.file_io, write);
  if (!error.empty()) spdlog::warn("thread {}: apply_patch failed: {}", id_, error);
  item.status = error.empty() ? v2::PatchApplyStatus::completed : v2::PatchApplyStatus::failed;
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  if (!error.empty()) co_return error + "\n";
  if (!turn.diff) turn.diff.emplace(settings_.cwd);
  turn.diff->track(changes);
  report_turn_diff(turn);
  co_return "";
}

asio::awaitable<void> LiveThread::run_intercepted_patch(TurnState& turn, const ToolCall& call, std::string patch_text,
                                                        std::optional<std::string> workdir) {
  fs::path cwd = settings_.cwd;
  if (workdir) cwd = fs::path(*workdir).is_absolute() ? fs::path(*workdir) : cwd / *workdir;
  const std::int64_t started_ms = ctx_.clock->now_ms();
  auto parsed = apply_patch::parse_patch(patch_text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    record_tool_output(turn, call, "apply_patch verification failed: " + *error);
    co_return;
  }
  auto plan = co_await plan_on_file_worker(std::get<apply_patch::Patch>(parsed), cwd);
  if (auto* error = std::get_if<std::string>(&plan)) {
    record_tool_output(turn, call, "apply_patch verification failed: " + *error);
    co_return;
  }
  auto changes = std::get<std::vector<FileChange>>(std::move(plan));
  if (const auto refusal = rejected_without_asking(changes)) {
    record_tool_output(turn, call, *refusal);
    co_return;
  }
  const std::string summary = apply_patch::success_summary(changes);
  const auto error = co_await run_file_change(turn, call, std::move(changes), &patch_text);
  if (!error) co_return;  // declined or interrupted; the model's output is recorded
  const std::int64_t elapsed = ctx_.clock->fixed() ? 0 : ctx_.clock->now_ms() - started_ms;
  record_tool_output(turn, call,
                     error->empty() ? intercepted_output(0, elapsed, summary) : intercepted_output(1, elapsed, *error));
}

asio::awaitable<void> LiveThread::run_patch_tool(TurnState& turn, const ToolCall& call) {
  std::string patch = call.input.value_or("");
  auto parsed = apply_patch::parse_patch(patch);
  if (auto* error = std::get_if<std::string>(&parsed)) {  // before any hook, as the reference
    record_tool_output(turn, call, "apply_patch verification failed: " + *error);
    co_return;
  }
  const hooks::HookInputContext context = hook_context(turn);
  const std::string suffix = ":" + call.call_id;
  {  // PreToolUse: block, rewrite, or add context.
    hooks::HookInvocation invocation{
        HookEventName::preToolUse, std::string(kPatchToolName),
        [&] { return hooks::pre_tool_use_input(context, kPatchToolName, {{"command", patch}}, call.call_id); }, "",
        suffix};
    invocation.matcher_aliases = kPatchToolAliases;
    auto result = co_await run_event(turn, std::move(invocation));
    for (const auto& c : result.contexts) record_developer_message(turn.turn.id, c);
    if (turn.interrupted) co_return;
    if (result.should_block) {
      record_tool_output(turn, call, blocked_command_output(result.block_reason, patch));
      co_return;
    }
    if (result.updated_input) {
      auto rewritten = result.updated_input->find("command");
      if (rewritten == result.updated_input->end() || !rewritten->is_string()) {
        record_tool_output(turn, call, kRewriteWithoutCommand);
        co_return;
      }
      spdlog::info("thread {}: PreToolUse rewrote the patch of {}", id_, call.call_id);
      patch = rewritten->get<std::string>();
      parsed = apply_patch::parse_patch(patch);
      if (auto* error = std::get_if<std::string>(&parsed)) {
        record_tool_output(turn, call, "apply_patch verification failed: " + *error);
        co_return;
      }
    }
  }
  const std::int64_t started_ms = ctx_.clock->now_ms();
  const fs::path cwd = settings_.cwd;
  auto plan = co_await plan_on_file_worker(std::get<apply_patch::Patch>(parsed), cwd);
  if (turn.interrupted) co_return;
  if (auto* error = std::get_if<std::string>(&plan)) {
    record_tool_output(turn, call, "apply_patch verification failed: " + *error);
    co_return;
  }
  auto changes = std::get<std::vector<FileChange>>(std::move(plan));
  if (const auto refusal = rejected_without_asking(changes)) {  // no item, no PostToolUse
    record_tool_output(turn, call, *refusal);
    co_return;
  }
  const std::string summary = apply_patch::success_summary(changes);
  const auto error = co_await run_file_change(turn, call, std::move(changes), &patch);
  if (!error) co_return;
  const std::int64_t elapsed = ctx_.clock->fixed() ? 0 : ctx_.clock->now_ms() - started_ms;
  std::string output = error->empty() ? tool_output(0, elapsed, summary) : tool_output(1, elapsed, *error);

  {  // PostToolUse: its tool_response is the model's output; context, or a block that replaces it.
    hooks::HookInvocation invocation{
        HookEventName::postToolUse, std::string(kPatchToolName),
        [&] {
          return hooks::post_tool_use_input(context, kPatchToolName, {{"command", patch}}, output, call.call_id);
        },
        "", suffix};
    invocation.matcher_aliases = kPatchToolAliases;
    auto post = co_await run_event(turn, std::move(invocation));
    for (const auto& c : post.contexts) record_developer_message(turn.turn.id, c);
    if (turn.interrupted) co_return;
    if (post.should_block) output = post.block_reason;
  }
  record_tool_output(turn, call, output);
}

}  // namespace appserver
