// hooks/list: what the engine discovers for each cwd, in the reference's shape.
#include "server/handlers/handlers.hpp"

#include "hooks/hook_config.hpp"
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>

namespace appserver {

namespace v2 = protocol::v2;

namespace {
v2::HooksListEntry entry_for(const std::string& cwd, const hooks::HookSet& set) {
  v2::HooksListEntry entry;
  entry.cwd = cwd;
  for (const auto& handler : set.handlers) entry.hooks.push_back(hooks::to_metadata(handler));
  entry.warnings = set.warnings;
  entry.errors = set.errors;
  return entry;
}
}  // namespace

void Handlers::on_hooks_list(const ConnectionPtr&, v2::HooksListParams params,
                             Reply<v2::HooksListResponse> reply) {
  if (params.threadId) {
    auto thread = ctx_.registry.find(*params.threadId);
    if (!thread) {
      reply.error(protocol::invalid_request("thread not loaded: " + *params.threadId));
      return;
    }
    boost::asio::post(thread->strand(), [thread, reply] {
      reply(v2::HooksListResponse{{entry_for(thread->settings().cwd, thread->hooks())}});
    });
    return;
  }
  std::vector<std::string> cwds = params.cwds.value_or(std::vector<std::string>{});
  if (cwds.empty()) cwds.push_back(ctx_.options.default_cwd.string());
  v2::HooksListResponse response;
  for (const auto& cwd : cwds)
    response.data.push_back(
        entry_for(cwd, ctx_.discover_hooks(cwd, /*bypass_trust=*/false)));
  reply(response);
}

}  // namespace appserver
