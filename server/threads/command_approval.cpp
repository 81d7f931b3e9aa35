// The approval of the agent's commands: PermissionRequest hooks first, then the subscribed
// clients (item/commandExecution/requestApproval, or any approval request). Which commands need
// one is server/approvals/exec_approval.hpp's decision; this file asks.
#include "server/threads/turn_state.hpp"

#include "hooks/hook_input.hpp"
#include "server/threads/tool_texts.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace appserver {

namespace asio = boost::asio;
using hooks::HookEventName;

asio::awaitable<bool> LiveThread::approve_command(TurnState& turn, const ToolCall& call, v2::CommandExecutionItem& item,
                                                   bool& started, std::optional<std::string> reason, bool retry) {
  // acceptForSession: this exact command runs without asking again in this thread.
  if (session_approved_commands_.contains(item.command)) co_return true;
  protocol::Json tool_input = {{"command", item.command}};
  if (reason && !retry) tool_input["description"] = *reason;  // the model's justification, as the reference
  hooks::HookInvocation invocation{
      HookEventName::permissionRequest, std::string(kShellToolName),
      [&] { return hooks::permission_request_input(hook_context(turn), kShellToolName, tool_input); }, "",
      ":" + call.call_id};
  auto verdict = co_await run_event(turn, std::move(invocation));
  if (turn.interrupted) co_return false;
  if (verdict.verdict == std::optional<std::string>("allow")) co_return true;
  if (verdict.verdict == std::optional<std::string>("deny")) {
    if (retry) co_return false;  // the failed sandboxed run stands
    if (started) {
      item.status = v2::CommandExecutionStatus::declined;
      emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
    }
    record_tool_output(turn, call, denied_command_output(verdict.block_reason));
    co_return false;
  }
  // The reference's order: waiting on approval, then the command item, then the request.
  emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{{v2::ThreadActiveFlag::waitingOnApproval}}});
  if (!std::exchange(started, true)) emit(v2::ItemStartedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms()});
  const std::string decision = co_await request_approval(turn, item, std::move(reason));
  if (turn.interrupted) co_return false;
  emit(v2::ThreadStatusChangedNotification{id_, v2::ThreadStatusActive{}});
  if (decision == "acceptForSession") session_approved_commands_.insert(item.command);
  if (decision == "accept" || decision == "acceptForSession") co_return true;
  if (decision == "cancel") turn.interrupted = true;  // cancel stops the turn
  if (retry && decision != "cancel") co_return false;
  item.status = v2::CommandExecutionStatus::declined;
  emit(v2::ItemCompletedNotification{item, id_, turn.turn.id, ctx_.clock->now_ms(), std::nullopt});
  record_tool_output(turn, call, denied_command_output("rejected by user"));
  co_return false;
}

bool LiveThread::approval_required() const {
  return !(settings_.approval_policy.is_string() && settings_.approval_policy == "never");
}

asio::awaitable<std::string> LiveThread::request_approval(TurnState& turn, const v2::CommandExecutionItem& item,
                                                          std::optional<std::string> reason) {
  v2::CommandExecutionRequestApprovalParams params{id_, turn.turn.id, item.id, ctx_.clock->now_ms(),
                                                   item.command, item.cwd, item.commandActions, std::move(reason)};
  params.availableDecisions = protocol::Json::array({"accept", "acceptForSession", "decline", "cancel"});
  co_return co_await request_approval(turn, "item/commandExecution/requestApproval", protocol::encode(params),
                                      "`" + item.command + "`");
}

asio::awaitable<std::string> LiveThread::request_approval(TurnState& turn, std::string_view method,
                                                          protocol::Json json, std::string what) {
  const std::int64_t request_id = ctx_.pending.next_id();
  std::vector<ConnectionPtr> clients;
  for (const auto& weak : subscribers_)
    if (auto c = weak.lock()) clients.push_back(c);
  if (clients.empty()) {
    spdlog::warn("thread {}: no client to ask for approval of {}; declining", id_, what);
    co_return "decline";
  }
  std::string decision = co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::string)>(
      [&](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto done = std::make_shared<bool>(false);
        // Resume the coroutine from the strand's queue, never from inside the caller (the
        // caller may be this very std::function, which the coroutine then clears).
        turn.resolve_approval = [shared, done, strand = strand_](std::string answer) {
          if (std::exchange(*done, true)) return;
          boost::asio::post(strand, [shared, answer = std::move(answer)]() mutable { (*shared)(std::move(answer)); });
        };
        auto self = shared_from_this();
        TurnState* state = &turn;
        for (const auto& client : clients) {
          ctx_.pending.add(client->id(), request_id,
                           [self, state, done](const protocol::Json& result, const protocol::RpcError* error) {
                             std::string answer = "decline";
                             if (!error && result.is_object()) {
                               const auto& d = result.value("decision", protocol::Json());
                               if (d.is_string()) answer = d.get<std::string>();
                               else if (d.is_object() && d.contains("acceptWithExecpolicyAmendment")) answer = "accept";
                             }
                             boost::asio::post(self->strand_, [self, state, done, answer] {
                               if (!*done && self->active_turn_.get() == state && state->resolve_approval)
                                 state->resolve_approval(answer);
                             });
                           });
          ctx_.outgoing.request(client, request_id, method, json);
        }
      },
      asio::use_awaitable);
  turn.resolve_approval = nullptr;
  ctx_.pending.withdraw(request_id);
  emit(v2::ServerRequestResolvedNotification{id_, request_id});
  co_return decision;
}

}  // namespace appserver
