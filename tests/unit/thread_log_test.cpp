// ThreadLog under write failures: a record that cannot be written whole leaves the file as it
// was (no torn line), the error names the file, and appends work again once space returns.
// The fault is real: RLIMIT_FSIZE makes write(2) stop part-way, then fail with EFBIG.
#include "server/threads/thread_store.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

using namespace appserver;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct FileSizeLimit {
  rlimit saved{};
  explicit FileSizeLimit(rlim_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
    ::getrlimit(RLIMIT_FSIZE, &saved);
    rlimit limit = saved;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &saved); }
};
}  // namespace

TEST_CASE("a record that does not fit is cut back, named in the error, and later appends succeed", "[thread_log]") {
  const fs::path dir = fs::temp_directory_path() / ("thread-log-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "t.jsonl";
  std::string before;
  {
    ThreadLog log(file);
    REQUIRE(log.append("thread/started", {{"thread", {{"id", "t"}}}}));
    before = slurp(file);
    {
      FileSizeLimit limit(before.size() + 10);  // the next line is ~60 bytes: a partial write
      CHECK_FALSE(log.append("turn/started", {{"threadId", "t"}, {"turn", {{"id", "turn-1"}, {"pad", std::string(40, 'p')}}}}));
      CHECK(log.last_error() == "failed to write " + file.string() + ": File too large (os error 27)");
      CHECK(slurp(file) == before);  // not a byte of the partial line is left
    }
    REQUIRE(log.append("turn/started", {{"threadId", "t"}}));
  }
  const std::string after = slurp(file);
  CHECK(after == before + R"({"method":"turn/started","params":{"threadId":"t"}})" + "\n");
  // A new writer on the same file appends after the last whole line.
  {
    ThreadLog log(file);
    REQUIRE(log.append("x", nlohmann::json::object()));
  }
  CHECK(slurp(file) == after + R"({"method":"x","params":{}})" + "\n");
  fs::remove_all(dir);
}

TEST_CASE("a torn last line left by a killed writer is ended before the next record", "[thread_log]") {
  const fs::path dir = fs::temp_directory_path() / ("thread-log-torn-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "t.jsonl";
  std::ofstream(file) << R"({"method":"a","params":{}})" << "\n" << R"({"method":"b","par)";
  {
    ThreadLog log(file);
    REQUIRE(log.append("c", nlohmann::json::object()));
  }
  CHECK(slurp(file) == std::string(R"({"method":"a","params":{}})") + "\n" + R"({"method":"b","par)" + "\n" +
                           R"({"method":"c","params":{}})" + "\n");
  fs::remove_all(dir);
}
