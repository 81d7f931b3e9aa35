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
BOOST_DESCRIBE_ENUM(TurnStatus, completed, interrupted, failed, inProgress)

/// How complete `Turn.items` is: `notLoaded` (turn/start, turn/started), `summary`
/// (turn/completed: the final agent message only), `full` (thread/read, thread/resume).
enum class TurnItemsView { notLoaded, summary, full };
BOOST_DESCRIBE_ENUM(TurnItemsView, notLoaded, summary, full)

struct TurnError {
  std::string message;
  std::optional<std::string> additionalDetails;
  bool operator==(const TurnError&) const = default;
};
BOOST_DESCRIBE_STRUCT(TurnError, (), (message, additionalDetails))

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
BOOST_DESCRIBE_STRUCT(Turn, (),
                      (id, rootTurnId, items, itemsView, status, error, startedAt, completedAt,
                       durationMs, hookRuns))

/// `turn/start`: run one turn on a loaded thread with the given input.
struct TurnStartParams {
  std::string threadId;
  std::vector<UserInput> input;
  std::optional<std::string> cwd;
  std::optional<std::string> model;
  std::optional<Json> approvalPolicy;
  std::optional<std::string> clientUserMessageId;
};
BOOST_DESCRIBE_STRUCT(TurnStartParams, (),
                      (threadId, input, cwd, model, approvalPolicy, clientUserMessageId))

struct TurnStartResponse {
  Turn turn;
};
BOOST_DESCRIBE_STRUCT(TurnStartResponse, (), (turn))

struct TurnStartedNotification {
  std::string threadId;
  Turn turn;
};
BOOST_DESCRIBE_STRUCT(TurnStartedNotification, (), (threadId, turn))

struct TurnCompletedNotification {
  std::string threadId;
  Turn turn;
};
BOOST_DESCRIBE_STRUCT(TurnCompletedNotification, (), (threadId, turn))

}  // namespace appserver::protocol::v2
