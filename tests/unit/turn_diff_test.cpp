// turn/diff/updated's diff (server/apply_patch/turn_diff.hpp): compared byte for byte with what
// Codex 0.169 sent for the same patch (recorded with a mock model: add new.txt, update hello.txt
// "hello\nworld\n" → "hello\nthere\n"), then the cases its tracker distinguishes.
#include "server/apply_patch/turn_diff.hpp"

#include <catch2/catch.hpp>

using appserver::apply_patch::FileChange;
using appserver::apply_patch::git_blob_id;
using appserver::apply_patch::TurnDiff;

namespace {
FileChange add(const std::string& path, std::string content, std::optional<std::string> old = std::nullopt) {
  FileChange c;
  c.kind = FileChange::Kind::add;
  c.path = "/ws/" + path;
  c.new_content = std::move(content);
  c.old_content = std::move(old);
  return c;
}
FileChange update(const std::string& path, std::string old, std::string now, std::optional<std::string> to = {}) {
  FileChange c;
  c.kind = FileChange::Kind::update;
  c.path = "/ws/" + path;
  if (to) c.move_path = "/ws/" + *to;
  c.old_content = std::move(old);
  c.new_content = std::move(now);
  return c;
}
FileChange remove(const std::string& path, std::string old) {
  FileChange c;
  c.kind = FileChange::Kind::remove;
  c.path = "/ws/" + path;
  c.old_content = std::move(old);
  return c;
}
}  // namespace

TEST_CASE("git_blob_id is git's object id of a blob") {
  CHECK(git_blob_id("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");  // `git hash-object /dev/null`
  CHECK(git_blob_id("hello\nworld\n") == "94954abda49de8615a048f8d2e64b5de848e27a1");
  CHECK(git_blob_id("fresh line\n") == "8b8b3fcfef65fb138cac5897d042f777d926f7c3");
}

TEST_CASE("the turn diff of an add and an update is the reference's, byte for byte") {
  TurnDiff diff("/ws");
  CHECK_FALSE(diff.unified_diff());
  diff.track({add("new.txt", "fresh line\n"), update("hello.txt", "hello\nworld\n", "hello\nthere\n")});
  CHECK(diff.unified_diff() ==
        "diff --git a/hello.txt b/hello.txt\n"
        "index 94954abda49de8615a048f8d2e64b5de848e27a1..c4c04173748f9107f27a8a2e4007ec50c88da299\n"
        "--- a/hello.txt\n+++ b/hello.txt\n@@ -1,2 +1,2 @@\n hello\n-world\n+there\n"
        "diff --git a/new.txt b/new.txt\nnew file mode 100644\n"
        "index 0000000000000000000000000000000000000000..8b8b3fcfef65fb138cac5897d042f777d926f7c3\n"
        "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+fresh line\n");
}

TEST_CASE("the turn diff is the net change of all the turn's patches") {
  TurnDiff diff("/ws");
  diff.track({update("a.txt", "1\n", "2\n")});
  diff.track({update("a.txt", "2\n", "3\n")});
  CHECK(diff.unified_diff() == "diff --git a/a.txt b/a.txt\nindex " + git_blob_id("1\n") + ".." + git_blob_id("3\n") +
                                   "\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-1\n+3\n");
  diff.track({update("a.txt", "3\n", "1\n")});  // back where it started: nothing to show
  CHECK_FALSE(diff.unified_diff());
}

TEST_CASE("the turn diff shows a deleted file, a file added then deleted not at all") {
  TurnDiff diff("/ws");
  diff.track({remove("gone.txt", "bye\n"), add("tmp.txt", "x\n")});
  diff.track({remove("tmp.txt", "x\n")});
  CHECK(diff.unified_diff() == "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\nindex " +
                                   git_blob_id("bye\n") +
                                   "..0000000000000000000000000000000000000000\n--- a/gone.txt\n+++ /dev/null\n"
                                   "@@ -1 +0,0 @@\n-bye\n");
}

TEST_CASE("a moved file is one section from its old path to its new one") {
  TurnDiff diff("/ws");
  diff.track({update("old.txt", "a\nb\n", "a\nc\n", "sub/new.txt")});
  CHECK(diff.unified_diff() == "diff --git a/old.txt b/sub/new.txt\nindex " + git_blob_id("a\nb\n") + ".." +
                                   git_blob_id("a\nc\n") +
                                   "\n--- a/old.txt\n+++ b/sub/new.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
}

TEST_CASE("an add over an existing file diffs against what it replaced, paths outside the cwd stay absolute") {
  TurnDiff diff("/ws/project");
  FileChange outside = add("notes.txt", "new\n", std::string("old\n"));  // /ws/notes.txt, above the cwd
  diff.track({outside});
  CHECK(diff.unified_diff() == "diff --git a//ws/notes.txt b//ws/notes.txt\nindex " + git_blob_id("old\n") + ".." +
                                   git_blob_id("new\n") +
                                   "\n--- a//ws/notes.txt\n+++ b//ws/notes.txt\n@@ -1 +1 @@\n-old\n+new\n");
}
