// The Responses API shapes of the conversation and of the tool this server offers; used by the
// Responses agent for its requests and by PreModelRequest hooks (which see the same input).
#pragma once

#include "server/threads/thread_history.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace appserver {

/// The `input` array of a Responses request: messages, function calls (with their `namespace`)
/// and their outputs, tool searches and what they found. With `subagent_tools` it starts with
/// the developer message naming the deferred `multi_agent_v1` namespace (tools/tool_search.hpp).
nlohmann::json responses_input(const std::vector<ModelMessage>& conversation, bool subagent_tools = false);

/// The `exec_command` function tool as offered to the model.
nlohmann::json exec_command_tool();

/// Whether Codex 0.169's model metadata for `model` asks for the freeform `apply_patch` tool
/// (every slug of its bundled catalog does; an unknown slug, a custom provider's model, does not).
/// The built-in agent ("builtin") has it too.
bool model_wants_apply_patch(const std::string& model);

/// The freeform (`"type": "custom"`) `apply_patch` tool with the patch grammar, as Codex 0.169
/// sends it; the model answers with a `custom_tool_call` whose `input` is the patch.
nlohmann::json apply_patch_tool();

/// The `tools` of a Responses request for `model`: exec_command, apply_patch when the model
/// asks for it, and `tool_search` when the sub-agent tools can be found (`subagent_tools`).
nlohmann::json responses_tools(const std::string& model, bool subagent_tools = false);

}  // namespace appserver
