// End-to-end: the history folder on a full or read-only file system (a real tmpfs mounted over
// <home>/sessions; needs root, as CI has). The client hears every failed write, nothing is
// claimed that was not stored, nothing stored is lost, and the thread goes on once the disk
// is writable again. Ephemeral threads write nothing at all.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/mount.h>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

const char* kDiskFaultHooks = R"({"hooks":{
  "SessionStart":[{"hooks":[{"type":"command","command":"sh $FIXTURES/session_context.sh"}]}],
  "UserPromptSubmit":[{"hooks":[{"type":"command","command":"sh $FIXTURES/ups_context.sh"}]}],
  "Stop":[{"hooks":[{"type":"command","command":"cat >/dev/null; echo '{\"systemMessage\":\"stop checked\"}'"}]}]}})";

/// A small tmpfs over `dir` for the test's lifetime.
struct SmallFs {
  explicit SmallFs(const fs::path& dir) : dir(dir) {
    fs::create_directories(dir);
    mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=512k,mode=0700") == 0;
  }
  ~SmallFs() {
    if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
  }
  /// Fills the file system up to the last byte.
  void fill() {
    std::FILE* f = std::fopen((dir / "filler").c_str(), "w");
    REQUIRE(f);
    std::setvbuf(f, nullptr, _IONBF, 0);
    const std::string block(4096, 'x');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
    }
    while (std::fwrite("x", 1, 1, f) == 1) {
    }
    std::fclose(f);
  }
  void free_space() { fs::remove(dir / "filler"); }
  bool remount(bool read_only) {
    return ::mount("tmpfs", dir.c_str(), "tmpfs", MS_REMOUNT | (read_only ? MS_RDONLY : 0), "size=512k") == 0;
  }
  fs::path dir;
  bool mounted = false;
};

Json read_turns(Daemon& daemon, const std::string& thread) {
  Json response = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", true}});
  REQUIRE(response.contains("result"));
  return response["result"]["thread"]["turns"];
}

/// What the client was told about one turn.
struct Told {
  std::string id;
  std::string status;
  Json hook_runs;
};

Told told(const std::vector<Json>& messages) {
  Json turn = find(messages, "turn/completed")["turn"];
  return {turn["id"], turn["status"], turn["hookRuns"]};
}

/// Every turn the client saw complete is stored, completed, with the same hookRuns.
void check_nothing_lost(const Json& stored, const std::vector<Told>& turns) {
  for (const auto& t : turns) {
    if (t.status != "completed") continue;
    INFO("turn " << t.id);
    auto it = std::find_if(stored.begin(), stored.end(), [&](const Json& s) { return s["id"] == t.id; });
    REQUIRE(it != stored.end());
    CHECK((*it)["status"] == "completed");
    CHECK((*it)["hookRuns"] == t.hook_runs);
  }
}

}  // namespace

TEST_CASE("on a full disk a turn fails with an error naming the file, and the thread goes on once space returns", "[e2e][ws][disk]") {
  TempHome home;
  home.write_hooks(kDiskFaultHooks);
  SmallFs disk(home.home / "sessions");
  if (!disk.mounted) {
    WARN("cannot mount a tmpfs here (not root?): the full-disk test did not run");
    return;
  }
  std::vector<Told> turns;
  std::string thread, file;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    file = (home.home / "sessions" / (thread + ".jsonl")).string();
    turns.push_back(told(run_turn(daemon, thread, "before the disk fills")));
    CHECK(turns.back().status == "completed");

    disk.fill();
    for (int i = 0; i < 3; ++i) {  // the first write fails in one turn, then whole turns do
      // Longer than a page: tmpfs pages are whole, and the thread file's last page may hold a
      // short turn's records in its slack (the filler cannot take that space).
      auto messages = run_turn(daemon, thread, "while the disk is full " + std::to_string(i) + " " +
                                                   std::string(5000, 'x'));
      turns.push_back(told(messages));
      CHECK(turns.back().status == "failed");
      Json error = find(messages, "error");
      CHECK(error["threadId"] == thread);
      CHECK(error["turnId"] == turns.back().id);
      CHECK(error["willRetry"] == false);
      const std::string text = error["error"]["message"];
      CHECK(text == "failed to write " + file +
                        ": No space left on device (os error 28); the turn was stopped and is not fully stored");
      Json completed = find(messages, "turn/completed")["turn"];
      CHECK(completed["error"]["message"] == text);
    }
    // thread/start cannot create a thread either, and says why.
    Json refused = daemon.request("thread/start", {{"cwd", home.workspace.string()}});
    REQUIRE(refused.contains("error"));
    CHECK(refused["error"]["message"].get<std::string>().find("No space left on device") != std::string::npos);

    disk.free_space();
    turns.push_back(told(run_turn(daemon, thread, "after space came back")));
    CHECK(turns.back().status == "completed");
    CHECK(daemon.close() == 0);
  }
  Daemon daemon(home);
  daemon.initialize();
  Json stored = read_turns(daemon, thread);
  check_nothing_lost(stored, turns);
  CHECK(stored.front()["id"] == turns.front().id);
  CHECK(stored.back()["id"] == turns.back().id);
  // Every line of the file is whole: a partial write was cut back, never left torn.
  std::ifstream in(file);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines) CHECK(Json::accept(line));
  CHECK(lines > 0);
  CHECK(daemon.close() == 0);
}

TEST_CASE("on a read-only file system stored threads can be read, writes are refused with the reason, and all resumes once writable", "[e2e][ws][disk]") {
  TempHome home;
  home.write_hooks(kDiskFaultHooks);
  SmallFs disk(home.home / "sessions");
  if (!disk.mounted) {
    WARN("cannot mount a tmpfs here (not root?): the read-only test did not run");
    return;
  }
  std::string thread;
  std::vector<Told> turns;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    turns.push_back(told(run_turn(daemon, thread, "first")));
    CHECK(daemon.close() == 0);
  }
  // (A mounted file system with a file open for writing cannot be made read-only, so the
  // daemon meets it read-only at its next start.)
  REQUIRE(disk.remount(/*read_only=*/true));
  {
    Daemon daemon(home);
    daemon.initialize();
    check_nothing_lost(read_turns(daemon, thread), turns);
    Json resumed = daemon.request("thread/resume", {{"threadId", thread}});
    REQUIRE(resumed.contains("error"));
    CHECK(resumed["error"]["message"].get<std::string>().find("Read-only file system") != std::string::npos);
    Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()}});
    REQUIRE(started.contains("error"));
    CHECK(started["error"]["message"].get<std::string>().find("Read-only file system") != std::string::npos);
    CHECK(daemon.close() == 0);
  }
  REQUIRE(disk.remount(/*read_only=*/false));
  Daemon daemon(home);
  daemon.initialize();
  REQUIRE(daemon.request("thread/resume", {{"threadId", thread}}).contains("result"));
  turns.push_back(told(run_turn(daemon, thread, "writable again")));
  CHECK(turns.back().status == "completed");
  check_nothing_lost(read_turns(daemon, thread), turns);
  CHECK(daemon.close() == 0);
}

TEST_CASE("an ephemeral thread runs turns and leaves no file", "[e2e][persistence]") {
  TempHome home;
  home.write_hooks(kDiskFaultHooks);
  Daemon daemon(home);
  daemon.initialize();
  Json started = daemon.request("thread/start", {{"cwd", home.workspace.string()}, {"ephemeral", true}});
  REQUIRE(started.contains("result"));
  Json thread = started["result"]["thread"];
  CHECK(thread["ephemeral"] == true);
  CHECK(thread["path"].is_null());
  daemon.until("thread/started");
  auto messages = run_turn(daemon, thread["id"], "nothing of this is written");
  CHECK(find(messages, "turn/completed")["turn"]["status"] == "completed");
  Json read = read_turns(daemon, thread["id"]);
  CHECK(read.size() == 1);
  Json list = daemon.request("thread/list", Json::object());
  CHECK(list["result"]["data"] == Json::array());
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(home.home / "sessions")) files += entry.is_regular_file();
  CHECK(files == 0);
  CHECK(daemon.close() == 0);
  // SessionEnd ran at shutdown; still nothing was written.
  files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(home.home / "sessions")) files += entry.is_regular_file();
  CHECK(files == 0);
}
