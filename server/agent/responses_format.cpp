// Responses API input and tool shapes; see responses_format.hpp.
#include "server/agent/responses_format.hpp"

#include "server/subagents/subagent_tools.hpp"
#include "server/tools/tool_search.hpp"

namespace appserver {

using Json = nlohmann::json;

Json responses_input(const std::vector<ModelMessage>& conversation, bool subagent_tools) {
  Json input = Json::array();
  if (subagent_tools)
    input.push_back({{"type", "message"}, {"role", "developer"},
                     {"content", {{{"type", "input_text"},
                                   {"text", tool_search::deferred_namespaces_text({subagents::tool_namespace()})}}}}});
  for (const auto& m : conversation) {
    if (m.role == "function_call") {
      Json call = {{"type", "function_call"}, {"call_id", m.call_id}, {"name", m.name}, {"arguments", m.text}};
      if (!m.tool_namespace.empty()) call["namespace"] = m.tool_namespace;
      input.push_back(std::move(call));
    } else if (m.role == "tool_search_call") {
      input.push_back({{"type", "tool_search_call"}, {"call_id", m.call_id}, {"status", "completed"},
                       {"execution", "client"}, {"arguments", Json::parse(m.text, nullptr, false)}});
    } else if (m.role == "tool_search_output") {
      input.push_back({{"type", "tool_search_output"}, {"call_id", m.call_id}, {"status", "completed"},
                       {"execution", "client"}, {"tools", Json::parse(m.text, nullptr, false)}});
    } else if (m.role == "function_call_output") {
      input.push_back({{"type", "function_call_output"}, {"call_id", m.call_id}, {"output", m.text}});
    } else if (m.role == "custom_tool_call") {
      input.push_back({{"type", "custom_tool_call"}, {"call_id", m.call_id}, {"name", m.name}, {"input", m.text}});
    } else if (m.role == "custom_tool_call_output") {
      input.push_back({{"type", "custom_tool_call_output"}, {"call_id", m.call_id}, {"output", m.text}});
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
        "sandbox_permissions": {"type": "string", "enum": ["use_default", "require_escalated"],
          "description": "`use_default` (the default) runs the command in the sandbox; `require_escalated` asks the user to run it outside the sandbox."},
        "justification": {"type": "string", "description": "With `require_escalated`: the question the user is asked. Leave it out otherwise."},
        "login": {"type": "boolean"}, "tty": {"type": "boolean"}, "yield_time_ms": {"type": "number"}}}})");
}

bool model_wants_apply_patch(const std::string& model) {
  // The slugs of Codex 0.169's bundled model catalog; every one sets
  // "apply_patch_tool_type": "freeform". A slug it does not know gets no apply_patch tool there.
  static const char* const kFreeform[] = {
      "gpt-6-astra", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6-sol",  "gpt-6-luna", "gpt-5.6-sol", "gpt-5.6-terra",
      "gpt-5.6-luna", "gpt-daybreak-blue-latest", "gpt-daybreak-red-latest", "gpt-5.5", "codex-auto-review"};
  for (const char* slug : kFreeform)
    if (model == slug) return true;
  return model == "builtin";  // the built-in agent applies a patch written in the prompt
}

Json apply_patch_tool() {
  // Codex 0.169's freeform tool, as recorded from its request to a mock model (gpt-5.5): the
  // description and the Lark grammar of the patch format, byte for byte.
  Json tool = {{"type", "custom"},
               {"name", "apply_patch"},
               {"description",
                "The `apply_patch` tool can be used to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON."}};
  tool["format"] = {{"type", "grammar"},
                    {"syntax", "lark"},
                    {"definition", R"(start: begin_patch hunk+ end_patch
begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?

hunk: add_hunk | delete_hunk | update_hunk
add_hunk: "*** Add File: " filename LF add_line+
delete_hunk: "*** Delete File: " filename LF
update_hunk: "*** Update File: " filename LF change_move? change?

filename: /(.+)/
add_line: "+" /(.*)/ LF -> line

change_move: "*** Move to: " filename LF
change: (change_context | change_line)+ eof_line?
change_context: ("@@" | "@@ " /(.+)/) LF
change_line: ("+" | "-" | " ") /(.*)/ LF
eof_line: "*** End of File" LF

%import common.LF
)"}};
  return tool;
}

Json responses_tools(const std::string& model, bool subagent_tools) {
  Json tools = Json::array({exec_command_tool()});
  if (model_wants_apply_patch(model)) tools.push_back(apply_patch_tool());
  if (subagent_tools) tools.push_back(tool_search::tool_spec());
  return tools;
}

}  // namespace appserver
