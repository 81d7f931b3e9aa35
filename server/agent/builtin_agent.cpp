// The built-in offline agent; see builtin_agent.hpp.
#include "server/agent/builtin_agent.hpp"

#include "protocol/json_parse.hpp"
#include "server/subagents/subagent_tools.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>

namespace appserver {

namespace asio = boost::asio;

namespace {
/// A call of one of the sub-agent tools: a function call in their `multi_agent_v1` namespace.
ToolCall agent_call(std::string call_id, std::string name, nlohmann::json arguments) {
  ToolCall call{std::move(call_id), std::move(name), std::move(arguments)};
  call.tool_namespace = subagents::kNamespace;
  return call;
}
}  // namespace

std::vector<ToolCall> BuiltinAgent::tool_calls(const SamplingRequest& request) {
  std::size_t calls_so_far = 0;
  bool called_this_turn = false, waited_this_turn = false;
  std::string prompt;
  // The sub-agents spawned in this conversation (spawn_agent outputs), and from which message on.
  std::vector<std::pair<std::size_t, std::string>> spawned;
  std::vector<std::string> spawn_calls;
  for (std::size_t i = 0; i < request.conversation.size(); ++i) {
    const auto& message = request.conversation[i];
    const bool this_turn = i >= request.turn_start;
    if (message.role == "function_call" || message.role == "custom_tool_call") {
      ++calls_so_far;
      called_this_turn = called_this_turn || this_turn;
      waited_this_turn = waited_this_turn || (this_turn && message.name == "wait_agent");
      if (message.name == "spawn_agent") spawn_calls.push_back(message.call_id);
    }
    if (message.role == "function_call_output" &&
        std::find(spawn_calls.begin(), spawn_calls.end(), message.call_id) != spawn_calls.end()) {
      const auto out = protocol::parse_or_discard(message.text);
      if (out.is_object() && out.contains("agent_id") && out["agent_id"].is_string())
        spawned.emplace_back(i, out["agent_id"].get<std::string>());
    }
    if (this_turn && message.role == "user" && message.text.rfind("<hook_prompt", 0) != 0 &&
        message.text.rfind("<subagent_notification>", 0) != 0)
      prompt = message.text;
  }
  std::vector<ToolCall> calls;
  if (called_this_turn) {
    // After `!agent` lines: once their sub-agents are spawned, one wait_agent for all of them.
    std::vector<std::string> targets;
    for (const auto& [at, id] : spawned)
      if (at >= request.turn_start) targets.push_back(id);
    if (!targets.empty() && !waited_this_turn)
      calls.push_back(agent_call("call_" + std::to_string(++calls_so_far), "wait_agent",
                                 {{"targets", targets}, {"timeout_ms", 600'000}}));
    return calls;
  }
  // The sub-agent that `!send`, `!wait`, `!close` and `!resume` address: the last one spawned in
  // this conversation.
  const std::string last_agent = spawned.empty() ? "" : spawned.back().second;
  std::istringstream lines(prompt);
  std::optional<std::string> patch;  // inside `*** Begin Patch` … `*** End Patch`
  for (std::string line; std::getline(lines, line);) {
    if (!patch && line == "*** Begin Patch") patch = "";
    if (patch) {
      *patch += line + "\n";
      if (line == "*** End Patch") {
        calls.push_back({"call_" + std::to_string(++calls_so_far), "apply_patch", nullptr, std::move(*patch)});
        patch.reset();
      }
      continue;
    }
    if (line.rfind("!agent ", 0) == 0) {  // a sub-agent with the rest of the line as its task
      calls.push_back(agent_call("call_" + std::to_string(++calls_so_far), "spawn_agent", {{"message", line.substr(7)}}));
      continue;
    }
    if (!last_agent.empty()) {
      const auto next_id = [&] { return "call_" + std::to_string(++calls_so_far); };
      if (line.rfind("!send ", 0) == 0) {
        calls.push_back(agent_call(next_id(), "send_input", {{"target", last_agent}, {"message", line.substr(6)}}));
        continue;
      }
      if (line.rfind("!redirect ", 0) == 0) {  // send_input with interrupt: true
        calls.push_back(agent_call(next_id(), "send_input",
                                   {{"target", last_agent}, {"message", line.substr(10)}, {"interrupt", true}}));
        continue;
      }
      if (line == "!wait" || line == "!close" || line == "!resume") {
        if (line == "!wait") calls.push_back(agent_call(next_id(), "wait_agent", {{"targets", {last_agent}}, {"timeout_ms", 600'000}}));
        if (line == "!close") calls.push_back(agent_call(next_id(), "close_agent", {{"target", last_agent}}));
        if (line == "!resume") calls.push_back(agent_call(next_id(), "resume_agent", {{"id", last_agent}}));
        continue;
      }
    }
    if (line.empty() || line[0] != '!') continue;
    // `!!cmd` asks to run outside the sandbox (sandbox_permissions "require_escalated").
    const bool escalate = line.rfind("!!", 0) == 0;
    const std::string cmd = line.substr(escalate ? 2 : 1);
    if (cmd.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json arguments = {{"cmd", cmd}};
    if (escalate) {
      arguments["sandbox_permissions"] = "require_escalated";
      arguments["justification"] = "Run `" + cmd + "` outside the sandbox?";
    }
    calls.push_back({"call_" + std::to_string(++calls_so_far), "exec_command", std::move(arguments)});
  }
  return calls;
}

std::string BuiltinAgent::compose_reply(const SamplingRequest& request) {
  std::vector<std::string> prompts, hook_prompts, context, notifications;
  std::vector<std::pair<std::string, std::string>> tools;  // what ran ("`cmd`" or "a patch"), output
  for (std::size_t i = request.turn_start; i < request.conversation.size(); ++i) {
    const auto& message = request.conversation[i];
    if (message.role == "developer") {
      context.push_back(message.text);
    } else if (message.role == "user" && message.text.rfind("<subagent_notification>", 0) == 0) {
      notifications.push_back(message.text);
    } else if (message.role == "user") {
      (message.text.rfind("<hook_prompt", 0) == 0 ? hook_prompts : prompts).push_back(message.text);
    } else if (message.role == "function_call" && message.name == "spawn_agent") {
      tools.emplace_back("spawned a sub-agent", "");
    } else if (message.role == "function_call" && message.name == "wait_agent") {
      tools.emplace_back("waited for the sub-agents", "");
    } else if (message.role == "function_call" && message.name == "send_input") {
      tools.emplace_back("sent the sub-agent more input", "");
    } else if (message.role == "function_call" && message.name == "close_agent") {
      tools.emplace_back("closed the sub-agent", "");
    } else if (message.role == "function_call" && message.name == "resume_agent") {
      tools.emplace_back("resumed the sub-agent", "");
    } else if (message.role == "function_call") {
      tools.emplace_back("ran `" + protocol::parse_or_discard(message.text).value("cmd", "") + "`", "");
    } else if (message.role == "custom_tool_call") {
      tools.emplace_back("applied a patch", "");
    } else if ((message.role == "function_call_output" || message.role == "custom_tool_call_output") && !tools.empty()) {
      tools.back().second = message.text;
    }
  }
  std::string reply;
  for (const auto& [command, output] : tools) {
    std::string shown = output.size() > 400 ? output.substr(0, 400) + "…" : output;
    while (!shown.empty() && shown.back() == '\n') shown.pop_back();
    reply += "I " + command + "; it returned:\n" + shown + "\n";
  }
  if (!hook_prompts.empty()) {
    reply += "Continuing because a Stop hook asked me to: " + hook_prompts.back() + "\n";
  } else if (!prompts.empty()) {
    reply += "You said: \"" + prompts.back() + "\"\n";
  } else {
    reply += "I received no prompt.\n";
  }
  for (const auto& n : notifications) reply += "A sub-agent told me: " + n + "\n";
  if (context.empty()) {
    reply += "No hook context reached me in this turn.";
  } else {
    reply += "Hook context I received (" + std::to_string(context.size()) + "):";
    for (const auto& c : context) reply += "\n- " + c;
  }
  return reply;
}

std::vector<std::string> BuiltinAgent::split_deltas(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    current += text[i];
    const bool boundary = text[i] == ' ' || text[i] == '\n';
    if (boundary && current.size() >= 16) {
      out.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

asio::awaitable<SamplingResult> BuiltinAgent::sample(
    SamplingRequest request, std::function<void(const std::string&)> on_delta) {
  SamplingResult result;
  result.tool_calls = tool_calls(request);
  if (!result.tool_calls.empty()) co_return result;  // call the tools first, no text
  result.text = compose_reply(request);
  // Its own counts, as a model would report them: a token per whitespace-separated word (not
  // per byte: a path's length, which differs between machines, must not change the count).
  auto words = [](const std::string& text) {
    std::int64_t n = 0;
    bool in_word = false;
    for (unsigned char c : text) {
      const bool space = std::isspace(c) != 0;
      if (!space && !in_word) ++n;
      in_word = !space;
    }
    return n;
  };
  TokenCounts counts;
  for (const auto& m : request.conversation) counts.input += words(m.text);
  counts.output = words(result.text);
  counts.total = counts.input + counts.output;
  result.usage = counts;
  auto executor = co_await asio::this_coro::executor;
  for (const auto& delta : split_deltas(result.text)) {
    // Yield between deltas so other work on the strand interleaves, as with a real stream.
    co_await asio::post(executor, asio::use_awaitable);
    if (*request.cancelled) {
      result.cancelled = true;
      co_return result;
    }
    on_delta(delta);
  }
  co_return result;
}

}  // namespace appserver
