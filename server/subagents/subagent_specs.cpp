// The `multi_agent_v1` namespace the model finds with tool_search; see subagent_tools.hpp.
// Names, parameters and flags as Codex 0.169 sends them (tool_search_found in
// tests/unit/fixtures/codex_0.169_subagents/spawn_wait.recording.json); the descriptions are ours.
#include "server/subagents/subagent_tools.hpp"

namespace appserver::subagents {

using Json = nlohmann::json;

namespace {

Json function_tool(const char* name, const char* description, Json properties, Json required) {
  Json parameters = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) parameters["required"] = std::move(required);
  return {{"type", "function"}, {"name", name},     {"description", description},
          {"strict", false},    {"defer_loading", true}, {"parameters", std::move(parameters)}};
}

Json string_property(const char* description) { return {{"type", "string"}, {"description", description}}; }

/// The structured input items spawn_agent and send_input accept (only `text` items are used here).
Json items_property() {
  Json item = {{"type", "object"},
               {"properties",
                {{"type", string_property("Item type: text, image, local_image, audio, local_audio, skill or mention.")},
                 {"text", string_property("The text of a text item.")},
                 {"image_url", string_property("The URL of an image item.")},
                 {"audio_url", string_property("The data URL of an audio item.")},
                 {"path", string_property("The path of a local_image, local_audio or skill item, or a mention's "
                                          "target (app://<connector-id>, plugin://<plugin>@<marketplace>).")},
                 {"name", string_property("The display name of a skill or mention item.")}}},
               {"additionalProperties", false}};
  return {{"type", "array"},
          {"description", "The input as structured items, instead of `message`."},
          {"items", std::move(item)}};
}

}  // namespace

tool_search::Namespace tool_namespace() {
  tool_search::Namespace ns{kNamespace, "Tools for spawning and managing sub-agents.", Json::array()};
  ns.tools.push_back(function_tool(
      "spawn_agent",
      "Starts a sub-agent: a new agent with a thread of its own that works on one well-scoped task in parallel "
      "with you, using your model. Returns its `agent_id` and a nickname. Only spawn when the user (or the "
      "project's instructions) asks for sub-agents or parallel work; give it a concrete, self-contained task "
      "whose result you do not need for your very next step, and keep working meanwhile. When it finishes you "
      "get a <subagent_notification> message with its final answer.",
      {{"message", string_property("The task for the new agent, as plain text. Give either message or items.")},
       {"items", items_property()},
       {"fork_context", {{"type", "boolean"},
                         {"description", "true: the new agent starts with a copy of this conversation; false or "
                                         "left out: with the task only."}}},
       {"model", string_property("A different model for the new agent. Leave out to use yours.")},
       {"reasoning_effort", string_property("A different reasoning effort for the new agent. Leave out to use yours.")}},
      Json::array()));
  ns.tools.push_back(function_tool(
      "send_input",
      "Sends a message to a sub-agent you spawned. An idle agent starts working on it; a busy one gets it "
      "with its current work, or drops that work for it with interrupt=true. Reuse an agent this way when the "
      "new task builds on what it already did.",
      {{"target", string_property("The agent id (from spawn_agent).")},
       {"message", string_property("The message, as plain text. Give either message or items.")},
       {"items", items_property()},
       {"interrupt", {{"type", "boolean"},
                      {"description", "true: stop the agent's current work and handle this message now; false or "
                                      "left out: queue it."}}}},
      {"target"}));
  ns.tools.push_back(function_tool(
      "wait_agent",
      "Waits until one of the given agents reaches a final status (completed, errored, interrupted, shut down) "
      "and returns the statuses, a completed agent's with its final message; on timeout the status is empty "
      "and timed_out is true. You also get each final status as a notification message, so wait only when "
      "your next step needs the result.",
      {{"targets", {{"type", "array"},
                    {"description", "The agent ids to wait on; the first to finish ends the wait."},
                    {"items", {{"type", "string"}}}}},
       {"timeout_ms", {{"type", "number"},
                       {"description", "How long to wait, in milliseconds: 30000 when left out, at least 10000, "
                                       "at most 3600000. Prefer long waits to polling."}}}},
      {"targets"}));
  ns.tools.push_back(function_tool(
      "close_agent",
      "Closes an agent you no longer need (interrupting its work) and returns the status it had. Open agents, "
      "finished ones included, count toward the limit of concurrent agents until they are closed.",
      {{"target", string_property("The agent id (from spawn_agent).")}}, {"target"}));
  ns.tools.push_back(function_tool(
      "resume_agent", "Reopens an agent closed with close_agent, so that send_input and wait_agent reach it again.",
      {{"id", string_property("The agent id.")}}, {"id"}));
  return ns;
}

}  // namespace appserver::subagents
