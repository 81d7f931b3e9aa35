// The thread index's writer markers: a live writer's marker is never taken for a dead one's, a
// marker nobody holds is (and is removed once forgotten), and a clean exit leaves nothing.
#include "server/thread_index/writer_markers.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

using namespace appserver;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("markers-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  ~TempDir() { fs::remove_all(path); }
};

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST_CASE("writer markers: live writers are not unfinished, a clean exit removes the marker", "[index]") {
  TempDir dir;
  std::optional<WriterMarkers> first(std::in_place, dir.path / "w");
  CHECK_FALSE(first->unfinished_writers());
  CHECK(entries(dir.path / "w") == 1);
  {
    WriterMarkers second(dir.path / "w");  // the first one is alive (its lock is held)
    CHECK_FALSE(second.unfinished_writers());
    CHECK(entries(dir.path / "w") == 2);
  }
  CHECK(entries(dir.path / "w") == 1);
  first.reset();
  CHECK(entries(dir.path / "w") == 0);
}

TEST_CASE("writer markers: a marker nobody holds is a writer that died, until forgotten", "[index]") {
  TempDir dir;
  fs::create_directories(dir.path / "w");
  std::ofstream(dir.path / "w" / "4242-deadbeefdeadbeef") << "";  // a killed daemon's, lock gone with it
  {
    const int held = ::open((dir.path / "w" / "4343-0123456789abcdef").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    REQUIRE(::flock(held, LOCK_EX) == 0);  // another live daemon's
    WriterMarkers markers(dir.path / "w");
    CHECK(markers.unfinished_writers());
    markers.forget_unfinished();
    CHECK_FALSE(markers.unfinished_writers());
    CHECK_FALSE(fs::exists(dir.path / "w" / "4242-deadbeefdeadbeef"));
    CHECK(fs::exists(dir.path / "w" / "4343-0123456789abcdef"));  // still alive: kept
    ::close(held);
  }
  WriterMarkers next(dir.path / "w");  // 4343 died meanwhile (its lock was closed)
  CHECK(next.unfinished_writers());
}

TEST_CASE("writer markers: a folder that cannot be written means every start-up checks all files", "[index]") {
  if (::geteuid() == 0) {
    // root writes anyway; a file in the folder's place fails for everyone
    TempDir dir;
    fs::create_directories(dir.path);
    std::ofstream(dir.path / "w") << "not a folder";
    WriterMarkers markers(dir.path / "w");
    CHECK(markers.unfinished_writers());
    return;
  }
  TempDir dir;
  fs::create_directories(dir.path / "w");
  fs::permissions(dir.path / "w", fs::perms::owner_read | fs::perms::owner_exec);
  WriterMarkers markers(dir.path / "w");
  CHECK(markers.unfinished_writers());
  fs::permissions(dir.path / "w", fs::perms::owner_all);
}
