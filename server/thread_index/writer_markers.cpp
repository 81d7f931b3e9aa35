// Index writer markers; see writer_markers.hpp.
#include "server/thread_index/writer_markers.hpp"

#include <spdlog/spdlog.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace appserver {

namespace fs = std::filesystem;

namespace {

std::string random_token() {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 4; ++i) {
    unsigned v = rd();
    for (int j = 0; j < 4; ++j, v >>= 4) out += hex[v & 15];
  }
  return std::to_string(::getpid()) + "-" + out;
}

}  // namespace

WriterMarkers::WriterMarkers(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const std::string token = random_token();
  const fs::path tmp = dir_ / ("." + token);
  own_fd_ = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (own_fd_ < 0 || ::flock(own_fd_, LOCK_EX | LOCK_NB) != 0 || ::rename(tmp.c_str(), (dir_ / token).c_str()) != 0) {
    spdlog::warn("thread index: cannot register in {} ({}); every start-up checks all session files", dir_.string(),
                 std::strerror(errno));
    if (own_fd_ >= 0) ::close(own_fd_), ::unlink(tmp.c_str());
    own_fd_ = -1;
    unknown_ = true;
    return;
  }
  own_ = dir_ / token;
  DIR* d = ::opendir(dir_.c_str());
  if (!d) {
    unknown_ = true;
    return;
  }
  while (const dirent* entry = ::readdir(d)) {
    if (entry->d_name[0] == '.') continue;  // ".", "..", a marker being created
    const fs::path path = dir_ / entry->d_name;
    if (path == own_) continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // removed meanwhile: its writer finished
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) stale_.push_back(path);  // nobody holds it: that writer is gone
    ::close(fd);
  }
  ::closedir(d);
}

void WriterMarkers::forget_unfinished() {
  for (const auto& path : stale_) ::unlink(path.c_str());
  stale_.clear();
  unknown_ = own_fd_ < 0;
}

WriterMarkers::~WriterMarkers() {
  if (own_fd_ < 0) return;
  ::unlink(own_.c_str());
  ::close(own_fd_);
}

}  // namespace appserver
