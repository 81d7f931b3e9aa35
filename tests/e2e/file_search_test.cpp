// fuzzyFileSearch as Codex 0.169 answers it: files and folders of the roots, ranked as nucleo
// ranks them (scores recorded from the reference), .gitignore'd paths left out, at most 50,
// and a later request with the same cancellationToken cancels the earlier one.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace e2e;

namespace {
void touch(const std::filesystem::path& p) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << "x\n";
}

/// A git work tree with a tracked file, an untracked one and an ignored folder.
std::filesystem::path make_repo(const TempHome& home) {
  const auto repo = home.root / "repo";
  touch(repo / "src/app/main.rs");
  touch(repo / "src/app/mod.rs");
  touch(repo / "docs/README.md");
  touch(repo / "node_modules/x/index.js");
  std::ofstream(repo / ".gitignore") << "node_modules\n";
  const std::string git = "git -C '" + repo.string() + "' ";
  REQUIRE(std::system((git + "init -q && " + git + "add src/app/main.rs .gitignore").c_str()) == 0);
  return repo;  // mod.rs and docs/README.md stay untracked: still listed
}
}  // namespace

TEST_CASE("fuzzyFileSearch ranks files and folders as the reference does and leaves out what git ignores",
          "[e2e][files]") {
  TempHome home;
  const auto repo = make_repo(home);
  Daemon daemon(home);
  daemon.initialize();
  auto search = [&](const std::string& query) {
    return daemon.request("fuzzyFileSearch", {{"query", query}, {"roots", {repo.string()}}})["result"]["files"];
  };
  const std::string root = repo.string();
  CHECK(search("main") == Json::array({{{"root", root}, {"path", "src/app/main.rs"}, {"match_type", "file"},
                                        {"file_name", "main.rs"}, {"score", 65645}, {"indices", {8, 9, 10, 11}}}}));
  CHECK(search("app") == Json::array({
                             {{"root", root}, {"path", "src/app"}, {"match_type", "directory"}, {"file_name", "app"},
                              {"score", 131156}, {"indices", {4, 5, 6}}},
                             {{"root", root}, {"path", "src/app/main.rs"}, {"match_type", "file"}, {"file_name", "main.rs"},
                              {"score", 84}, {"indices", {4, 5, 6}}},
                             {{"root", root}, {"path", "src/app/mod.rs"}, {"match_type", "file"}, {"file_name", "mod.rs"},
                              {"score", 84}, {"indices", {4, 5, 6}}},
                         }));
  CHECK(search("index") == Json::array());  // node_modules is ignored
  CHECK(search("") == Json::array());
  CHECK(search("READ")[0]["path"] == "docs/README.md");  // untracked files are listed
  CHECK(daemon.request("fuzzyFileSearch", {{"query", "x"}, {"roots", {"/nonexistent"}}})["result"] ==
        Json{{"files", Json::array()}});

  // Outside a git work tree: every entry, but never a .git folder's insides; at most 50.
  const auto plain = home.root / "plain";
  for (int i = 0; i < 60; ++i) touch(plain / ("file" + std::to_string(i) + ".txt"));
  touch(plain / ".git/config");
  Json many = daemon.request("fuzzyFileSearch", {{"query", "file"}, {"roots", {plain.string()}}})["result"]["files"];
  CHECK(many.size() == 50);
  CHECK(daemon.request("fuzzyFileSearch", {{"query", "config"}, {"roots", {plain.string()}}})["result"]["files"] ==
        Json::array());
  CHECK(daemon.close() == 0);
}

TEST_CASE("a fuzzyFileSearch with the cancellationToken of a running one cancels it", "[e2e][files]") {
  TempHome home;
  const auto repo = make_repo(home);
  // A git that takes a second to answer, so the first search is still running.
  const auto bin = home.root / "slow-bin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin / "git") << "#!/bin/sh\nsleep 1\nexec /usr/bin/git \"$@\"\n";
  std::filesystem::permissions(bin / "git", std::filesystem::perms::owner_all);
  Daemon daemon(home, Daemon::Launch{{"--home", home.home.string(), "--cwd", home.workspace.string()},
                                     {"PATH=" + bin.string() + ":" + std::getenv("PATH")}});
  daemon.initialize();
  const Json params = {{"query", "main"}, {"roots", {repo.string()}}, {"cancellationToken", "picker"}};
  daemon.send({{"id", 900}, {"method", "fuzzyFileSearch"}, {"params", params}});
  Json second = daemon.request("fuzzyFileSearch", params);
  REQUIRE(second["result"]["files"].size() == 1);
  bool first_answered = false;
  for (const auto& m : daemon.notifications)
    if (m.value("id", Json()) == 900) first_answered = true;
  Json first = first_answered ? Json() : daemon.next();
  for (const auto& m : daemon.notifications)
    if (m.value("id", Json()) == 900) first = m;
  CHECK(first == Json{{"id", 900}, {"result", {{"files", Json::array()}}}});
  CHECK(daemon.close() == 0);
}
