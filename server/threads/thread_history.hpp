// The one reducer that builds a thread's state (Thread → turns → items, hookRuns, and the
// conversation the agent sees) from its stored notifications. Used for the live thread and for
// replay from disk, so both always agree (codex thread_history.rs). Not thread-safe: owned by
// one LiveThread (its strand) or one loader.
#pragma once

#include "protocol/describe_json.hpp"
#include "protocol/v2/thread.hpp"
#include "protocol/v2/token_usage.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace appserver {

/// One message of the conversation as the agent sees it.
struct ModelMessage {
  /// "user" | "developer" | "assistant" | "function_call" (text = the arguments JSON) |
  /// "function_call_output" (text = the tool output) | "custom_tool_call" (text = the
  /// freeform input, e.g. a patch) | "custom_tool_call_output" (text = the tool output) |
  /// "tool_search_call" (text = the arguments JSON) | "tool_search_output" (text = the JSON
  /// array of tools it found, Responses API namespace objects)
  std::string role;
  std::string text;
  std::string call_id;  // function calls and outputs
  std::string name;     // function calls: the tool name
  std::string tool_namespace;  // function calls: the Responses API `namespace` (e.g. multi_agent_v1), or empty
  bool operator==(const ModelMessage&) const = default;
};

/// Internal stored record (never sent): a developer message from hook context.
/// params: `{"turnId": string, "text": string}`.
inline constexpr std::string_view kDeveloperMessageRecord = "$/developerMessage";
/// Internal stored record: context the model sees as a user message that is not a userMessage
/// item (a thread/shellCommand's `<user_shell_command>` record). params: `{turnId, text}`.
inline constexpr std::string_view kUserContextRecord = "$/userContext";
/// Internal stored record: a tool call of the model. params: `{turnId, callId, name, arguments}`
/// plus `namespace` when it had one and `argumentsText` (the model's own arguments string, what
/// it is shown again) when it came from a model, or `{turnId, callId, name, input}` for a freeform (custom)
/// tool call such as apply_patch, or `{turnId, callId, toolSearch: true, arguments}` for a
/// client-executed `tool_search_call`.
inline constexpr std::string_view kFunctionCallRecord = "$/functionCall";
/// Internal stored record: what the model got back. params: `{turnId, callId, output}`, plus
/// `"custom": true` when it answers a freeform tool call; `{turnId, callId, toolSearch: true,
/// tools}` (the JSON array a tool search found) for a tool_search_output.
inline constexpr std::string_view kFunctionCallOutputRecord = "$/functionCallOutput";

/// Internal stored record: thread/revert dropped the turn `beforeTurnId` and every later one
/// (items, hook runs and what the model saw of them). params: `{beforeTurnId}`.
inline constexpr std::string_view kRevertRecord = "$/revert";

/// Internal stored record: a compaction replaced the conversation with `summary`.
/// params: `{turnId, summary}`.
inline constexpr std::string_view kCompactionRecord = "$/compaction";

/// What the thread file keeps of a turn/completed's params: the turn in its `notLoaded` view
/// (`items` and `hookRuns` emptied, `itemsView: "notLoaded"`), still a valid v2
/// TurnCompletedNotification. Both arrays repeat records stored just before it (item/completed,
/// hook/completed) and the reducer takes only the turn's status, error and times from it, so
/// nothing is lost; a long thread's file is about a fifth smaller and faster to load.
protocol::Json stored_turn_completed(protocol::Json params);

/// The deterministic summary a compaction keeps of `conversation`: what the user asked (each
/// prompt, shortened), hook context, tool calls made, and the last assistant reply. Prefixed
/// like Codex's summaries so a model knows what it is reading.
std::string compaction_summary(const std::vector<ModelMessage>& conversation);

class ThreadHistory {
 public:
  /// Folds one stored record. Unknown methods are ignored. Throws protocol::DecodeError when
  /// a known record is malformed.
  void apply(std::string_view method, const protocol::Json& params);

  /// After replaying from disk: a turn still in progress was cut off by a crash or kill; it is
  /// marked `interrupted` (its completed items and hook runs are kept).
  void finish_replay();

  bool has_thread() const { return has_thread_; }
  /// Whether `turn_id` is one of the thread's turns.
  bool has_turn(const std::string& turn_id) const;
  /// The thread with every turn (itemsView `full`). Status is left as stored.
  const protocol::v2::Thread& thread() const { return thread_; }
  protocol::v2::Thread& thread() { return thread_; }
  const std::vector<protocol::v2::Turn>& turns() const { return thread_.turns; }
  const std::vector<ModelMessage>& model_messages() const { return model_messages_; }
  /// Whether the last thread/archived or thread/unarchived record archived the thread.
  bool archived() const { return archived_; }
  /// The last stored thread/tokenUsage/updated (its `total` is the thread's running sum).
  const std::optional<protocol::v2::ThreadTokenUsageUpdatedNotification>& token_usage() const { return token_usage_; }

 private:
  protocol::v2::Turn* find_turn(const std::string& id);
  void touch(std::int64_t at_sec);

  bool has_thread_ = false;
  bool archived_ = false;
  std::optional<protocol::v2::ThreadTokenUsageUpdatedNotification> token_usage_;
  protocol::v2::Thread thread_;
  std::vector<ModelMessage> model_messages_;
  /// For each turn (same order as thread_.turns): the size of model_messages_ when it started,
  /// where a revert cuts the conversation (after a compaction: at most the summary's size).
  std::vector<std::size_t> turn_message_start_;
};

}  // namespace appserver
