// JSONL thread files; see thread_store.hpp.
#include "server/threads/thread_store.hpp"

#include "protocol/json_parse.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace appserver {

namespace fs = std::filesystem;
using protocol::Json;

ThreadLog::ThreadLog(fs::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path_.string());
  // One writer per thread file, also across processes (two daemons on one home): an advisory
  // lock held while the log is open. LOCK_NB: the io thread never waits for it.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw ThreadInUse("thread file " + path_.string() + " is open in another app-server process on this home");
    throw std::system_error(err, std::generic_category(), "lock " + path_.string());
  }
  // A killed writer may have left a torn last line; end it so the next record starts on a
  // line of its own (load() then skips only the torn fragment).
  char last = '\n';
  size_ = ::lseek(fd_, 0, SEEK_END);
  if (size_ < 0) size_ = 0;
  if (size_ > 0 && ::pread(fd_, &last, 1, size_ - 1) == 1 && last != '\n') torn_ = true;
}

ThreadLog::~ThreadLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool ThreadLog::append(std::string_view method, const Json& params) {
  return append_text(method, params.dump(-1, ' ', false, Json::error_handler_t::replace));
}

bool ThreadLog::append_text(std::string_view method, std::string_view params_text) {
  // Key order as nlohmann writes it: method, params. One write(2) for the whole line.
  std::string line = "{\"method\":" + Json(method).dump() + ",\"params\":";
  line.append(params_text);
  line += "}\n";
  if (torn_) {
    // An earlier fragment (a killed writer, or a failed cut-back) still ends the file.
    if (!write_all("\n")) return false;
    torn_ = false;
    size_ = ::lseek(fd_, 0, SEEK_END);
  }
  return write_all(line);
}

bool ThreadLog::write_all(std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      last_error_ = "failed to write " + path_.string() + ": " + std::strerror(err) + " (os error " +
                    std::to_string(err) + ")";
      spdlog::error("{}", last_error_);
      if (written > 0 && ::ftruncate(fd_, size_) != 0) {
        torn_ = true;  // the fragment stays; the next record starts on a line of its own
        spdlog::error("cannot cut back the partial line in {}: {}", path_.string(), std::strerror(errno));
      }
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  size_ += static_cast<off_t>(bytes.size());
  return true;
}

namespace {
// The whole file in one read (a thread file is read once per load; istreambuf_iterator
// costs a few instructions per byte).
bool read_file(const fs::path& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return n == 0;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}
}  // namespace

ThreadStore::ThreadStore(fs::path sessions_dir) : dir_(std::move(sessions_dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) spdlog::error("cannot create {}: {}", dir_.string(), ec.message());
}

bool ThreadStore::valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
}

fs::path ThreadStore::path_for(std::string_view id) const {
  return dir_ / (std::string(id) + ".jsonl");
}

bool ThreadStore::exists(std::string_view id) const {
  std::error_code ec;
  return valid_id(id) && fs::is_regular_file(path_for(id), ec);
}

std::unique_ptr<ThreadLog> ThreadStore::open_log(std::string_view id) const {
  return std::make_unique<ThreadLog>(path_for(id));
}

std::optional<LoadedThread> ThreadStore::load(std::string_view id) const {
  if (!exists(id)) return std::nullopt;
  const fs::path path = path_for(id);
  std::string content;
  if (!read_file(path, content)) return std::nullopt;

  return replay_thread_file(content, path.string());
}

std::optional<LoadedThread> replay_thread_file(std::string_view content, const std::string& name) {
  LoadedThread loaded;
  std::size_t line_number = 0, pos = 0;
  while (pos < content.size()) {
    ++line_number;
    std::size_t end = content.find('\n', pos);
    const bool torn = end == std::string::npos;
    std::string_view line(content.data() + pos, (torn ? content.size() : end) - pos);
    pos = torn ? content.size() : end + 1;
    if (line.empty()) continue;
    auto warn = [&](const std::string& why) {
      loaded.warnings.push_back(name + ":" + std::to_string(line_number) + ": " + why);
      spdlog::warn("{}", loaded.warnings.back());
    };
    Json record = protocol::parse_or_discard(line);
    if (record.is_discarded() || !record.is_object() || !record.contains("method") ||
        !record["method"].is_string()) {
      warn(torn ? "skipping torn last line (the writer stopped mid-line)"
                : "skipping unreadable line");
      continue;
    }
    try {
      static const Json kNoParams = Json::object();
      auto params = record.find("params");
      loaded.history.apply(record["method"].get_ref<const std::string&>(),
                           params == record.end() ? kNoParams : *params);
    } catch (const std::exception& e) {  // DecodeError, or a member of the wrong JSON type
      warn(std::string("skipping malformed record: ") + e.what());
    }
  }
  if (!loaded.history.has_thread()) return std::nullopt;
  loaded.history.finish_replay();
  return loaded;
}

std::vector<protocol::v2::Thread> ThreadStore::list() const {
  std::vector<protocol::v2::Thread> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    auto loaded = load(entry.path().stem().string());
    if (!loaded) continue;
    protocol::v2::Thread thread = loaded->history.thread();
    thread.turns.clear();
    thread.status = protocol::v2::ThreadStatusNotLoaded{};
    out.push_back(std::move(thread));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.updatedAt != b.updatedAt ? a.updatedAt > b.updatedAt : a.id > b.id;
  });
  return out;
}

}  // namespace appserver
