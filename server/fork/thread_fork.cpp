// thread/fork; see thread_fork.hpp.
#include "server/fork/thread_fork.hpp"

#include "protocol/json_parse.hpp"
#include "protocol/methods.hpp"

namespace appserver {

namespace v2 = protocol::v2;
using protocol::Json;

std::string write_fork_file(const std::string& source_text, const v2::Thread& fork, const std::string& source_id,
                            ThreadLog& out) {
  using protocol::NotificationTraits;
  bool started = false;
  std::size_t pos = 0;
  while (pos < source_text.size()) {
    const auto nl = source_text.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line: not a complete record
    Json record = protocol::parse_or_discard(std::string_view(source_text).substr(pos, nl - pos));
    pos = nl + 1;
    if (!record.is_object() || !record.contains("method") || !record["method"].is_string()) continue;
    const std::string method = record["method"];
    Json params = record.value("params", Json::object());
    if (method == NotificationTraits<v2::ThreadStartedNotification>::method) {
      if (started) continue;
      started = true;
      params = protocol::encode(v2::ThreadStartedNotification{fork});
    } else if (method == NotificationTraits<v2::ThreadNameUpdatedNotification>::method ||
               method == NotificationTraits<v2::ThreadArchivedNotification>::method ||
               method == NotificationTraits<v2::ThreadUnarchivedNotification>::method) {
      continue;
    } else if (params.is_object() && params.value("threadId", "") == source_id) {
      params["threadId"] = fork.id;
    }
    if (!out.append(method, params)) return out.last_error();
  }
  if (!started) return "the thread's file has no thread/started record";
  return "";
}

}  // namespace appserver
