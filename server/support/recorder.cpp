// Session recorder; see recorder.hpp.
#include "server/support/recorder.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace appserver {

Recorder::Recorder(const std::filesystem::path& path, const Clock& clock) : clock_(clock) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "--record " + path.string());
}

Recorder::~Recorder() {
  if (fd_ >= 0) ::close(fd_);
}

void Recorder::record(std::uint64_t connection, bool incoming, std::string_view text) {
  if (failed_) return;
  std::string line = "{\"ts\":" + std::to_string(clock_.now_ms()) +
                     ",\"conn\":" + std::to_string(connection) + ",\"dir\":\"" +
                     (incoming ? "in" : "out") + "\",\"message\":";
  if (nlohmann::json::accept(text)) {
    line.append(text);
  } else {
    line += nlohmann::json{{"raw", std::string(text)}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  line += "}\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    failed_ = true;
    spdlog::error("--record: write failed ({}); recording stopped", std::strerror(errno));
  }
}

}  // namespace appserver
