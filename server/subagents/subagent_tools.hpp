// The sub-agent tools' shapes, as Codex 0.169 has them (recorded:
// tests/unit/fixtures/codex_0.169_subagents/): their names, what the model gets back, the
// names hooks see, and the nicknames children get. Pure, thread-safe.
#pragma once

#include "server/tools/tool_search.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace appserver::subagents {

/// The namespace of the tools (`multi_agent_v1`).
inline constexpr const char* kNamespace = "multi_agent_v1";

/// The limits (config.toml `[agents]`, Codex's keys and defaults): a thread of depth
/// `max_depth` (a top-level thread has depth 0) cannot spawn, and a tree of threads holds at
/// most `max_threads` open sub-agents (closing one frees its place).
struct Limits {
  int max_depth = 1;
  int max_threads = 6;
};

/// Whether `name` (a function call in the `multi_agent_v1` namespace) is one of the tools:
/// spawn_agent, wait_agent, send_input, close_agent, resume_agent.
bool is_subagent_tool(const std::string& name);

/// The `multi_agent_v1` namespace as the model finds it with tool_search: the five function
/// tools with the parameters Codex 0.169 gives them (descriptions in our words), each
/// `"defer_loading": true`.
tool_search::Namespace tool_namespace();

/// The tool name PreToolUse / PostToolUse see: `spawn_agent` for spawn, the namespace glued on
/// for the others (`multi_agent_v1wait_agent`), as Codex 0.169 sends them.
std::string hook_tool_name(const std::string& name);

/// The nickname of the `n`-th sub-agent this daemon spawns (a scientist's name, as Codex's).
std::string nickname(std::size_t n);

/// spawn_agent's output: `{"agent_id": id, "nickname": name}`.
std::string spawn_output(const std::string& agent_id, const std::string& nickname);

/// What wait_agent saw of one agent: its last message when its turn completed, else its state.
struct AgentResult {
  bool completed = false;
  std::string message;      // the last agent message (completed)
  std::string state;        // otherwise: "running", "errored", "not_found", …
};

/// wait_agent's output: `{"status": {id: {"completed": message} | state}, "timed_out": bool}`.
std::string wait_output(const std::map<std::string, AgentResult>& results, bool timed_out);

/// The parent model's text when a child's turn ends: `<subagent_notification>\n{"agent_path": id,
/// "status": <status>}\n</subagent_notification>` (a user message, as Codex), `status` as
/// LiveThread::subagent_status() gives it (`{"completed": message}`, "interrupted", …).
std::string completion_notification(const std::string& agent_id, const nlohmann::json& status);

}  // namespace appserver::subagents
