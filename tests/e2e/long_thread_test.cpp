// End-to-end: a long stored thread (thousands of turns, megabytes of history) is read, resumed
// and forked on the file worker, so every other client is answered while its file is parsed.
#include "daemon_process.hpp"
#include "liveness_probe.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace e2e;

namespace {

/// Appends `copies` copies of every turn in the thread file `file` (each copy with its own
/// turn and item ids, as a long session would have them); returns the file's size in bytes.
std::uintmax_t grow_thread_file(const std::filesystem::path& file, int copies) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> lines;
  std::vector<std::string> ids;  // turn and item ids to rename in each copy
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    Json record = Json::parse(line);
    const Json& params = record["params"];
    if (record["method"] == "turn/started") ids.push_back(params["turn"]["id"]);
    if (params.contains("item") && params["item"].contains("id")) ids.push_back(params["item"]["id"]);
    lines.push_back(line);
  }
  in.close();
  REQUIRE(lines.size() > 1);
  std::ofstream out(file, std::ios::binary | std::ios::app);
  for (int copy = 0; copy < copies; ++copy)
    for (std::size_t i = 1; i < lines.size(); ++i) {  // lines[0] is thread/started
      std::string line = lines[i];
      for (const auto& id : ids) {
        const std::string renamed = id + "-" + std::to_string(copy);
        for (auto at = line.find(id); at != std::string::npos; at = line.find(id, at + renamed.size()))
          line.replace(at, id.size(), renamed);
      }
      out << line << '\n';
    }
  out.close();
  return std::filesystem::file_size(file);
}

}  // namespace

TEST_CASE("a second client is answered within 1 s while a long thread is read, resumed and forked", "[e2e][ws][liveness]") {
  TempHome home;
  std::string thread;
  {
    Daemon daemon(home);
    daemon.initialize();
    thread = start_thread(daemon, home);
    run_turn(daemon, thread, "the first of many turns");
    CHECK(daemon.close() == 0);
  }
  constexpr int kCopies = 4000;
  // Each of these parses the whole file (the fork three times): seconds in Debug, more under
  // the sanitizers with another test beside it. The bound that matters is the prober's.
  constexpr auto kFileWork = std::chrono::milliseconds(180'000);
  const auto bytes = grow_thread_file(home.home / "sessions" / (thread + ".jsonl"), kCopies);
  INFO("thread file: " << bytes << " bytes, " << kCopies + 1 << " turns");

  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
  daemon.initialize();
  Prober prober(daemon.ws_url());

  Json read = daemon.request("thread/read", {{"threadId", thread}, {"includeTurns", false}}, kFileWork);
  REQUIRE(read.contains("result"));
  CHECK(read["result"]["thread"]["id"] == thread);
  CHECK(read["result"]["thread"]["status"] == Json{{"type", "notLoaded"}});

  Json page = daemon.request("thread/turns/list", {{"threadId", thread}, {"limit", 2}}, kFileWork);
  REQUIRE(page.contains("result"));
  CHECK(page["result"]["data"].size() == 2);
  CHECK(page["result"]["data"][0]["id"].get<std::string>().ends_with("-" + std::to_string(kCopies - 1)));

  Json fork = daemon.request("thread/fork", {{"threadId", thread}, {"excludeTurns", true}}, kFileWork);
  REQUIRE(fork.contains("result"));
  const std::string fork_id = fork["result"]["thread"]["id"];
  CHECK(fork["result"]["thread"]["forkedFromId"] == thread);

  Json resumed = daemon.request("thread/resume", {{"threadId", thread}, {"excludeTurns", true}}, kFileWork);
  REQUIRE(resumed.contains("result"));
  CHECK(resumed["result"]["thread"]["id"] == thread);

  check_answered_promptly(prober.finish(), 10);
  // Both are live threads now, with every turn.
  for (const auto& id : {thread, fork_id}) {
    Json last = daemon.request("thread/turns/list", {{"threadId", id}, {"limit", 1}});
    REQUIRE(last.contains("result"));
    CHECK(last["result"]["nextCursor"] == std::to_string(1));
  }
  Json loaded = daemon.request("thread/loaded/list", Json::object());
  CHECK(loaded["result"]["data"].size() == 2);
  CHECK(daemon.close() == 0);
}
