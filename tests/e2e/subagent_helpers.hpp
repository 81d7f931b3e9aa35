// Helpers of the sub-agent e2e tests (subagent_test.cpp, subagent_model_test.cpp): a Python
// hook on every event that logs its stdin, the log, and the parent's turn with its children's.
#pragma once

#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace e2e {


/// A Python hook on every event that logs its stdin to `log` (one JSON per line) and answers
/// SubagentStart with `start_output` and the first SubagentStop with `stop_output` (if given).
inline std::string hooks_json(const TempHome& home, const std::string& start_output, const std::string& stop_output,
                       const std::string& start_sleep = "0") {
  const auto script = home.root / "hook.py";
  std::ofstream(script) << "import json, os, sys, time\n"
                           "d = json.load(sys.stdin)\n"
                           "log = " << Json((home.root / "hooks.jsonl").string()).dump() << "\n"
                           "open(log, 'a').write(json.dumps(d) + '\\n')\n"
                           "ev = d['hook_event_name']\n"
                           "if ev == 'SubagentStart':\n"
                           "    time.sleep(" << start_sleep << ")\n"
                           "    print(" << Json(start_output).dump() << ")\n"
                           "marker = " << Json((home.root / "stopped-once").string()).dump() << "\n"
                           "if ev == 'SubagentStop' and not os.path.exists(marker):\n"
                           "    open(marker, 'w').close()\n"
                           "    print(" << Json(stop_output).dump() << ")\n";
  Json group = Json::array({{{"hooks", {{{"type", "command"}, {"command", "python3 " + script.string()}}}}}});
  Json hooks = Json::object();
  for (const char* e : {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop", "SubagentStart",
                        "SubagentStop", "SessionEnd"})
    hooks[e] = group;
  return Json{{"hooks", hooks}}.dump();
}

inline std::vector<Json> hook_log(const TempHome& home) {
  std::vector<Json> out;
  std::ifstream in(home.root / "hooks.jsonl");
  for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
  return out;
}

inline Json only(const std::vector<Json>& payloads, const std::string& event) {
  std::vector<Json> found;
  for (const auto& p : payloads)
    if (p["hook_event_name"] == event) found.push_back(p);
  REQUIRE(found.size() == 1);
  return found[0];
}

inline std::vector<Json> of_thread(const std::vector<Json>& messages, const std::string& thread) {
  std::vector<Json> out;
  for (const auto& m : messages)
    if (m.contains("params") && m["params"].value("threadId", "") == thread) out.push_back(m);
  return out;
}

/// The text of the last agentMessage item of `thread` among `messages`.
inline std::string last_reply(const std::vector<Json>& messages, const std::string& thread) {
  std::string text;
  for (const auto& m : find_all(of_thread(messages, thread), "item/completed"))
    if (m["item"]["type"] == "agentMessage") text = m["item"]["text"];
  return text;
}

/// turn/start on `thread`, then every message up to that thread's turn/completed (a child's
/// turn/completed comes first).
inline std::vector<Json> run_parent_turn(Daemon& daemon, const std::string& thread, const std::string& text) {
  std::vector<Json> out = {daemon.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", text}}}}})};
  for (;;) {
    auto part = daemon.until("turn/completed");
    out.insert(out.end(), part.begin(), part.end());
    if (part.back()["params"]["threadId"] == thread) return out;
  }
}

inline constexpr const char* kContext =
    R"({"hookSpecificOutput":{"hookEventName":"SubagentStart","additionalContext":"child context from hook"}})";


}  // namespace e2e
