// The Responses API shapes of the conversation and of the tool this server offers; used by the
// Responses agent for its requests and by PreModelRequest hooks (which see the same input).
#pragma once

#include "server/threads/thread_history.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace appserver {

/// The `input` array of a Responses request: messages, function calls and their outputs.
nlohmann::json responses_input(const std::vector<ModelMessage>& conversation);

/// The `exec_command` function tool as offered to the model.
nlohmann::json exec_command_tool();

}  // namespace appserver
