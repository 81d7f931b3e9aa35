// The thread index behind thread/list: keyset paging that neither repeats nor skips while
// threads are added, the reference's filters and sort keys, metadata methods reflected in
// thread/list and thread/read, an index that is missing, stale or corrupt, and two daemons on
// one home. Session files are written as an older version (or another process) would leave
// them, so the daemon has to index them on first sight.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <thread>

using namespace e2e;

namespace {

struct Session {
  std::string id;
  std::int64_t created = 0, updated = 0;
  std::string cwd = "/w/a", preview = "a prompt", provider = "openai", source = "vscode";
  std::optional<std::string> name;
  bool archived = false;
};

/// A thread file as this server writes it: thread/started, then the metadata records.
void write_session(const TempHome& home, const Session& s) {
  const auto dir = home.home / "sessions";
  std::filesystem::create_directories(dir);
  const auto path = dir / (s.id + ".jsonl");
  Json thread = {{"id", s.id}, {"sessionId", s.id}, {"forkedFromId", nullptr}, {"preview", s.preview},
                 {"ephemeral", false}, {"modelProvider", s.provider}, {"model", "gpt-5"},
                 {"createdAt", s.created}, {"updatedAt", s.updated}, {"status", {{"type", "idle"}}},
                 {"path", path.string()}, {"cwd", s.cwd}, {"cliVersion", "0.169.0"}, {"source", s.source},
                 {"originator", "e2e"}, {"name", nullptr}, {"projectId", nullptr}, {"turns", Json::array()}};
  std::ofstream out(path);
  out << Json{{"method", "thread/started"}, {"params", {{"thread", thread}}}}.dump() << "\n";
  if (s.name) out << Json{{"method", "thread/name/updated"}, {"params", {{"threadId", s.id}, {"threadName", *s.name}}}}.dump() << "\n";
  if (s.archived) out << Json{{"method", "thread/archived"}, {"params", {{"threadId", s.id}}}}.dump() << "\n";
}

std::string id_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "t%03d", i);
  return buf;
}

Json list(Peer& daemon, Json params) {
  Json r = daemon.request("thread/list", std::move(params));
  INFO(r.dump());
  REQUIRE(r.contains("result"));
  return r["result"];
}

std::vector<std::string> ids(const Json& page) {
  std::vector<std::string> out;
  for (const auto& t : page["data"]) out.push_back(t["id"]);
  return out;
}

Json error_of(Peer& daemon, Json params) { return daemon.request("thread/list", std::move(params))["error"]; }

}  // namespace

TEST_CASE("thread/list pages through every thread once, newest first, also while threads are added", "[e2e][index]") {
  TempHome home;
  for (int i = 0; i < 30; ++i) write_session(home, {id_of(i), 1000 + i / 2, 5000 - i});  // pairs share a second
  Daemon daemon(home);
  daemon.initialize();
  std::vector<std::string> seen;
  Json page = list(daemon, {{"limit", 7}});
  bool added = false;
  for (int guard = 0; guard < 10; ++guard) {
    for (auto& id : ids(page)) seen.push_back(id);
    if (!added) {  // a new thread (created now: newer than all) does not shift the pages that follow
      start_thread(daemon, home);
      added = true;
    }
    if (page["nextCursor"].is_null()) break;
    page = list(daemon, {{"limit", 7}, {"cursor", page["nextCursor"]}});
  }
  std::vector<std::string> want;
  for (int i = 29; i >= 0; --i) want.push_back(id_of(i));  // created desc, then id desc within a second
  CHECK(seen == want);

  // The new thread is first on a fresh first page; backwardsCursor reverses from a page's start.
  Json first = list(daemon, {{"limit", 3}});
  CHECK(first["data"][0]["id"] != id_of(29));
  Json second = list(daemon, {{"limit", 3}, {"cursor", first["nextCursor"]}});
  CHECK(ids(second) == std::vector<std::string>{id_of(27), id_of(26), id_of(25)});
  Json back = list(daemon, {{"limit", 3}, {"sortDirection", "asc"}, {"cursor", second["backwardsCursor"]}});
  // From the start of that page's second (1013: t027 and t026), ascending.
  CHECK(ids(back) == std::vector<std::string>{id_of(26), id_of(27), id_of(28)});
}

TEST_CASE("thread/list sorts by updated_at or created_at, either way", "[e2e][index]") {
  TempHome home;
  for (int i = 0; i < 5; ++i) write_session(home, {id_of(i), 1000 + i, 5000 - i});
  Daemon daemon(home);
  daemon.initialize();
  CHECK(ids(list(daemon, Json::object())) == std::vector<std::string>{"t004", "t003", "t002", "t001", "t000"});
  CHECK(ids(list(daemon, {{"sortKey", "updated_at"}})) == std::vector<std::string>{"t000", "t001", "t002", "t003", "t004"});
  CHECK(ids(list(daemon, {{"sortKey", "recency_at"}, {"sortDirection", "asc"}})) ==
        std::vector<std::string>{"t004", "t003", "t002", "t001", "t000"});
  CHECK(ids(list(daemon, {{"sortKey", "created_at"}, {"sortDirection", "asc"}, {"limit", 2}})) ==
        std::vector<std::string>{"t000", "t001"});
}

TEST_CASE("thread/list filters by cwd, provider, source kind, title, archived flag and exclusions", "[e2e][index]") {
  TempHome home;
  write_session(home, {"a1", 1001, 1001, "/w/a", "fix the parser", "openai"});
  write_session(home, {"a2", 1002, 1002, "/w/a", "write docs", "ollama"});
  write_session(home, {"b1", 1003, 1003, "/w/b", "Parser speed", "openai", "cli"});
  write_session(home, {"b2", 1004, 1004, "/w/b", "untitled", "openai", "exec", std::string("release notes")});
  write_session(home, {"c1", 1005, 1005, "/w/c", "old work", "openai", "vscode", std::nullopt, true});
  Daemon daemon(home);
  daemon.initialize();
  using V = std::vector<std::string>;
  CHECK(ids(list(daemon, Json::object())) == V{"b1", "a2", "a1"});  // interactive sources, not archived
  CHECK(ids(list(daemon, {{"cwd", "/w/a"}})) == V{"a2", "a1"});
  CHECK(ids(list(daemon, {{"cwd", {"/w/b", "/w/c"}}})) == V{"b1"});
  CHECK(ids(list(daemon, {{"modelProviders", {"ollama"}}})) == V{"a2"});
  CHECK(ids(list(daemon, {{"modelProviders", Json::array()}})) == V{"b1", "a2", "a1"});
  CHECK(ids(list(daemon, {{"sourceKinds", {"exec", "cli"}}})) == V{"b2", "b1"});
  CHECK(ids(list(daemon, {{"searchTerm", "parser"}})) == V{"b1", "a1"});  // case-insensitive
  CHECK(ids(list(daemon, {{"searchTerm", "release"}, {"sourceKinds", {"exec"}}})) == V{"b2"});  // the name
  CHECK(ids(list(daemon, {{"archived", true}})) == V{"c1"});
  CHECK(ids(list(daemon, {{"excludedThreadIds", {"b1"}}})) == V{"a2", "a1"});
  CHECK(ids(list(daemon, {{"sectionId", "s1"}})) == V{});
  Json one = list(daemon, {{"cwd", "/w/a"}, {"limit", 1}});
  CHECK(one["data"][0] == Json::parse(R"({"agentNickname":null,"agentRole":null,"cliVersion":"0.169.0","createdAt":1002,"cwd":"/w/a","ephemeral":false,
      "forkedFromId":null,"id":"a2","model":"gpt-5","modelProvider":"ollama","name":null,"originator":"e2e",
      "parentThreadId":null,"path":")" + (home.home / "sessions" / "a2.jsonl").string() + R"(","preview":"write docs","projectId":null,
      "sessionId":"a2","source":"vscode","status":{"type":"notLoaded"},"turns":[],"updatedAt":1002})"));
  CHECK(one["nextCursor"] == "v1.created_at.desc.after.1002.a2");
}

TEST_CASE("thread/list refuses what it cannot honour with -32602 and the param's path", "[e2e][index]") {
  TempHome home;
  Daemon daemon(home);
  daemon.initialize();
  auto message = [&](Json params) { return error_of(daemon, std::move(params))["message"].get<std::string>(); };
  CHECK(error_of(daemon, {{"sourceKinds", {"bogus"}}})["code"] == -32602);
  CHECK(message({{"sourceKinds", {"cli", "bogus"}}}).find("params.sourceKinds[1]") != std::string::npos);
  CHECK(message({{"sortKey", "section_position"}}) ==
        "Invalid params: params.sortKey: section_position needs thread sections, which this server does not have");
  CHECK(message({{"cursor", "garbage"}}) == "Invalid params: params.cursor: not a cursor from thread/list");
  CHECK(message({{"cursor", "v1.created_at.desc.after.5.t1"}, {"sortKey", "updated_at"}}) ==
        "Invalid params: params.cursor: made for another sortKey or sortDirection");
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back(id_of(i));
  CHECK(message({{"excludedThreadIds", many}}) == "Invalid params: params.excludedThreadIds: at most 100 ids, got 101");
  CHECK(message({{"excludedThreadIds", {"../x"}}}) == "Invalid params: params.excludedThreadIds[0]: not a thread id");
  CHECK(message({{"originators", {"codex_cli_rs"}}}) ==
        "Invalid params: params.originators: only hosted backends filter by originator; send an empty list or none");
  CHECK(message({{"cwd", 5}}) == "Invalid params: params.cwd: expected a path or an array of paths");
}

TEST_CASE("thread/name/set, thread/archive and thread/unarchive reach every client and survive a rebuilt index",
          "[e2e][index][ws]") {
  TempHome home;
  std::string thread;
  {
    Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});
    daemon.initialize();
    WsClient other(daemon.ws_url());
    other.initialize("other");
    thread = start_thread(daemon, home);
    run_turn(daemon, thread, "first prompt");

    CHECK(daemon.request("thread/name/set", {{"threadId", thread}, {"name", "  Parser work "}})["result"] == Json::object());
    const Json renamed = {{"threadId", thread}, {"threadName", "Parser work"}};
    CHECK(daemon.next()["params"] == renamed);
    CHECK(other.next()["params"] == renamed);
    CHECK(daemon.request("thread/read", {{"threadId", thread}})["result"]["thread"]["name"] == "Parser work");

    CHECK(other.request("thread/archive", {{"threadId", thread}})["result"] == Json::object());
    const Json archived = {{"method", "thread/archived"}, {"params", {{"threadId", thread}}}};
    Json n = daemon.next();
    n.erase("emittedAtMs");
    CHECK(n == archived);
    CHECK(ids(list(daemon, Json::object())) == std::vector<std::string>{});
    CHECK(ids(list(daemon, {{"archived", true}})) == std::vector<std::string>{thread});
    CHECK(list(daemon, {{"archived", true}, {"searchTerm", "parser"}})["data"][0]["name"] == "Parser work");
    CHECK(daemon.request("thread/archive", {{"threadId", "nope"}})["error"] ==
          Json{{"code", -32600}, {"message", "thread not found: nope"}});
    CHECK(daemon.close() == 0);
  }
  // After a restart, and with the index deleted: both come back from the thread's file.
  std::filesystem::remove(home.home / "thread-index.sqlite");
  {
    Daemon daemon(home);
    daemon.initialize();
    CHECK(ids(list(daemon, {{"archived", true}})) == std::vector<std::string>{thread});
    Json unarchived = daemon.request("thread/unarchive", {{"threadId", thread}})["result"]["thread"];
    CHECK(unarchived["id"] == thread);
    CHECK(unarchived["name"] == "Parser work");
    CHECK(unarchived["turns"] == Json::array());
    CHECK(daemon.next()["method"] == "thread/unarchived");
    Json page = list(daemon, Json::object());
    REQUIRE(ids(page) == std::vector<std::string>{thread});
    CHECK(page["data"][0]["preview"] == "first prompt");
    CHECK(daemon.request("thread/name/set", {{"threadId", thread}, {"name", ""}})["result"] == Json::object());
    CHECK(daemon.next()["params"] == Json{{"threadId", thread}, {"threadName", nullptr}});
    CHECK(list(daemon, Json::object())["data"][0]["name"].is_null());
  }
}

TEST_CASE("a stale or corrupt index is repaired from the session files at start-up", "[e2e][index]") {
  TempHome home;
  write_session(home, {"s1", 1001, 1001});
  write_session(home, {"s2", 1002, 1002});
  {
    Daemon daemon(home);
    daemon.initialize();
    CHECK(ids(list(daemon, Json::object())) == std::vector<std::string>{"s2", "s1"});
    CHECK(daemon.close() == 0);  // a clean stop checkpoints the WAL into the database file
  }
  // While no daemon runs: a file changes (renamed), one is added, one disappears.
  write_session(home, {"s1", 1001, 1001, "/w/a", "a prompt", "openai", "vscode", std::string("renamed")});
  write_session(home, {"s3", 1003, 1003});
  std::filesystem::remove(home.home / "sessions" / "s2.jsonl");
  {
    Daemon daemon(home);
    daemon.initialize();
    // Which files exist is settled before the first answer; a file changed in place is
    // re-read by the background check that starts with the daemon (a liveness bound).
    Json page = list(daemon, Json::object());
    CHECK(ids(page) == std::vector<std::string>{"s3", "s1"});
    for (int i = 0; i < 500 && page["data"][1]["name"] != "renamed"; ++i) {
      std::this_thread::sleep_for(20ms);
      page = list(daemon, Json::object());
    }
    CHECK(page["data"][1]["name"] == "renamed");
    CHECK(daemon.close() == 0);
  }
  CHECK(std::filesystem::is_empty(home.home / "thread-index.writers"));  // a clean stop leaves no marker
  std::ofstream(home.home / "thread-index.sqlite", std::ios::trunc) << "this is not a database";
  {
    Daemon daemon(home);
    daemon.initialize();
    CHECK(ids(list(daemon, Json::object())) == std::vector<std::string>{"s3", "s1"});
  }
  CHECK(std::filesystem::exists(home.home / "thread-index.sqlite.corrupt"));
}

TEST_CASE("after a daemon is killed, the next one checks every session file before its first answer", "[e2e][index]") {
  TempHome home;
  write_session(home, {"k1", 1001, 1001});
  {
    Daemon daemon(home);
    daemon.initialize();
    CHECK(ids(list(daemon, Json::object())) == std::vector<std::string>{"k1"});
    daemon.kill();  // as if killed between a file write and its write-through to the index
  }
  write_session(home, {"k1", 1001, 1001, "/w/a", "a prompt", "openai", "vscode", std::string("after the crash")});
  Daemon daemon(home);
  daemon.initialize();
  Json page = list(daemon, Json::object());
  REQUIRE(ids(page) == std::vector<std::string>{"k1"});
  CHECK(page["data"][0]["name"] == "after the crash");
  CHECK(daemon.close() == 0);
  CHECK(std::filesystem::is_empty(home.home / "thread-index.writers"));  // the dead writer's marker is gone too
}

TEST_CASE("two daemons on one home share the index, and one thread has one writer", "[e2e][index]") {
  TempHome home;
  Daemon a(home), b(home);
  a.initialize();
  b.initialize();
  const std::string thread = start_thread(a, home);
  run_turn(a, thread, "from daemon a");
  bool seen = false;  // a's write-through is asynchronous; b sees it within moments (10 s: a loaded CI machine)
  for (int i = 0; i < 500 && !seen; ++i) {
    seen = ids(list(b, Json::object())) == std::vector<std::string>{thread};
    if (!seen) std::this_thread::sleep_for(20ms);
  }
  CHECK(seen);
  Json refused = b.request("thread/resume", {{"threadId", thread}});
  REQUIRE(refused.contains("error"));
  CHECK(refused["error"]["message"].get<std::string>().find("is open in another app-server process on this home") !=
        std::string::npos);
  CHECK(a.close() == 0);  // a's lock goes with it
  Json resumed = b.request("thread/resume", {{"threadId", thread}});
  CHECK(resumed["result"]["thread"]["id"] == thread);
}

TEST_CASE("requests piped before stdin closes are all answered, thread/list included", "[e2e][index][once]") {
  TempHome home;
  write_session(home, {"p1", 1001, 1001});
  const std::string in = R"({"id":1,"method":"initialize","params":{"clientInfo":{"name":"pipe","version":"1"}}})"
                         "\n" R"({"id":2,"method":"thread/list","params":{}})" "\n";
  const CliOutput r = run_cli({"--home", home.home.string(), "--cwd", home.workspace.string()}, home.root, in);
  CHECK(r.status == 0);
  const auto second = r.out.find("\n{\"id\":2,");
  REQUIRE(second != std::string::npos);
  CHECK(Json::parse(r.out.substr(second + 1))["result"]["data"][0]["id"] == "p1");
}
