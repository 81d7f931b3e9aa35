// End-to-end: --record writes every message of both directions as whole JSONL lines, and a
// recording made in --test-mode replays as a passing regression test with `app-server replay`.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace e2e;

TEST_CASE("a recorded test-mode session replays as a passing transcript", "[e2e][record]") {
  TempHome home;
  const auto recording = home.root / "session.jsonl";
  {
    Daemon daemon(home, {"--test-mode", "--record", recording.string()});
    daemon.initialize();
    daemon.send_line("not json at all");
    daemon.next();  // the parse error
    const std::string thread = start_thread(daemon, home);
    CHECK(thread == "thread-1");
    run_turn(daemon, thread, "recorded prompt");
    CHECK(daemon.close() == 0);
  }

  std::ifstream in(recording);
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  REQUIRE(lines.size() > 10);
  for (const auto& line : lines) {
    CHECK(line["ts"] == 1750000000000);
    CHECK(line["conn"] == lines[0]["conn"]);  // 0 for stdio, the socket's id over WebSocket
    CHECK((line["dir"] == "in" || line["dir"] == "out"));
  }
  CHECK(lines[0]["dir"] == "in");
  CHECK(lines[0]["message"]["method"] == "initialize");
  CHECK(lines[1]["dir"] == "out");
  CHECK(lines[1]["message"]["id"] == 1);
  CHECK(lines[3]["message"] == Json{{"raw", "not json at all"}});

  const std::string command = std::string(APP_SERVER_BINARY) + " replay " + recording.string() +
                              " > " + (home.root / "replay.out").string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream out(home.root / "replay.out");
  std::string report((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  INFO(report);
  CHECK(status == 0);
  CHECK(report.rfind("PASS ", 0) == 0);
}
