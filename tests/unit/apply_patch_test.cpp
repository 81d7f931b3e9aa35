// The apply_patch parser and applier: the scenarios of Codex's own suite (codex-rs
// apply-patch/tests/fixtures/scenarios and the parser/seek_sequence unit tests), carried over
// as cases — input files, the patch, the expected files or error — plus what we do on purpose
// differently: a failing patch changes nothing (the reference's scenario 015 keeps a file it
// already created), and a write that fails midway puts back what was written.
#include "server/apply_patch/patch_apply.hpp"
#include "server/apply_patch/patch_parser.hpp"
#include "server/agent/responses_format.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace appserver::apply_patch;
namespace fs = std::filesystem;

namespace {

using Files = std::map<std::string, std::string>;

struct Scratch {
  fs::path root;
  Scratch() {
    char tmpl[] = "/tmp/apply-patch-test-XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  ~Scratch() { fs::remove_all(root); }
  void write(const Files& files) const {
    for (const auto& [path, content] : files) {
      fs::create_directories((root / path).parent_path());
      std::ofstream(root / path, std::ios::binary) << content;
    }
  }
  Files read() const {
    Files out;
    for (const auto& entry : fs::recursive_directory_iterator(root))
      if (entry.is_regular_file()) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        out[entry.path().lexically_relative(root).string()] = text.str();
      }
    return out;
  }
};

/// Parses, plans and applies `patch` in a folder holding `input`; returns the error ("" on
/// success) and leaves the folder's files in `after`.
std::string run(const Files& input, const std::string& patch, Files& after, std::string* summary = nullptr) {
  Scratch dir;
  dir.write(input);
  std::string error;
  auto parsed = parse_patch(patch);
  if (auto* e = std::get_if<std::string>(&parsed)) {
    error = *e;
  } else {
    auto plan = plan_patch(std::get<Patch>(parsed), dir.root);
    if (auto* e = std::get_if<std::string>(&plan)) {
      error = *e;
    } else {
      error = apply_changes(std::get<std::vector<FileChange>>(plan));
      if (summary) *summary = success_summary(std::get<std::vector<FileChange>>(plan));
    }
  }
  after = dir.read();
  // Paths in errors and summaries are absolute: make them relative to compare.
  auto strip = [&](std::string& text) {
    const std::string prefix = dir.root.string() + "/";
    for (std::size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
  };
  strip(error);
  if (summary) strip(*summary);
  return error;
}

struct Scenario {
  const char* name;
  Files input;
  std::string patch;
  Files expected;
  std::string error;
};

}  // namespace

TEST_CASE("the reference's apply_patch scenarios give the same files and errors", "[apply_patch]") {
  const std::vector<Scenario> scenarios{
      {"001 add file", {}, "*** Begin Patch\n*** Add File: bar.md\n+This is a new file\n*** End Patch\n",
       {{"bar.md", "This is a new file\n"}}, ""},
      {"002 multiple operations", {{"delete.txt", "obsolete\n"}, {"modify.txt", "line1\nline2\n"}},
       "*** Begin Patch\n*** Add File: nested/new.txt\n+created\n*** Delete File: delete.txt\n"
       "*** Update File: modify.txt\n@@\n-line2\n+changed\n*** End Patch\n",
       {{"modify.txt", "line1\nchanged\n"}, {"nested/new.txt", "created\n"}}, ""},
      {"003 multiple chunks", {{"multi.txt", "line1\nline2\nline3\nline4\n"}},
       "*** Begin Patch\n*** Update File: multi.txt\n@@\n-line2\n+changed2\n@@\n-line4\n+changed4\n*** End Patch\n",
       {{"multi.txt", "line1\nchanged2\nline3\nchanged4\n"}}, ""},
      {"004 move to a new directory", {{"old/name.txt", "old content\n"}, {"old/other.txt", "unrelated\n"}},
       "*** Begin Patch\n*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n@@\n-old content\n+new content\n*** End Patch\n",
       {{"old/other.txt", "unrelated\n"}, {"renamed/dir/name.txt", "new content\n"}}, ""},
      {"005 rejects an empty patch", {{"foo.txt", "stable\n"}}, "*** Begin Patch\n*** End Patch\n",
       {{"foo.txt", "stable\n"}}, "No files were modified."},
      {"006 rejects missing context", {{"modify.txt", "line1\nline2\n"}},
       "*** Begin Patch\n*** Update File: modify.txt\n@@\n-missing\n+changed\n*** End Patch\n",
       {{"modify.txt", "line1\nline2\n"}}, "Failed to find expected lines in modify.txt:\nmissing"},
      {"007 rejects deleting a missing file", {{"foo.txt", "stable\n"}},
       "*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch\n", {{"foo.txt", "stable\n"}},
       "Failed to read missing.txt: No such file or directory (os error 2)"},
      {"008 rejects an empty update hunk", {{"foo.txt", "stable\n"}},
       "*** Begin Patch\n*** Update File: foo.txt\n*** End Patch\n", {{"foo.txt", "stable\n"}},
       "invalid hunk at line 2, Update file hunk for path 'foo.txt' is empty"},
      {"009 an update needs the file", {{"foo.txt", "stable\n"}},
       "*** Begin Patch\n*** Update File: missing.txt\n@@\n-old\n+new\n*** End Patch\n", {{"foo.txt", "stable\n"}},
       "Failed to read file to update missing.txt: No such file or directory (os error 2)"},
      {"010 a move overwrites its destination",
       {{"old/name.txt", "from\n"}, {"old/other.txt", "unrelated\n"}, {"renamed/dir/name.txt", "existing\n"}},
       "*** Begin Patch\n*** Update File: old/name.txt\n*** Move to: renamed/dir/name.txt\n@@\n-from\n+new\n*** End Patch\n",
       {{"old/other.txt", "unrelated\n"}, {"renamed/dir/name.txt", "new\n"}}, ""},
      {"011 an add overwrites an existing file", {{"duplicate.txt", "old content\n"}},
       "*** Begin Patch\n*** Add File: duplicate.txt\n+new content\n*** End Patch\n",
       {{"duplicate.txt", "new content\n"}}, ""},
      {"012 deleting a directory fails", {{"dir/foo.txt", "stable\n"}},
       "*** Begin Patch\n*** Delete File: dir\n*** End Patch\n", {{"dir/foo.txt", "stable\n"}},
       "Failed to read dir: Is a directory (os error 21)"},
      {"013 rejects an invalid hunk header", {{"foo.txt", "stable\n"}},
       "*** Begin Patch\n*** Frobnicate File: foo\n*** End Patch\n", {{"foo.txt", "stable\n"}},
       "invalid hunk at line 2, '*** Frobnicate File: foo' is not a valid hunk header. Valid hunk headers: "
       "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'"},
      {"014 an update ends the file with a newline", {{"no_newline.txt", "no newline at end"}},
       "*** Begin Patch\n*** Update File: no_newline.txt\n@@\n-no newline at end\n+first line\n+second line\n*** End Patch\n",
       {{"no_newline.txt", "first line\nsecond line\n"}}, ""},
      // 015, on purpose unlike the reference (which keeps created.txt): nothing is changed.
      {"015 a failing patch changes nothing", {},
       "*** Begin Patch\n*** Add File: created.txt\n+hello\n*** Update File: missing.txt\n@@\n-old\n+new\n*** End Patch\n",
       {}, "Failed to read file to update missing.txt: No such file or directory (os error 2)"},
      {"016 a pure addition goes at the end", {{"input.txt", "line1\nline2\n"}},
       "*** Begin Patch\n*** Update File: input.txt\n@@\n+added line 1\n+added line 2\n*** End Patch\n",
       {{"input.txt", "line1\nline2\nadded line 1\nadded line 2\n"}}, ""},
      {"017 a whitespace-padded hunk header", {{"foo.txt", "old\n"}},
       "*** Begin Patch\n  *** Update File: foo.txt\n@@\n-old\n+new\n*** End Patch\n", {{"foo.txt", "new\n"}}, ""},
      {"018 whitespace-padded patch markers", {{"file.txt", "one\n"}},
       " *** Begin Patch\n*** Update File: file.txt\n@@\n-one\n+two\n*** End Patch \n", {{"file.txt", "two\n"}}, ""},
      {"019 unicode", {{"foo.txt", "line1\nna\xC3\xAFve caf\xC3\xA9\nline3\n"}},
       "*** Begin Patch\n*** Update File: foo.txt\n@@\n line1\n-na\xC3\xAFve caf\xC3\xA9\n+na\xC3\xAFve caf\xC3\xA9 \xE2\x9C\x85\n*** End Patch \n",
       {{"foo.txt", "line1\nna\xC3\xAFve caf\xC3\xA9 \xE2\x9C\x85\nline3\n"}}, ""},
      {"020 delete a file", {{"keep.txt", "keep\n"}, {"obsolete.txt", "remove\n"}},
       "*** Begin Patch\n*** Delete File: obsolete.txt\n*** End Patch\n", {{"keep.txt", "keep\n"}}, ""},
      {"020 whitespace-padded marker lines", {{"file.txt", "one\n"}},
       "*** Begin Patch \n*** Update File: file.txt\n@@\n-one\n+two\n *** End Patch\n", {{"file.txt", "two\n"}}, ""},
      {"021 an update that only deletes", {{"lines.txt", "line1\nline2\nline3\n"}},
       "*** Begin Patch\n*** Update File: lines.txt\n@@\n line1\n-line2\n line3\n*** End Patch\n",
       {{"lines.txt", "line1\nline3\n"}}, ""},
      {"022 the end-of-file marker", {{"tail.txt", "first\nsecond\n"}},
       "*** Begin Patch\n*** Update File: tail.txt\n@@\n first\n-second\n+second updated\n*** End of File\n*** End Patch\n",
       {{"tail.txt", "first\nsecond updated\n"}}, ""},
      {"heredoc around the patch (lenient)", {{"a.txt", "x\n"}},
       "<<'EOF'\n*** Begin Patch\n*** Update File: a.txt\n@@\n-x\n+y\n*** End Patch\nEOF\n", {{"a.txt", "y\n"}}, ""},
      {"an @@ context line places the chunk", {{"f.py", "def a():\n    pass\ndef b():\n    pass\n"}},
       "*** Begin Patch\n*** Update File: f.py\n@@ def b():\n-    pass\n+    return 1\n*** End Patch\n",
       {{"f.py", "def a():\n    pass\ndef b():\n    return 1\n"}}, ""},
      {"a missing @@ context line", {{"f.py", "x\n"}},
       "*** Begin Patch\n*** Update File: f.py\n@@ def nowhere():\n-x\n+y\n*** End Patch\n", {{"f.py", "x\n"}},
       "Failed to find context 'def nowhere():' in f.py"},
      {"two updates of one file in one patch", {{"f.txt", "a\nb\n"}},
       "*** Begin Patch\n*** Update File: f.txt\n@@\n-a\n+A\n*** Update File: f.txt\n@@\n-b\n+B\n*** End Patch\n",
       {{"f.txt", "A\nB\n"}}, ""},
  };
  for (const auto& s : scenarios) {
    INFO(s.name);
    Files after;
    CHECK(run(s.input, s.patch, after) == s.error);
    CHECK(after == s.expected);
  }
}

TEST_CASE("apply_patch reports what it changed as the reference does", "[apply_patch]") {
  Files after;
  std::string summary;
  CHECK(run({{"delete.txt", "x\n"}, {"modify.txt", "a\n"}, {"old.txt", "o\n"}},
            "*** Begin Patch\n*** Add File: new.txt\n+n\n*** Delete File: delete.txt\n*** Update File: modify.txt\n@@\n-a\n+b\n"
            "*** Update File: old.txt\n*** Move to: moved.txt\n@@\n-o\n+p\n*** End Patch",
            after, &summary) == "");
  CHECK(summary == "Success. Updated the following files:\nA new.txt\nM modify.txt\nM moved.txt\nD delete.txt\n");
}

TEST_CASE("a write that fails midway puts back what apply_patch had written", "[apply_patch]") {
  Files after;
  // The second hunk needs a folder where a file is: creating it fails after a.txt was written.
  const std::string error = run({{"a.txt", "old\n"}, {"blocker", "a file\n"}},
                                "*** Begin Patch\n*** Update File: a.txt\n@@\n-old\n+new\n*** Add File: blocker/x.txt\n+x\n*** End Patch",
                                after);
  CHECK(error.rfind("Failed to create parent directories for blocker/x.txt", 0) == 0);
  CHECK(after == Files{{"a.txt", "old\n"}, {"blocker", "a file\n"}});
}

TEST_CASE("the parser's errors and forms are the reference's", "[apply_patch]") {
  auto error_of = [](const std::string& text) {
    auto parsed = parse_patch(text);
    return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : std::string("ok");
  };
  CHECK(error_of("bad") == "invalid patch: The first line of the patch must be '*** Begin Patch'");
  CHECK(error_of("*** Begin Patch\nbad") == "invalid patch: The last line of the patch must be '*** End Patch'");
  CHECK(error_of("") == "invalid patch: The last line of the patch must be '*** End Patch'");
  // A line that is no diff line after a chunk starts the next chunk, which then needs its @@.
  CHECK(error_of("*** Begin Patch\n*** Update File: f\n@@\n-a\n+b\nnot a diff line\n*** End Patch") ==
        "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: 'not a diff line'");
  CHECK(error_of("*** Begin Patch\n*** Update File: f\n@@\n-a\n@@\n*** End Patch") ==
        "invalid hunk at line 6, Update hunk does not contain any lines");
  CHECK(error_of("*** Begin Patch\n*** Update File: f\n@@\nno marker\n*** End Patch") ==
        "invalid hunk at line 4, Unexpected line found in update hunk: 'no marker'. Every line should start with "
        "' ' (context line), '+' (added line), or '-' (removed line)");
  // The first chunk may omit its @@; an update followed by another hunk; an Add and a Delete.
  auto parsed = parse_patch("*** Begin Patch\n*** Update File: file2.py\n import foo\n+bar\n*** Add File: other.py\n"
                            "+content\n*** Delete File: gone.py\n*** End Patch");
  REQUIRE(std::holds_alternative<Patch>(parsed));
  const auto& hunks = std::get<Patch>(parsed).hunks;
  REQUIRE(hunks.size() == 3);
  CHECK(std::get<UpdateFile>(hunks[0]) ==
        UpdateFile{"file2.py", std::nullopt, {UpdateChunk{std::nullopt, {"import foo"}, {"import foo", "bar"}, false}}});
  CHECK(std::get<AddFile>(hunks[1]) == AddFile{"other.py", "content\n"});
  CHECK(std::get<DeleteFile>(hunks[2]) == DeleteFile{"gone.py"});
}

TEST_CASE("seek_sequence matches exactly, then without trailing, then without any surrounding space, then typography",
          "[apply_patch]") {
  using V = std::vector<std::string>;
  CHECK(seek_sequence(V{"foo", "bar", "baz"}, V{"bar", "baz"}, 0, false) == 1u);
  CHECK(seek_sequence(V{"foo   ", "bar\t\t"}, V{"foo", "bar"}, 0, false) == 0u);
  CHECK(seek_sequence(V{"    foo   ", "   bar\t"}, V{"foo", "bar"}, 0, false) == 0u);
  CHECK_FALSE(seek_sequence(V{"just one line"}, V{"too", "many", "lines"}, 0, false));
  CHECK(seek_sequence(V{"a \xE2\x80\x94 b \xE2\x80\x9Cq\xE2\x80\x9D"}, V{"a - b \"q\""}, 0, false) == 0u);
  CHECK(seek_sequence(V{"x", "y", "x"}, V{"x"}, 0, true) == 2u);  // end of file first
  CHECK(seek_sequence(V{"x"}, V{}, 0, false) == 0u);
}

TEST_CASE("the apply_patch tool is offered as the reference offers it to the models that ask", "[patch]") {
  using appserver::responses_tools;
  auto names = [](const nlohmann::json& tools) {
    std::vector<std::string> out;
    for (const auto& t : tools) out.push_back(t["type"].get<std::string>() + ":" + t["name"].get<std::string>());
    return out;
  };
  CHECK(names(responses_tools("gpt-5.5")) == std::vector<std::string>{"function:exec_command", "custom:apply_patch"});
  CHECK(names(responses_tools("builtin")) == std::vector<std::string>{"function:exec_command", "custom:apply_patch"});
  CHECK(names(responses_tools("mock-model")) == std::vector<std::string>{"function:exec_command"});
  // Byte for byte what Codex 0.169 sent a mock model for gpt-5.5 (its request's `tools` entry).
  std::ifstream recorded(std::string(UNIT_FIXTURES_DIR) + "/codex_0.169_apply_patch_tool.json");
  CHECK(appserver::apply_patch_tool() == nlohmann::json::parse(recorded));
}
