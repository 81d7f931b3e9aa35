// The thread history reducer; see thread_history.hpp.
#include "server/threads/thread_history.hpp"

#include "protocol/methods.hpp"

#include <algorithm>

namespace appserver {

namespace v2 = protocol::v2;
using protocol::decode_as;
using protocol::NotificationTraits;

namespace {
// What the reducer takes from a stored turn/completed. Its `items` and `hookRuns` repeat
// records already folded, so they are not decoded (half the bytes of a long thread's file).
struct TurnEnd {
  std::string id;
  v2::TurnStatus status = v2::TurnStatus::inProgress;
  std::optional<v2::TurnError> error;
  std::optional<std::int64_t> startedAt;
  std::optional<std::int64_t> completedAt;
  std::optional<std::int64_t> durationMs;
};
PROTOCOL_STRUCT(TurnEnd, (id, status, error, startedAt, completedAt, durationMs))
struct StoredTurnCompleted {
  TurnEnd turn;
};
PROTOCOL_STRUCT(StoredTurnCompleted, (turn))
}  // namespace

v2::Turn* ThreadHistory::find_turn(const std::string& id) {
  for (auto it = thread_.turns.rbegin(); it != thread_.turns.rend(); ++it)
    if (it->id == id) return &*it;
  return nullptr;
}

void ThreadHistory::touch(std::int64_t at_sec) {
  thread_.updatedAt = std::max(thread_.updatedAt, at_sec);
}

void ThreadHistory::apply(std::string_view method, const protocol::Json& params) {
  if (method == NotificationTraits<v2::ThreadStartedNotification>::method) {
    auto n = decode_as<v2::ThreadStartedNotification>(params, "params");
    thread_ = std::move(n.thread);
    thread_.turns.clear();
    turn_message_start_.clear();
    has_thread_ = true;
  } else if (method == NotificationTraits<v2::TurnStartedNotification>::method) {
    auto n = decode_as<v2::TurnStartedNotification>(params, "params");
    n.turn.items.clear();
    n.turn.hookRuns.clear();
    n.turn.itemsView = v2::TurnItemsView::full;
    if (n.turn.startedAt) touch(*n.turn.startedAt);
    thread_.turns.push_back(std::move(n.turn));
    turn_message_start_.push_back(model_messages_.size());
  } else if (method == NotificationTraits<v2::ItemCompletedNotification>::method) {
    auto n = decode_as<v2::ItemCompletedNotification>(params, "params");
    if (auto* user = std::get_if<v2::UserMessageItem>(&n.item)) {
      std::string text;
      for (const auto& input : user->content)
        if (auto* t = std::get_if<v2::TextUserInput>(&input)) text += t->text;
      if (thread_.preview.empty()) thread_.preview = text;
      model_messages_.push_back({"user", text});
    } else if (auto* agent = std::get_if<v2::AgentMessageItem>(&n.item)) {
      model_messages_.push_back({"assistant", agent->text});
    } else if (auto* prompt = std::get_if<v2::HookPromptItem>(&n.item)) {
      for (const auto& fragment : prompt->fragments)
        model_messages_.push_back({"user", "<hook_prompt hook_run_id=\"" + fragment.hookRunId +
                                               "\">" + fragment.text + "</hook_prompt>"});
    }
    if (auto* turn = find_turn(n.turnId)) {
      const auto& id = v2::item_id(n.item);
      for (auto& existing : turn->items) {
        if (v2::item_id(existing) == id) {
          existing = std::move(n.item);
          return;
        }
      }
      turn->items.push_back(std::move(n.item));
    }
  } else if (method == NotificationTraits<v2::HookCompletedNotification>::method) {
    auto n = decode_as<v2::HookCompletedNotification>(params, "params");
    // Runs outside a turn (SessionEnd) are notifications only; they belong to no turn.
    if (v2::Turn* turn = n.turnId ? find_turn(*n.turnId) : nullptr) turn->hookRuns.push_back(std::move(n.run));
  } else if (method == NotificationTraits<v2::TurnCompletedNotification>::method) {
    auto n = decode_as<StoredTurnCompleted>(params, "params");
    if (auto* turn = find_turn(n.turn.id)) {
      turn->status = n.turn.status;
      turn->error = n.turn.error;
      turn->startedAt = n.turn.startedAt;
      turn->completedAt = n.turn.completedAt;
      turn->durationMs = n.turn.durationMs;
      if (n.turn.completedAt) touch(*n.turn.completedAt);
    }
  } else if (method == NotificationTraits<v2::ThreadNameUpdatedNotification>::method) {
    thread_.name = decode_as<v2::ThreadNameUpdatedNotification>(params, "params").threadName;
  } else if (method == NotificationTraits<v2::ThreadArchivedNotification>::method) {
    archived_ = true;
  } else if (method == NotificationTraits<v2::ThreadTokenUsageUpdatedNotification>::method) {
    token_usage_ = decode_as<v2::ThreadTokenUsageUpdatedNotification>(params, "params");
  } else if (method == NotificationTraits<v2::ThreadUnarchivedNotification>::method) {
    archived_ = false;
  } else if (method == kFunctionCallRecord && params.is_object() && params.value("toolSearch", false)) {
    model_messages_.push_back({"tool_search_call", params.value("arguments", protocol::Json::object()).dump(),
                               params.value("callId", ""), ""});
  } else if (method == kFunctionCallOutputRecord && params.is_object() && params.value("toolSearch", false)) {
    model_messages_.push_back({"tool_search_output", params.value("tools", protocol::Json::array()).dump(),
                               params.value("callId", ""), ""});
  } else if (method == kFunctionCallRecord) {
    if (!params.is_object() || !params.contains("callId") || !params.contains("name"))
      throw protocol::DecodeError("params.callId: missing field");
    if (auto input = params.find("input"); input != params.end() && input->is_string())
      model_messages_.push_back({"custom_tool_call", input->get<std::string>(), params["callId"].get<std::string>(),
                                 params["name"].get<std::string>()});
    else
      model_messages_.push_back({"function_call",
                                 params.contains("argumentsText") && params["argumentsText"].is_string()
                                     ? params["argumentsText"].get<std::string>()
                                     : params.value("arguments", protocol::Json::object()).dump(),
                                 params["callId"].get<std::string>(), params["name"].get<std::string>(),
                                 params.value("namespace", "")});
  } else if (method == kFunctionCallOutputRecord) {
    if (!params.is_object() || !params.contains("callId") || !params.contains("output"))
      throw protocol::DecodeError("params.output: missing field");
    const auto custom = params.find("custom");
    const bool freeform = custom != params.end() && custom->is_boolean() && custom->get<bool>();
    model_messages_.push_back({freeform ? "custom_tool_call_output" : "function_call_output",
                               params["output"].get<std::string>(), params["callId"].get<std::string>(), ""});
  } else if (method == kCompactionRecord) {
    if (!params.is_object() || !params.contains("summary") || !params["summary"].is_string())
      throw protocol::DecodeError("params.summary: expected string");
    model_messages_ = {{"user", params["summary"].get<std::string>()}};
    for (auto& start : turn_message_start_) start = std::min<std::size_t>(start, model_messages_.size());
  } else if (method == kRevertRecord) {
    if (!params.is_object() || !params.contains("beforeTurnId") || !params["beforeTurnId"].is_string())
      throw protocol::DecodeError("params.beforeTurnId: expected string");
    const std::string before = params["beforeTurnId"].get<std::string>();
    for (std::size_t i = 0; i < thread_.turns.size(); ++i)
      if (thread_.turns[i].id == before) {
        model_messages_.resize(std::min(model_messages_.size(), turn_message_start_[i]));
        thread_.turns.resize(i);
        turn_message_start_.resize(i);
        break;
      }
  } else if (method == kDeveloperMessageRecord || method == kUserContextRecord) {
    if (!params.is_object() || !params.contains("text") || !params["text"].is_string())
      throw protocol::DecodeError("params.text: expected string");
    model_messages_.push_back({method == kUserContextRecord ? "user" : "developer", params["text"].get<std::string>()});
  }
}

protocol::Json stored_turn_completed(protocol::Json params) {
  auto turn = params.find("turn");
  if (turn != params.end() && turn->is_object()) {
    (*turn)["items"] = protocol::Json::array();
    (*turn)["hookRuns"] = protocol::Json::array();
    (*turn)["itemsView"] = "notLoaded";
  }
  return params;
}

std::string compaction_summary(const std::vector<ModelMessage>& conversation) {
  auto shorten = [](const std::string& text) {
    constexpr std::size_t kMax = 400;
    return text.size() <= kMax ? text : text.substr(0, kMax) + "…";
  };
  std::string asked, context, tools, last_reply;
  std::size_t calls = 0;
  for (const auto& m : conversation) {
    if (m.role == "user") asked += "- " + shorten(m.text) + "\n";
    else if (m.role == "developer") context += "- " + shorten(m.text) + "\n";
    else if (m.role == "function_call" || m.role == "custom_tool_call") {
      ++calls;
      tools += "- " + m.name + " " + shorten(m.text) + "\n";
    }
    else if (m.role == "assistant") last_reply = m.text;
  }
  std::string out =
      "Another language model started to solve this problem and produced a summary of its thinking "
      "process. Use it to build on the work that has already been done.\n\n";
  out += "User requests so far:\n" + (asked.empty() ? std::string("- (none)\n") : asked);
  if (!context.empty()) out += "\nContext provided by hooks:\n" + context;
  if (calls > 0) out += "\nTool calls made (" + std::to_string(calls) + "):\n" + tools;
  if (!last_reply.empty()) out += "\nLast assistant reply:\n" + shorten(last_reply) + "\n";
  return out;
}

bool ThreadHistory::has_turn(const std::string& turn_id) const {
  return std::any_of(thread_.turns.begin(), thread_.turns.end(), [&](const auto& t) { return t.id == turn_id; });
}

void ThreadHistory::finish_replay() {
  for (auto& turn : thread_.turns) {
    if (turn.status == v2::TurnStatus::inProgress) {
      turn.status = v2::TurnStatus::interrupted;
      turn.error = v2::TurnError{"the server stopped before this turn completed", std::nullopt};
    }
  }
}

}  // namespace appserver
