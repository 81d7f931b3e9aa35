// exec_command running `apply_patch <<'EOF' … EOF`, as Codex 0.169 turns it into a file change
// (recorded with a mock model and hooks on every event): PreToolUse has already run (tool_name
// "Bash", the whole heredoc as tool_input.command); the patch is verified against the files
// first — a patch that does not parse or apply gives the model "apply_patch verification
// failed: <error>" and no item —, then a `fileChange` item (item/started, item/completed) and
// the model gets the reference's output; no PostToolUse runs on this path. Under an approval
// policy that asks, the client is asked with item/fileChange/requestApproval after
// item/started; acceptForSession is remembered for the thread.
//
// Not done yet (issue 20): turn/diff/updated, the apply_patch tool itself and its hooks.
#include "server/threads/turn_state.hpp"

#include "server/apply_patch/patch_apply.hpp"
#include "server/apply_patch/patch_parser.hpp"
#include "server/apply_patch/unified_diff.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace appserver {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

/// What the reference's exec_command gives the model after an intercepted apply_patch.
std::string patch_output(int exit_code, const std::string& text) {
  return "Wall time: 0.0000 seconds\nOutput:\nExit code: " + std::to_string(exit_code) +
         "\nWall time: 0 seconds\nOutput:\n" + text;
}

v2::FileUpdateChange describe(const apply_patch::FileChange& change) {
  using Kind = apply_patch::FileChange::Kind;
  if (change.kind == Kind::add) return {change.new_content, v2::AddPatchChangeKind{}, change.path.string()};
  if (change.kind == Kind::remove)
    return {change.old_content.value_or(""), v2::DeletePatchChangeKind{}, change.path.string()};
  return {apply_patch::unified_diff_hunks(change.old_content.value_or(""), change.new_content, 1),
          v2::UpdatePatchChangeKind{change.move_path ? std::optional(change.move_path->string()) : std::nullopt},
          change.path.string()};
}

}  // namespace

asio::awaitable<void> LiveThread::run_intercepted_patch(TurnState& turn, const ToolCall& call, std::string patch_text,
                                                        std::optional<std::string> workdir) {
  fs::path cwd = settings_.cwd;
  if (workdir) cwd = fs::path(*workdir).is_absolute() ? fs::path(*workdir) : cwd / *workdir;
  auto parsed = apply_patch::parse_patch(patch_text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    record_tool_output(turn, call.call_id, "apply_patch verification failed: " + *error);
    co_return;
  }
  // Reads the patched files on the strand: they are the workspace's own (small) files.
  auto plan = apply_patch::plan_patch(std::get<apply_patch::Patch>(parsed), cwd);
  if (auto* error = std::get_if<std::string>(&plan)) {
    record_tool_output(turn, call.call_id, "apply_patch verification failed: " + *error);
    co_return;
  }
  const auto& changes = std::get<std::vector<apply_patch::FileChange>>(plan);
  v2::FileChangeItem item;
  item.id = call.call_id;
  for (const auto& change : changes) item.changes.push_back(describe(change));

  bool approved = !approval_required();
  for (const auto& change : changes)  // acceptForSession covers these files from then on
    if (!approved && session_approved_paths_.contains(change.path.string())) approved = true;
  if (!approval_required() || approved) {
    emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});
  } else {
    emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{{v2::ThreadActiveFlag::waitingOnApproval}}});
    emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});
    v2::FileChangeRequestApprovalParams params{std::nullopt, item.id, std::nullopt, ctx_.clock->now_ms(), id_,
                                               turn.turn.id};
    const std::string decision = co_await request_approval(turn, "item/fileChange/requestApproval",
                                                           protocol::encode(params), "a patch");
    if (turn.interrupted) co_return;
    emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{}});
    if (decision == "acceptForSession")
      for (const auto& change : changes) session_approved_paths_.insert(change.path.string());
    if (decision != "accept" && decision != "acceptForSession") {
      item.status = v2::PatchApplyStatus::declined;
      emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
      record_tool_output(turn, call.call_id, "The user declined to apply this patch.");
      if (decision == "cancel") turn.interrupted = true;
      co_return;
    }
  }
  const std::string error = apply_patch::apply_changes(changes);
  if (!error.empty()) spdlog::warn("thread {}: apply_patch failed: {}", id_, error);
  item.status = error.empty() ? v2::PatchApplyStatus::completed : v2::PatchApplyStatus::failed;
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  record_tool_output(turn, call.call_id,
                     error.empty() ? patch_output(0, apply_patch::success_summary(changes)) : patch_output(1, error + "\n"));
}

}  // namespace appserver
