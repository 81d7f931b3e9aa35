// Turns of the v2 protocol (Codex 0.169 `Turn`, `turn/start`, turn notifications), plus this
// server's extension `Turn.hookRuns`. Times: startedAt / completedAt unix SECONDS, durationMs ms.
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/v2/hook.hpp"
#include "protocol/v2/item.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace appserver::protocol::v2 {

enum class TurnStatus { completed, interrupted, failed, inProgress };
PROTOCOL_ENUM(TurnStatus, completed, interrupted, failed, inProgress)

/// How complete `Turn.items` is: `notLoaded` (turn/start, turn/started), `summary`
/// (turn/completed: the final agent message only), `full` (thread/read, thread/resume).
enum class TurnItemsView { notLoaded, summary, full };
PROTOCOL_ENUM(TurnItemsView, notLoaded, summary, full)

struct TurnError {
  std::string message;
  std::optional<std::string> additionalDetails;
  bool operator==(const TurnError&) const = default;
};
PROTOCOL_STRUCT(TurnError, (message, additionalDetails))

struct Turn {
  std::string id;
  std::optional<std::string> rootTurnId;
  std::vector<ThreadItem> items;
  TurnItemsView itemsView = TurnItemsView::notLoaded;
  TurnStatus status = TurnStatus::inProgress;
  std::optional<TurnError> error;
  std::optional<std::int64_t> startedAt;
  std::optional<std::int64_t> completedAt;
  std::optional<std::int64_t> durationMs;
  /// Extension of this server (not in Codex 0.169): every hook run of this turn, in completion
  /// order, including SessionStart runs that ran in it. Kept across restarts.
  std::vector<HookRunSummary> hookRuns;
  bool operator==(const Turn&) const = default;
};
constexpr const char* protocol_field_doc(const Turn*, std::string_view member) {
  if (member == "hookRuns")
    return "Extension of this server (not in Codex 0.169): every hook run of this turn, in "
           "completion order, including SessionStart runs that ran in it. Persisted, so "
           "thread/read and thread/resume return the same runs after a restart.";
  if (member == "startedAt") return "Unix time in seconds; null until the turn has started.";
  if (member == "completedAt") return "Unix time in seconds; null until the turn has completed.";
  if (member == "durationMs") return "Turn duration in milliseconds; null until it has completed.";
  if (member == "itemsView")
    return "How complete `items` is: notLoaded (turn/start), summary (turn/completed: the final "
           "agent message), full (thread/read, thread/resume).";
  return nullptr;
}
PROTOCOL_STRUCT(Turn,
                (id, rootTurnId, items, itemsView, status, error, startedAt, completedAt,
                       durationMs, hookRuns))

/// `turn/start`: run one turn on a loaded thread with the given input.
struct TurnStartParams {
  std::string threadId;
  std::vector<UserInput> input;
  std::optional<std::string> cwd;
  std::optional<std::string> model;
  std::optional<Json> approvalPolicy;
  /// v2 SandboxPolicy for this turn and the thread's later turns (as approvalPolicy).
  std::optional<Json> sandboxPolicy;
  std::optional<std::string> clientUserMessageId;
};
PROTOCOL_STRUCT(TurnStartParams,
                (threadId, input, cwd, model, approvalPolicy, sandboxPolicy, clientUserMessageId))

/// `turn/steer`: input for the running turn (v2 TurnSteerParams).
struct TurnSteerParams {
  std::string threadId;
  std::vector<UserInput> input;
  std::string expectedTurnId;  // must be the running turn's id
  std::optional<std::string> clientUserMessageId;
};
PROTOCOL_STRUCT(TurnSteerParams, (threadId, input, expectedTurnId, clientUserMessageId))

struct TurnSteerResponse {
  std::string turnId;
};
PROTOCOL_STRUCT(TurnSteerResponse, (turnId))

struct TurnStartResponse {
  Turn turn;
};
PROTOCOL_STRUCT(TurnStartResponse, (turn))

struct TurnStartedNotification {
  std::string threadId;
  Turn turn;
};
PROTOCOL_STRUCT(TurnStartedNotification, (threadId, turn))

struct TurnCompletedNotification {
  std::string threadId;
  Turn turn;
};
PROTOCOL_STRUCT(TurnCompletedNotification, (threadId, turn))

/// `turn/diff/updated` (v2 TurnDiffUpdatedNotification) `{threadId, turnId, diff}`: the turn's
/// net change to the files it patched so far, as one git-style unified diff (`diff --git`,
/// `index <blob sha-1>..<blob sha-1>`, 3 lines of context; paths relative to the thread's cwd).
/// Sent after each successful patch and after each model response once the turn has a diff,
/// as Codex 0.169 does. Not stored: the turn's fileChange items are.
struct TurnDiffUpdatedNotification {
  std::string threadId;
  std::string turnId;
  std::string diff;
};
PROTOCOL_STRUCT(TurnDiffUpdatedNotification, (threadId, turnId, diff))

/// `error`: a turn failed (the model request failed, the stream broke, …).
struct ErrorNotification {
  TurnError error;
  bool willRetry = false;
  std::string threadId;
  std::string turnId;
};
PROTOCOL_STRUCT(ErrorNotification, (error, willRetry, threadId, turnId))

/// `turn/interrupt`: stop the running turn; it completes with status `interrupted`.
struct TurnInterruptParams {
  std::string threadId;
  std::string turnId;
};
PROTOCOL_STRUCT(TurnInterruptParams, (threadId, turnId))

struct TurnInterruptResponse {};
PROTOCOL_STRUCT(TurnInterruptResponse, ())

}  // namespace appserver::protocol::v2
