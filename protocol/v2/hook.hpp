// Hook wire types of the v2 protocol: HookRunSummary and its enums, hook/started and
// hook/completed notifications, hooks/list. Source of the shapes: Codex 0.169
// `codex-rs/app-server-protocol/src/protocol/v2.rs` (hook types) and its generated schemas.
// Times: `startedAt` / `completedAt` are unix SECONDS, `durationMs` is MILLISECONDS.
#pragma once

#include "protocol/describe_json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Protocol fields and enumerators are spelled as on the wire (camelCase), not in C++ style.
namespace appserver::protocol::v2 {

/// The 14 lifecycle events of Codex 0.169, in the schema's order.
enum class HookEventName {
  preModelRequest,
  postModelRequest,
  preToolUse,
  permissionRequest,
  postToolUse,
  preCompact,
  postCompact,
  sessionStart,
  sessionEnd,
  userPromptSubmit,
  subagentStart,
  subagentStop,
  stop,
  interrupt
};
PROTOCOL_ENUM(HookEventName, preModelRequest, postModelRequest, preToolUse,
                    permissionRequest, postToolUse, preCompact, postCompact, sessionStart,
                    sessionEnd, userPromptSubmit, subagentStart, subagentStop, stop, interrupt)

enum class HookHandlerType { command, mcpTool, prompt, agent };
PROTOCOL_ENUM(HookHandlerType, command, mcpTool, prompt, agent)

enum class HookExecutionMode { sync, async };
PROTOCOL_ENUM(HookExecutionMode, sync, async)

/// `thread` for sessionStart / sessionEnd / subagentStart runs, `turn` for all others.
enum class HookScope { thread, turn };
PROTOCOL_ENUM(HookScope, thread, turn)

/// Which configuration layer a hook came from.
enum class HookSource {
  system,
  user,
  project,
  mdm,
  sessionFlags,
  plugin,
  cloudRequirements,
  cloudManagedConfig,
  legacyManagedConfigFile,
  legacyManagedConfigMdm,
  unknown
};
PROTOCOL_ENUM(HookSource, system, user, project, mdm, sessionFlags, plugin,
                    cloudRequirements, cloudManagedConfig, legacyManagedConfigFile,
                    legacyManagedConfigMdm, unknown)

/// `running` only in hook/started; one of the others in hook/completed.
enum class HookRunStatus { running, completed, failed, blocked, stopped };
PROTOCOL_ENUM(HookRunStatus, running, completed, failed, blocked, stopped)

enum class HookOutputEntryKind { warning, stop, feedback, context, error };
PROTOCOL_ENUM(HookOutputEntryKind, warning, stop, feedback, context, error)

enum class HookTrustStatus { managed, untrusted, trusted, modified };
PROTOCOL_ENUM(HookTrustStatus, managed, untrusted, trusted, modified)

/// One line of a hook's visible result: `warning` (systemMessage), `context`
/// (additionalContext), `feedback` (block reason), `stop` (stopReason), `error` (failure).
struct HookOutputEntry {
  HookOutputEntryKind kind = HookOutputEntryKind::warning;
  std::string text;
  bool operator==(const HookOutputEntry&) const = default;
};
PROTOCOL_STRUCT(HookOutputEntry, (kind, text))

/// One run of one hook handler. `id` = `<event-kebab>:<displayOrder>:<sourcePath>`
/// (+ `:<tool_use_id>` for tool events). startedAt/completedAt: unix seconds; durationMs: ms.
struct HookRunSummary {
  std::string id;
  HookEventName eventName = HookEventName::stop;
  HookHandlerType handlerType = HookHandlerType::command;
  HookExecutionMode executionMode = HookExecutionMode::sync;
  HookScope scope = HookScope::turn;
  std::string sourcePath;
  HookSource source = HookSource::unknown;
  std::int64_t displayOrder = 0;
  HookRunStatus status = HookRunStatus::running;
  std::optional<std::string> statusMessage;
  std::int64_t startedAt = 0;
  std::optional<std::int64_t> completedAt;
  std::optional<std::int64_t> durationMs;
  std::vector<HookOutputEntry> entries;
  bool operator==(const HookRunSummary&) const = default;
};
constexpr const char* protocol_field_doc(const HookRunSummary*, std::string_view member) {
  if (member == "id") return "`<event-kebab>:<displayOrder>:<sourcePath>`, plus `:<tool_use_id>` for tool events.";
  if (member == "startedAt") return "Unix time in seconds when the hook started.";
  if (member == "completedAt") return "Unix time in seconds when the hook finished; null while running.";
  if (member == "durationMs") return "Run time in milliseconds; null while running.";
  if (member == "entries") return "What the run produced, in order: warning, context, then stop/feedback/error.";
  return nullptr;
}
PROTOCOL_STRUCT(HookRunSummary,
                (id, eventName, handlerType, executionMode, scope, sourcePath, source,
                       displayOrder, status, statusMessage, startedAt, completedAt, durationMs,
                       entries))

/// `hook/started`: sent once per matched sync handler before its batch runs.
struct HookStartedNotification {
  std::string threadId;
  std::optional<std::string> turnId;
  HookRunSummary run;
};
PROTOCOL_STRUCT(HookStartedNotification, (threadId, turnId, run))

/// `hook/completed`: sent once per handler after its batch finished, in configured order.
struct HookCompletedNotification {
  std::string threadId;
  std::optional<std::string> turnId;
  HookRunSummary run;
};
PROTOCOL_STRUCT(HookCompletedNotification, (threadId, turnId, run))

/// `hooks/list` params: cwds to inspect (empty/absent → the server's cwd), or a loaded thread.
struct HooksListParams {
  std::optional<std::vector<std::string>> cwds;
  std::optional<std::string> threadId;
};
PROTOCOL_STRUCT(HooksListParams, (cwds, threadId))

/// One discovered hook handler as hooks/list reports it (command handlers only here).
/// timeoutSec: SECONDS (the effective timeout after defaults and clamping).
struct HookMetadata {
  std::string key;
  HookEventName eventName = HookEventName::stop;
  HookHandlerType handlerType = HookHandlerType::command;
  std::string command;
  bool async = false;
  std::optional<std::string> matcher;
  std::int64_t timeoutSec = 600;
  std::optional<std::string> statusMessage;
  std::optional<std::int64_t> additionalContextLimit;
  std::string sourcePath;
  HookSource source = HookSource::unknown;
  std::optional<std::string> pluginId;
  std::optional<std::string> environmentId;
  std::int64_t displayOrder = 0;
  bool enabled = true;
  bool isManaged = false;
  std::string currentHash;
  HookTrustStatus trustStatus = HookTrustStatus::untrusted;
};
PROTOCOL_STRUCT(HookMetadata,
                (key, eventName, handlerType, command, async, matcher, timeoutSec,
                       statusMessage, additionalContextLimit, sourcePath, source, pluginId,
                       environmentId, displayOrder, enabled, isManaged, currentHash, trustStatus))

struct HookErrorInfo {
  std::string path;
  std::string message;
};
PROTOCOL_STRUCT(HookErrorInfo, (path, message))

struct HooksListEntry {
  std::string cwd;
  std::vector<HookMetadata> hooks;
  std::vector<std::string> warnings;
  std::vector<HookErrorInfo> errors;
};
PROTOCOL_STRUCT(HooksListEntry, (cwd, hooks, warnings, errors))

struct HooksListResponse {
  std::vector<HooksListEntry> data;
};
PROTOCOL_STRUCT(HooksListResponse, (data))

/// `warning` notification: `{threadId?, message}` (hook discovery warnings and the like).
struct WarningNotification {
  std::optional<std::string> threadId;
  std::string message;
};
PROTOCOL_STRUCT(WarningNotification, (threadId, message))

}  // namespace appserver::protocol::v2
