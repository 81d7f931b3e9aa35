// Responses API input and tool shapes; see responses_format.hpp.
#include "server/agent/responses_format.hpp"

namespace appserver {

using Json = nlohmann::json;

Json responses_input(const std::vector<ModelMessage>& conversation) {
  Json input = Json::array();
  for (const auto& m : conversation) {
    if (m.role == "function_call") {
      input.push_back({{"type", "function_call"}, {"call_id", m.call_id}, {"name", m.name}, {"arguments", m.text}});
    } else if (m.role == "function_call_output") {
      input.push_back({{"type", "function_call_output"}, {"call_id", m.call_id}, {"output", m.text}});
    } else {
      const char* kind = m.role == "assistant" ? "output_text" : "input_text";
      input.push_back({{"type", "message"}, {"role", m.role}, {"content", {{{"type", kind}, {"text", m.text}}}}});
    }
  }
  return input;
}

Json exec_command_tool() {
  return Json::parse(R"({
    "type": "function", "name": "exec_command", "strict": false,
    "description": "Runs a shell command and returns its output.",
    "parameters": {"type": "object", "required": ["cmd"], "additionalProperties": false,
      "properties": {
        "cmd": {"type": "string", "description": "Shell command to execute."},
        "workdir": {"type": "string", "description": "Working directory; defaults to the thread's cwd."},
        "timeout_ms": {"type": "number", "description": "Kill the command after this many milliseconds."},
        "login": {"type": "boolean"}, "tty": {"type": "boolean"}, "yield_time_ms": {"type": "number"}}}})");
}

}  // namespace appserver
