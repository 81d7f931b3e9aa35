// config/batchWrite: edits of the user's config.toml (what the Codex TUI's hook review sends to
// trust hooks). Loaded threads then discover their hooks again, so trust, `enabled = false`
// and new hooks apply from the next event on.
#include "server/handlers/handlers.hpp"

#include "server/config/config_edit.hpp"
#include "server/threads/live_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <mutex>

namespace appserver {

namespace v2 = protocol::v2;

void Handlers::on_config_batch_write(const ConnectionPtr&, v2::ConfigBatchWriteParams params,
                                     Reply<v2::ConfigWriteResponse> reply) {
  const std::filesystem::path user_config = ctx_.options.home / "config.toml";
  if (params.filePath && std::filesystem::path(*params.filePath).lexically_normal() != user_config)
    return reply.error(protocol::invalid_params("params.filePath: only the user config " + user_config.string() +
                                                " can be written"));
  std::vector<ConfigEditOp> edits;
  for (const auto& edit : params.edits)
    edits.push_back({edit.keyPath, edit.value, edit.mergeStrategy == v2::MergeStrategy::upsert});
  static std::mutex write_mutex;  // one writer of config.toml at a time
  ConfigWriteResult written;
  try {
    std::lock_guard lock(write_mutex);
    written = write_config(user_config, edits, params.expectedVersion);
  } catch (const ConfigWriteError& e) {
    return reply.error(protocol::invalid_request(e.what()));
  }
  spdlog::info("config/batchWrite: {} edit(s) written to {}", edits.size(), written.file.string());
  for (const auto& thread : ctx_.registry.all())
    boost::asio::post(thread->strand(), [thread] { thread->reload_hooks(); });
  reply(v2::ConfigWriteResponse{v2::WriteStatus::ok, written.version, written.file.string(), std::nullopt});
}

}  // namespace appserver
