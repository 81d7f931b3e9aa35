#include "hooks/hook_matcher.hpp"

#include <catch2/catch.hpp>

using appserver::hooks::Matcher;

TEST_CASE("absent, empty and star matchers match everything", "[matcher]") {
  for (auto pattern : {std::optional<std::string>{}, std::optional<std::string>{""},
                       std::optional<std::string>{"*"}}) {
    CHECK(Matcher(pattern).matches("Bash"));
    CHECK(Matcher(pattern).matches(""));
  }
}

TEST_CASE("word-only matchers are exact matches on |-separated names", "[matcher]") {
  CHECK(Matcher("Bash").matches("Bash"));
  CHECK_FALSE(Matcher("Bash").matches("BashOutput"));
  CHECK_FALSE(Matcher("mcp__memory").matches("mcp__memory__create_entities"));
  CHECK(Matcher("Edit|Write").matches("Write"));
  CHECK_FALSE(Matcher("Edit|Write").matches("Bash"));
  CHECK(Matcher("startup|resume").matches("resume"));
}

TEST_CASE("other matchers are unanchored regex searches, invalid ones never match", "[matcher]") {
  CHECK(Matcher("^Bash").matches("BashOutput"));
  CHECK_FALSE(Matcher("^Bash$").matches("BashOutput"));
  CHECK(Matcher("mcp__.*__write.*").matches("mcp__filesystem__write_file"));
  Matcher invalid("[");
  CHECK_FALSE(invalid.error().empty());
  CHECK_FALSE(invalid.matches("["));
}
