// Threads of the v2 protocol (Codex 0.169 `Thread`, `ThreadStatus`, thread/* requests and
// notifications). Times: createdAt / updatedAt unix SECONDS.
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/v2/turn.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace appserver::protocol::v2 {

enum class ThreadActiveFlag { waitingOnApproval, waitingOnUserInput };
PROTOCOL_ENUM(ThreadActiveFlag, waitingOnApproval, waitingOnUserInput)

struct ThreadStatusNotLoaded {
  static constexpr const char* type_tag = "notLoaded";
  bool operator==(const ThreadStatusNotLoaded&) const = default;
};
PROTOCOL_STRUCT(ThreadStatusNotLoaded, ())
struct ThreadStatusIdle {
  static constexpr const char* type_tag = "idle";
  bool operator==(const ThreadStatusIdle&) const = default;
};
PROTOCOL_STRUCT(ThreadStatusIdle, ())
struct ThreadStatusSystemError {
  static constexpr const char* type_tag = "systemError";
  bool operator==(const ThreadStatusSystemError&) const = default;
};
PROTOCOL_STRUCT(ThreadStatusSystemError, ())
struct ThreadStatusActive {
  static constexpr const char* type_tag = "active";
  std::vector<ThreadActiveFlag> activeFlags;
  bool operator==(const ThreadStatusActive&) const = default;
};
PROTOCOL_STRUCT(ThreadStatusActive, (activeFlags))

/// `{"type":"notLoaded"|"idle"|"systemError"}` or `{"type":"active","activeFlags":[…]}`.
using ThreadStatus =
    std::variant<ThreadStatusNotLoaded, ThreadStatusIdle, ThreadStatusSystemError, ThreadStatusActive>;
PROTOCOL_UNION(ThreadStatus)

struct Thread {
  std::string id;
  std::string sessionId;
  std::optional<std::string> forkedFromId;
  std::string preview;
  bool ephemeral = false;
  std::string modelProvider;
  std::optional<std::string> model;
  std::int64_t createdAt = 0;
  std::int64_t updatedAt = 0;
  ThreadStatus status = ThreadStatusNotLoaded{};
  /// Absolute path of the thread's stored history (JSONL), or null.
  std::optional<std::string> path;
  std::string cwd;
  std::string cliVersion;
  /// v2 `SessionSource`: "vscode" for a thread a client started (as the reference sends);
  /// for a sub-agent `{"subAgent": {"thread_spawn": {parent_thread_id, depth, agent_path,
  /// agent_nickname, agent_role}}}` (server/subagents/).
  Json source = "vscode";
  std::optional<std::string> originator;
  std::optional<std::string> name;
  std::optional<std::string> projectId;
  /// The parent thread of a sub-agent; null otherwise.
  std::optional<std::string> parentThreadId;
  /// A sub-agent's nickname (as the reference: a scientist's name) and role; null otherwise.
  std::optional<std::string> agentNickname;
  std::optional<std::string> agentRole;
  std::vector<Turn> turns;
  bool operator==(const Thread&) const = default;
};
PROTOCOL_STRUCT(Thread,
                (id, sessionId, forkedFromId, preview, ephemeral, modelProvider, model,
                       createdAt, updatedAt, status, path, cwd, cliVersion, source, originator,
                       name, projectId, parentThreadId, agentNickname, agentRole, turns))

/// The v2 ThreadSourceKind of a SessionSource (`thread/list` `sourceKinds`): the string itself
/// ("vscode", "cli", …), "subAgentThreadSpawn" / "subAgentReview" / "subAgentCompact" /
/// "subAgentOther" for a sub-agent, "unknown" otherwise.
inline std::string source_kind(const Json& source) {
  if (source.is_string()) return source.get<std::string>();
  if (!source.is_object() || !source.contains("subAgent")) return "unknown";
  const Json& sub = source["subAgent"];
  if (sub.is_object() && sub.contains("thread_spawn")) return "subAgentThreadSpawn";
  if (sub == "review") return "subAgentReview";
  if (sub == "compact") return "subAgentCompact";
  return "subAgentOther";
}

/// `thread/start`. `approvalPolicy`, `sandbox` and `config` are accepted and kept opaque.
struct ThreadStartParams {
  std::optional<std::string> cwd;
  std::optional<std::string> model;
  std::optional<std::string> modelProvider;
  std::optional<Json> approvalPolicy;
  std::optional<Json> sandbox;
  std::optional<Json> config;
  std::optional<bool> ephemeral;
  /// `null` asks for the default tier ("default"), absent keeps config.toml's `service_tier`.
  Nullable<std::string> serviceTier;
};
PROTOCOL_STRUCT(ThreadStartParams,
                (cwd, model, modelProvider, approvalPolicy, sandbox, config, ephemeral, serviceTier))

/// Result of thread/start and thread/resume: the thread plus its effective settings.
/// `approvalPolicy` is an AskForApproval (`"never"`…), `sandbox` a SandboxPolicy object.
struct ThreadStartResponse {
  Thread thread;
  std::string model;
  std::string modelProvider;
  std::optional<std::string> serviceTier;
  std::string cwd;
  Json approvalPolicy;
  std::string approvalsReviewer = "user";
  Json sandbox;
  std::optional<std::string> reasoningEffort;
};
PROTOCOL_STRUCT(ThreadStartResponse,
                (thread, model, modelProvider, serviceTier, cwd, approvalPolicy,
                       approvalsReviewer, sandbox, reasoningEffort))

struct ThreadStartedNotification {
  Thread thread;
};
PROTOCOL_STRUCT(ThreadStartedNotification, (thread))

struct ThreadStatusChangedNotification {
  std::string threadId;
  ThreadStatus status;
};
PROTOCOL_STRUCT(ThreadStatusChangedNotification, (threadId, status))

/// `thread/resume`: load a stored thread (if not loaded) and subscribe to it.
struct ThreadResumeParams {
  std::string threadId;
  std::optional<std::string> cwd;
  std::optional<std::string> model;
  std::optional<Json> approvalPolicy;
  std::optional<Json> config;
  std::optional<bool> excludeTurns;
};
PROTOCOL_STRUCT(ThreadResumeParams,
                (threadId, cwd, model, approvalPolicy, config, excludeTurns))

/// Result of thread/resume: the same shape as ThreadStartResponse, with the thread's turns.
struct ThreadResumeResponse {
  Thread thread;
  std::string model;
  std::string modelProvider;
  std::optional<std::string> serviceTier;
  std::string cwd;
  Json approvalPolicy;
  std::string approvalsReviewer = "user";
  Json sandbox;
  std::optional<std::string> reasoningEffort;
};
PROTOCOL_STRUCT(ThreadResumeResponse,
                (thread, model, modelProvider, serviceTier, cwd, approvalPolicy,
                 approvalsReviewer, sandbox, reasoningEffort))

/// `thread/fork`: a new thread whose history is a copy of `threadId`'s (v2 ThreadForkParams).
struct ThreadForkParams {
  std::string threadId;
  std::optional<std::string> cwd;
  std::optional<Json> approvalPolicy;
  std::optional<Json> sandbox;
  std::optional<Json> config;
  std::optional<bool> excludeTurns;
};
PROTOCOL_STRUCT(ThreadForkParams, (threadId, cwd, approvalPolicy, sandbox, config, excludeTurns))

/// Result of thread/fork: the ThreadStartResponse shape; the thread has the copied turns and
/// `forkedFromId`.
struct ThreadForkResponse {
  Thread thread;
  std::string model;
  std::string modelProvider;
  std::optional<std::string> serviceTier;
  std::string cwd;
  Json approvalPolicy;
  std::string approvalsReviewer = "user";
  Json sandbox;
  std::optional<std::string> reasoningEffort;
};
PROTOCOL_STRUCT(ThreadForkResponse,
                (thread, model, modelProvider, serviceTier, cwd, approvalPolicy,
                 approvalsReviewer, sandbox, reasoningEffort))

/// `thread/read`: a thread's metadata, with its turns when `includeTurns` is true.
struct ThreadReadParams {
  std::string threadId;
  std::optional<bool> includeTurns;
};
PROTOCOL_STRUCT(ThreadReadParams, (threadId, includeTurns))

struct ThreadReadResponse {
  Thread thread;
};
PROTOCOL_STRUCT(ThreadReadResponse, (thread))

/// `thread/list`: stored threads, newest first. `cursor` is opaque; `limit` defaults to 50.
struct ThreadLoadedListParams {
  std::optional<std::string> cursor;
  std::optional<std::int64_t> limit;
};
PROTOCOL_STRUCT(ThreadLoadedListParams, (cursor, limit))

struct ThreadLoadedListResponse {
  std::vector<std::string> data;
  std::optional<std::string> nextCursor;
};
PROTOCOL_STRUCT(ThreadLoadedListResponse, (data, nextCursor))

/// `thread/unsubscribe`: this connection stops receiving the thread's notifications.
struct ThreadUnsubscribeParams {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadUnsubscribeParams, (threadId))

enum class ThreadUnsubscribeStatus { notLoaded, notSubscribed, unsubscribed };
PROTOCOL_ENUM(ThreadUnsubscribeStatus, notLoaded, notSubscribed, unsubscribed)

struct ThreadUnsubscribeResponse {
  ThreadUnsubscribeStatus status = ThreadUnsubscribeStatus::unsubscribed;
};
PROTOCOL_STRUCT(ThreadUnsubscribeResponse, (status))

/// `thread/turns/list`: a page of a thread's turns, newest first. `cursor` is opaque.
struct ThreadTurnsListParams {
  std::string threadId;
  std::optional<std::string> cursor;
  std::optional<std::int64_t> limit;
};
PROTOCOL_STRUCT(ThreadTurnsListParams, (threadId, cursor, limit))

struct ThreadTurnsListResponse {
  std::vector<Turn> data;
  std::optional<std::string> nextCursor;
  std::optional<std::string> backwardsCursor;
};
PROTOCOL_STRUCT(ThreadTurnsListResponse, (data, nextCursor, backwardsCursor))

/// `thread/compact/start`: runs a compaction turn on an idle thread.
struct ThreadCompactStartParams {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadCompactStartParams, (threadId))

struct ThreadCompactStartResponse {};
PROTOCOL_STRUCT(ThreadCompactStartResponse, ())

/// `thread/closed`: the thread was unloaded (its last subscriber left); sent to connections
/// that had it loaded.
struct ThreadClosedNotification {
  std::string threadId;
};
PROTOCOL_STRUCT(ThreadClosedNotification, (threadId))

}  // namespace appserver::protocol::v2

#include "protocol/v2/thread_meta.hpp"  // thread/list and the thread metadata methods
