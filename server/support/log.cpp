// spdlog stderr setup; see log.hpp.
#include "server/support/log.hpp"

#include "server/support/stderr_sink.hpp"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace appserver {

void init_logging(const std::string& level) {
  // A pipe that nobody reads must not block the io thread (see stderr_sink.hpp).
  spdlog::sink_ptr sink;
  if (stderr_is_pipe()) sink = std::make_shared<NonBlockingStderrSink>();
  else sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("app-server", sink);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") parsed = spdlog::level::info;
  spdlog::set_level(parsed);
  spdlog::cfg::load_env_levels();
  spdlog::flush_on(spdlog::level::warn);
}

}  // namespace appserver
