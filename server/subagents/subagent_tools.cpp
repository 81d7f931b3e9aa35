// The sub-agent tools' shapes; see subagent_tools.hpp.
#include "server/subagents/subagent_tools.hpp"

#include <array>

namespace appserver::subagents {

bool is_subagent_tool(const std::string& name) {
  return name == "spawn_agent" || name == "wait_agent" || name == "send_input" || name == "close_agent" ||
         name == "resume_agent";
}

std::string hook_tool_name(const std::string& name) {
  return name == "spawn_agent" ? name : std::string(kNamespace) + name;
}

std::string nickname(std::size_t n) {
  static constexpr std::array<const char*, 16> kNames = {
      "Hume",   "Curie",  "Franklin", "Goodall", "Faraday", "Beauvoir", "Noether", "Turing",
      "Hopper", "Darwin", "Lovelace", "Meitner", "Pauling", "Ramanujan", "Sagan",  "Tesla"};
  std::string name = kNames[n % kNames.size()];
  if (n >= kNames.size()) name += " " + std::to_string(n / kNames.size() + 1);
  return name;
}

std::string spawn_output(const std::string& agent_id, const std::string& nickname) {
  return nlohmann::json{{"agent_id", agent_id}, {"nickname", nickname}}.dump();
}

std::string wait_output(const std::map<std::string, AgentResult>& results, bool timed_out) {
  nlohmann::json status = nlohmann::json::object();
  for (const auto& [id, r] : results)
    status[id] = r.completed ? nlohmann::json{{"completed", r.message}} : nlohmann::json(r.state);
  return nlohmann::ordered_json{{"status", status}, {"timed_out", timed_out}}.dump();
}

std::string completion_notification(const std::string& agent_id, const nlohmann::json& status) {
  const nlohmann::ordered_json body = {{"agent_path", agent_id}, {"status", nlohmann::ordered_json::parse(status.dump())}};
  return "<subagent_notification>\n" + body.dump() + "\n</subagent_notification>";
}

}  // namespace appserver::subagents
