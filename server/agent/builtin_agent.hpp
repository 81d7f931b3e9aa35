// The built-in offline agent: no network, deterministic. Its reply says what it received —
// the prompt of this turn and every developer message (hook context) — so a user can see hooks
// take effect. The reply is streamed in several small deltas. Tools: each line of the prompt
// that starts with `!` (e.g. `!ls -la`) becomes an `exec_command` call (`!!cmd`: one that asks
// to run outside the sandbox, sandbox_permissions "require_escalated" with a justification
// naming the command; `!agent task`: a spawn_agent call whose sub-agent gets `task`, and once
// spawned one wait_agent call for every sub-agent of the turn; `!send text`, `!redirect text`
// (send_input with interrupt: true), `!wait`, `!close`, `!resume`: send_input, wait_agent,
// close_agent, resume_agent on the last sub-agent spawned in an earlier turn; all in the
// multi_agent_v1 namespace), and the lines from
// `*** Begin Patch` to `*** End Patch` (the apply_patch format) become an `apply_patch` call
// with those lines as its patch, in prompt order; once the outputs are back, the reply
// summarises them ("I ran `cmd`; it returned: …", "I applied a patch; it returned: …").
#pragma once

#include "server/agent/agent.hpp"

namespace appserver {

class BuiltinAgent final : public Agent {
 public:
  std::string model() const override { return "builtin"; }
  std::string provider() const override { return "builtin"; }
  boost::asio::awaitable<SamplingResult> sample(
      SamplingRequest request, std::function<void(const std::string&)> on_delta) override;

  /// The reply text for a request (exposed for tests).
  static std::string compose_reply(const SamplingRequest& request);
  /// The tool calls for a request: one per `!` line and per patch block of the turn's prompt,
  /// until they have run.
  static std::vector<ToolCall> tool_calls(const SamplingRequest& request);
  /// Splits a reply into the streamed deltas (each at most ~24 bytes, on word boundaries).
  static std::vector<std::string> split_deltas(const std::string& text);
};

}  // namespace appserver
