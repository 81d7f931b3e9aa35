// fuzzy_match_path: scores and indices equal to what Codex 0.169's fuzzyFileSearch answered for
// the same paths (recorded against the 0.169 binary), so results rank as the reference ranks.
#include "server/file_search/fuzzy_match.hpp"

#include <catch2/catch.hpp>

using appserver::fuzzy_match;
using appserver::fuzzy_match_path;

namespace {
struct Case {
  const char* query;
  const char* path;
  bool directory;
  std::uint32_t score;
  std::vector<std::uint32_t> indices;
};
}  // namespace

TEST_CASE("fuzzy_match_path gives the reference's scores and indices", "[fuzzy]") {
  const std::vector<Case> cases{
      {"main", "src/app/main.rs", false, 65645, {8, 9, 10, 11}},        // in the file name
      {"app", "src/app", true, 131156, {4, 5, 6}},                      // a folder named exactly so
      {"app", "src/app/main.rs", false, 84, {4, 5, 6}},                 // only in a folder of the path
      {"app", "src/app/mod.rs", false, 84, {4, 5, 6}},
      {"srcmod", "src/app/mod.rs", false, 152, {0, 1, 2, 8, 9, 10}},    // across components, one gap
      {"hidden", ".hidden_file", false, 65688, {1, 2, 3, 4, 5, 6}},     // after `.`: bonus 8
      {"READ", "README.md", false, 65645, {0, 1, 2, 3}},                // smart case
      {"config", ".git/config", false, 196767, {5, 6, 7, 8, 9, 10}},    // a file named exactly so
      {"s", "src/app/main.rs", false, 65552, {14}},                     // the name wins over `src`
      {"s", "src/lib.rs", false, 65552, {9}},
      {"s", "src", true, 34, {0}},
      {"s", "docs", true, 16, {3}},
      {"s", "docs/README.md", false, 16, {3}},
  };
  for (const auto& c : cases) {
    INFO(c.query << " in " << c.path);
    auto m = fuzzy_match_path(c.query, c.path, c.directory);
    REQUIRE(m);
    CHECK(m->score == c.score);
    CHECK(m->indices == c.indices);
  }
}

TEST_CASE("fuzzy_match needs the whole query in order, and upper case only matches upper case", "[fuzzy]") {
  CHECK_FALSE(fuzzy_match("", "anything"));
  CHECK_FALSE(fuzzy_match("ba", "ab"));
  CHECK_FALSE(fuzzy_match("Readme", "readme.md"));  // an upper-case letter: case-sensitive
  CHECK(fuzzy_match("readme", "README.md"));        // all lower case: insensitive
  CHECK_FALSE(fuzzy_match_path("zzz", "src/main.rs", false));
  // Indices count characters, not bytes.
  auto m = fuzzy_match("é", "café");
  REQUIRE(m);
  CHECK(m->indices == std::vector<std::uint32_t>{3});
  // A consecutive run beats scattered letters.
  CHECK(fuzzy_match("abc", "x/abc")->score > fuzzy_match("abc", "a/b/c")->score);
}
