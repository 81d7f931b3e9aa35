// The agent behind a turn: given the conversation so far, it produces one assistant reply,
// streamed as text deltas. Implementations: BuiltinAgent (offline, deterministic, default);
// a Responses API client comes later. Called on the thread's strand; one sample at a time.
#pragma once

#include "server/threads/thread_history.hpp"

#include <boost/asio/awaitable.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace appserver {

/// A tool call the model made: a function call (Responses API `function_call`, `arguments`
/// the decoded JSON), such as `exec_command` (`{cmd, workdir?, timeout_ms?}`; `login`, `tty`,
/// `yield_time_ms` are accepted), or a freeform tool call (`custom_tool_call`, its raw text in
/// `input`), such as `apply_patch` (the patch). A function call may name a `namespace` (the
/// sub-agent tools are `multi_agent_v1`'s); a `tool_search_call` (`tool_search` set, `name`
/// empty, `arguments` its `{query, limit?}` object) asks the client to search deferred tools.
struct ToolCall {
  std::string call_id;
  std::string name;
  nlohmann::json arguments;
  std::optional<std::string> input;  // set for a freeform (custom) tool call; `arguments` is then null
  std::string tool_namespace;        // a function call's Responses API `namespace`, or empty
  bool tool_search = false;          // a client-executed tool_search_call
  /// A function call's `arguments` as the model wrote them (replayed to it verbatim, as Codex
  /// does); empty when the call did not come from a model (the built-in agent's).
  std::string arguments_text;
};

struct SamplingRequest {
  std::vector<ModelMessage> conversation;  // whole history, oldest first
  std::size_t turn_start = 0;              // index of the current turn's first message
  /// Set (on the thread's strand) when the turn is interrupted; the agent stops streaming.
  std::shared_ptr<const bool> cancelled = std::make_shared<bool>(false);
  std::optional<std::string> service_tier;  // sent as the Responses API `service_tier` unless "default"
  /// Whether the model may find the sub-agent tools (`multi_agent_v1`) with `tool_search`: the
  /// thread is shallower than agents.max_depth and the multi_agent feature is on.
  bool subagent_tools = false;
};

/// Token counts of one model response (the Responses API `usage`; the built-in agent estimates
/// its own: a token per word of the request's text and of its reply).
struct TokenCounts {
  std::int64_t input = 0, cached_input = 0, output = 0, reasoning_output = 0, total = 0;
};

struct SamplingResult {
  std::string text;                   // the full reply (concatenation of the deltas)
  std::optional<std::string> error;   // set when the sample failed
  bool cancelled = false;             // stopped because SamplingRequest::cancelled was set
  std::vector<ToolCall> tool_calls;   // run them, append their outputs, and sample again
  std::optional<TokenCounts> usage;   // as the model reported it (nullopt: not reported)
};

class Agent {
 public:
  virtual ~Agent() = default;
  /// The model slug reported in thread/start and hook payloads.
  virtual std::string model() const = 0;
  /// The provider id reported as `modelProvider`.
  virtual std::string provider() const = 0;
  /// Produces a reply; calls `on_delta` for each streamed piece before returning.
  virtual boost::asio::awaitable<SamplingResult> sample(
      SamplingRequest request, std::function<void(const std::string&)> on_delta) = 0;
};

}  // namespace appserver
