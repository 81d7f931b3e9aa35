// Thread items and user input of the v2 protocol (Codex 0.169 `ThreadItem`, `UserInput`),
// and the item notifications. Times named `*AtMs` are unix MILLISECONDS.
#pragma once

#include "protocol/describe_json.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace appserver::protocol::v2 {

/// `{"type":"text","text":…,"text_elements":[…]}`; text_elements are kept opaque.
struct TextUserInput {
  static constexpr const char* type_tag = "text";
  std::string text;
  std::vector<Json> text_elements;
  bool operator==(const TextUserInput&) const = default;
};
PROTOCOL_STRUCT(TextUserInput, (text, text_elements))
constexpr bool protocol_omittable(const TextUserInput*, std::string_view member) {
  return member == "text_elements";
}

/// What a client may send as turn input. Only text is understood by this server so far;
/// other variants are rejected with -32602 naming the unknown `type`.
using UserInput = std::variant<TextUserInput>;
PROTOCOL_UNION(UserInput)

struct UserMessageItem {
  static constexpr const char* type_tag = "userMessage";
  std::string id;
  std::optional<std::string> clientId;
  std::vector<UserInput> content;
  bool operator==(const UserMessageItem&) const = default;
};
PROTOCOL_STRUCT(UserMessageItem, (id, clientId, content))

struct AgentMessageItem {
  static constexpr const char* type_tag = "agentMessage";
  std::string id;
  std::string text;
  std::optional<std::string> phase;
  bool operator==(const AgentMessageItem&) const = default;
};
PROTOCOL_STRUCT(AgentMessageItem, (id, text, phase))

/// One Stop-hook continuation prompt; `hookRunId` is the HookRunSummary.id that asked for it.
struct HookPromptFragment {
  std::string text;
  std::string hookRunId;
  bool operator==(const HookPromptFragment&) const = default;
};
PROTOCOL_STRUCT(HookPromptFragment, (text, hookRunId))

/// Recorded when a Stop hook blocks: the prompt(s) the agent continues with.
struct HookPromptItem {
  static constexpr const char* type_tag = "hookPrompt";
  std::string id;
  std::vector<HookPromptFragment> fragments;
  bool operator==(const HookPromptItem&) const = default;
};
PROTOCOL_STRUCT(HookPromptItem, (id, fragments))

/// The compaction of a thread's context (thread/compact/start): the model history before it
/// was replaced by a summary.
struct ContextCompactionItem {
  static constexpr const char* type_tag = "contextCompaction";
  std::string id;
  bool operator==(const ContextCompactionItem&) const = default;
};
PROTOCOL_STRUCT(ContextCompactionItem, (id))

enum class CommandExecutionStatus { inProgress, completed, failed, declined };
PROTOCOL_ENUM(CommandExecutionStatus, inProgress, completed, failed, declined)

enum class CommandExecutionSource { agent, userShell, unifiedExecStartup, unifiedExecInteraction };
PROTOCOL_ENUM(CommandExecutionSource, agent, userShell, unifiedExecStartup, unifiedExecInteraction)

/// What a command does, as far as the server can tell; this server does not classify commands.
struct UnknownCommandAction {
  static constexpr const char* type_tag = "unknown";
  std::string command;
  bool operator==(const UnknownCommandAction&) const = default;
};
PROTOCOL_STRUCT(UnknownCommandAction, (command))
using CommandAction = std::variant<UnknownCommandAction>;
PROTOCOL_UNION(CommandAction)

/// A shell command the agent ran (the `exec_command` tool). `id` is the tool call id.
/// `durationMs`: MILLISECONDS; `exitCode` null while running or when killed by a signal.
struct CommandExecutionItem {
  static constexpr const char* type_tag = "commandExecution";
  std::string id;
  std::string command;
  std::string cwd;
  std::optional<std::string> processId;
  CommandExecutionSource source = CommandExecutionSource::agent;
  CommandExecutionStatus status = CommandExecutionStatus::inProgress;
  std::vector<CommandAction> commandActions;
  std::optional<std::string> aggregatedOutput;
  std::optional<std::int64_t> exitCode;
  std::optional<std::int64_t> durationMs;
  bool operator==(const CommandExecutionItem&) const = default;
};
PROTOCOL_STRUCT(CommandExecutionItem, (id, command, cwd, processId, source, status, commandActions,
                                       aggregatedOutput, exitCode, durationMs))

/// v2 PatchChangeKind: what one file change of a fileChange item does.
struct AddPatchChangeKind {
  static constexpr const char* type_tag = "add";
  bool operator==(const AddPatchChangeKind&) const = default;
};
PROTOCOL_STRUCT(AddPatchChangeKind, ())
struct DeletePatchChangeKind {
  static constexpr const char* type_tag = "delete";
  bool operator==(const DeletePatchChangeKind&) const = default;
};
PROTOCOL_STRUCT(DeletePatchChangeKind, ())
struct UpdatePatchChangeKind {
  static constexpr const char* type_tag = "update";
  std::optional<std::string> move_path;  // absolute; the wire's snake_case
  bool operator==(const UpdatePatchChangeKind&) const = default;
};
PROTOCOL_STRUCT(UpdatePatchChangeKind, (move_path))
using PatchChangeKind = std::variant<AddPatchChangeKind, DeletePatchChangeKind, UpdatePatchChangeKind>;
PROTOCOL_UNION(PatchChangeKind)

/// v2 FileUpdateChange. `diff`: an added file's content, a deleted file's content, or an
/// update's unified diff hunks (`@@ -a,b +c,d @@`, one line of context), as the reference.
struct FileUpdateChange {
  std::string diff;
  PatchChangeKind kind;
  std::string path;  // absolute
  bool operator==(const FileUpdateChange&) const = default;
};
PROTOCOL_STRUCT(FileUpdateChange, (diff, kind, path))

enum class PatchApplyStatus { inProgress, completed, failed, declined };
PROTOCOL_ENUM(PatchApplyStatus, inProgress, completed, failed, declined)

/// `fileChange` (v2 FileChangeThreadItem): the files one apply_patch changes.
struct FileChangeItem {
  static constexpr const char* type_tag = "fileChange";
  std::vector<FileUpdateChange> changes;
  std::string id;
  PatchApplyStatus status = PatchApplyStatus::inProgress;
  bool operator==(const FileChangeItem&) const = default;
};
PROTOCOL_STRUCT(FileChangeItem, (changes, id, status))

/// v2 CollabAgentTool: which sub-agent tool a collabAgentToolCall item is.
enum class CollabAgentTool { spawnAgent, sendInput, resumeAgent, wait, closeAgent };
PROTOCOL_ENUM(CollabAgentTool, spawnAgent, sendInput, resumeAgent, wait, closeAgent)
enum class CollabAgentToolCallStatus { inProgress, completed, failed, interrupted };
PROTOCOL_ENUM(CollabAgentToolCallStatus, inProgress, completed, failed, interrupted)
/// v2 CollabAgentStatus: what a sub-agent is doing, as a collab item last saw it.
enum class CollabAgentStatus { pendingInit, running, interrupted, completed, errored, shutdown, notFound };
PROTOCOL_ENUM(CollabAgentStatus, pendingInit, running, interrupted, completed, errored, shutdown, notFound)
/// v2 CollabAgentState: `message` is the agent's last message once it completed (or an error).
struct CollabAgentState {
  CollabAgentStatus status = CollabAgentStatus::pendingInit;
  std::optional<std::string> message;
  bool operator==(const CollabAgentState&) const = default;
};
PROTOCOL_STRUCT(CollabAgentState, (status, message))

/// `collabAgentToolCall` (v2 CollabAgentToolCallThreadItem): one sub-agent tool call of the
/// parent (server/subagents/). `senderThreadId` is the parent, `receiverThreadIds` the
/// sub-agents it addressed (for spawnAgent: the new one, once spawned); `prompt`, `model` and
/// `reasoningEffort` for spawnAgent and sendInput; `agentsStates` keyed by sub-agent thread id.
struct CollabAgentToolCallItem {
  static constexpr const char* type_tag = "collabAgentToolCall";
  std::string id;
  CollabAgentTool tool = CollabAgentTool::spawnAgent;
  CollabAgentToolCallStatus status = CollabAgentToolCallStatus::inProgress;
  std::string senderThreadId;
  std::vector<std::string> receiverThreadIds;
  std::optional<std::string> prompt;
  std::optional<std::string> model;
  std::optional<std::string> reasoningEffort;
  std::map<std::string, CollabAgentState> agentsStates;
  bool operator==(const CollabAgentToolCallItem&) const = default;
};
PROTOCOL_STRUCT(CollabAgentToolCallItem, (id, tool, status, senderThreadId, receiverThreadIds, prompt, model,
                                          reasoningEffort, agentsStates))

using ThreadItem = std::variant<UserMessageItem, AgentMessageItem, HookPromptItem, CommandExecutionItem,
                                ContextCompactionItem, FileChangeItem, CollabAgentToolCallItem>;
PROTOCOL_UNION(ThreadItem)

/// The `id` member of any ThreadItem.
inline const std::string& item_id(const ThreadItem& item) {
  return std::visit([](const auto& alt) -> const std::string& { return alt.id; }, item);
}

/// `item/started` `{item, threadId, turnId, startedAtMs}`.
struct ItemStartedNotification {
  ThreadItem item;
  std::string threadId;
  std::string turnId;
  std::int64_t startedAtMs = 0;
};
PROTOCOL_STRUCT(ItemStartedNotification, (item, threadId, turnId, startedAtMs))

/// `item/completed` `{item, threadId, turnId, completedAtMs, contentTokenCount}`.
struct ItemCompletedNotification {
  ThreadItem item;
  std::string threadId;
  std::string turnId;
  std::int64_t completedAtMs = 0;
  std::optional<std::int64_t> contentTokenCount;
};
PROTOCOL_STRUCT(ItemCompletedNotification,
                (item, threadId, turnId, completedAtMs, contentTokenCount))

/// `item/agentMessage/delta`: one streamed piece of an agentMessage's text (not stored).
struct AgentMessageDeltaNotification {
  std::string threadId;
  std::string turnId;
  std::string itemId;
  std::string delta;
};
PROTOCOL_STRUCT(AgentMessageDeltaNotification, (threadId, turnId, itemId, delta))

/// `item/commandExecution/outputDelta`: a piece of a running command's output (not stored; the
/// whole output arrives in item/completed as `aggregatedOutput`).
struct CommandExecutionOutputDeltaNotification {
  std::string threadId;
  std::string turnId;
  std::string itemId;
  std::string delta;
};
PROTOCOL_STRUCT(CommandExecutionOutputDeltaNotification, (threadId, turnId, itemId, delta))

/// Server → client request `item/commandExecution/requestApproval`: may the agent run this
/// command? Sent when the approval policy asks and no PermissionRequest hook decided.
struct CommandExecutionRequestApprovalParams {
  std::string threadId;
  std::string turnId;
  std::string itemId;
  std::int64_t startedAtMs = 0;
  std::optional<std::string> command;
  std::optional<std::string> cwd;
  std::optional<std::vector<CommandAction>> commandActions;
  std::optional<std::string> reason;
  /// The answers the client may give (v2 CommandExecutionApprovalDecision[]): this server
  /// offers "accept", "acceptForSession", "decline" and "cancel".
  std::optional<Json> availableDecisions;
};
PROTOCOL_STRUCT(CommandExecutionRequestApprovalParams,
                (threadId, turnId, itemId, startedAtMs, command, cwd, commandActions, reason, availableDecisions))

/// The client's answer. `decision`: "accept" | "acceptForSession" | "decline" | "cancel", or
/// `{"acceptWithExecpolicyAmendment": {…}}` (treated as accept).
struct CommandExecutionRequestApprovalResponse {
  Json decision;
};
PROTOCOL_STRUCT(CommandExecutionRequestApprovalResponse, (decision))

/// `item/fileChange/requestApproval` (v2 FileChangeRequestApprovalParams): may the fileChange
/// item `itemId` be written? The answer is a FileChangeRequestApprovalResponse
/// `{decision: "accept" | "acceptForSession" | "decline" | "cancel"}`.
struct FileChangeRequestApprovalParams {
  std::optional<std::string> grantRoot;
  std::string itemId;
  std::optional<std::string> reason;
  std::int64_t startedAtMs = 0;
  std::string threadId;
  std::string turnId;
};
PROTOCOL_STRUCT(FileChangeRequestApprovalParams, (grantRoot, itemId, reason, startedAtMs, threadId, turnId))

struct FileChangeRequestApprovalResponse {
  Json decision;
};
PROTOCOL_STRUCT(FileChangeRequestApprovalResponse, (decision))

/// `serverRequest/resolved`: a server request was answered (or withdrawn); `requestId` is the
/// id the request carried.
struct ServerRequestResolvedNotification {
  std::string threadId;
  Json requestId;
};
PROTOCOL_STRUCT(ServerRequestResolvedNotification, (threadId, requestId))

}  // namespace appserver::protocol::v2
