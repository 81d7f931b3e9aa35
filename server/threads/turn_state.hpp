// The state of the running turn, shared by turn_runner.cpp and tool_runner.cpp. Touched only on
// the thread's strand.
#pragma once

#include <deque>

#include "server/apply_patch/turn_diff.hpp"
#include "server/threads/live_thread.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace appserver {

struct LiveThread::TurnState {
  v2::Turn turn;
  std::shared_ptr<hooks::RunningCommand> running_command;  // the tool command, while it runs
  std::vector<std::shared_ptr<hooks::RunningCommand>> user_shells;  // thread/shellCommand runs
  bool user_shell_only = false;  // a turn made for one thread/shellCommand (no model, no steer)
  std::function<void(std::string)> resolve_approval;       // while waiting for a client's decision
  std::function<void()> cancel_wait;                       // while wait_agent waits for sub-agents
  bool interrupted = false;              // by turn/interrupt, or by a failed history write
  std::optional<std::string> storage_error;  // set with `interrupted` when a write failed
  std::optional<TokenCounts> pending_usage;  // the last model response's, until its tool calls ran
  std::optional<Reply<v2::TurnInterruptResponse>> interrupt_reply;
  std::shared_ptr<bool> agent_cancelled = std::make_shared<bool>(false);
  std::vector<v2::UserInput> input;
  std::optional<std::string> client_message_id;
  std::int64_t started_ms = 0;
  std::size_t conversation_start = 0;
  std::optional<std::string> last_assistant_message;
  std::optional<apply_patch::TurnDiff> diff;  // from the turn's first applied patch on
  /// turn/steer input not yet seen by the model, oldest first: each joins the turn (its
  /// UserPromptSubmit, then its userMessage item) before the next model request.
  struct Steer {
    std::vector<v2::UserInput> input;
    std::optional<std::string> client_message_id;
  };
  std::deque<Steer> steers;
};

/// The text of a turn's input: its text items joined by newlines.
std::string prompt_text(const std::vector<v2::UserInput>& input);

}  // namespace appserver
