// Fuzzy matching of a query against a path, for fuzzyFileSearch. Scores follow nucleo (the
// matcher Codex 0.169 uses, with its path configuration) so results rank as Codex ranks them:
// 16 per matched character; a bonus for a character that starts a word — 9 after `/` or at the
// start, 10 after whitespace, 8 after other punctuation, 7 for camelCase or a first digit —
// doubled for the query's first character; a run of consecutive matches keeps the bonus of its
// first character (at least 4); a gap costs 3 plus 1 per further skipped character. The best
// alignment is found by dynamic programming (O(query × path)).
//
// On top, as the reference ranks (inferred from its recorded scores): a file whose name alone
// matches scores `65536 + the name's score` (indices in the name), `3 × 65536 + …` when the
// name equals the query; a directory whose name equals the query `2 × 65536 + …`.
// Smart case: a query with an upper-case letter matches case-sensitively. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace appserver {

struct FuzzyMatch {
  std::uint32_t score = 0;
  std::vector<std::uint32_t> indices;  // matched character (code point) positions, ascending
};

/// The best alignment of `query` in `text` (nucleo's fuzzy atom), or nullopt when `query` is
/// not a subsequence of `text`. An empty query never matches.
std::optional<FuzzyMatch> fuzzy_match(std::string_view query, std::string_view text);

/// fuzzy_match of a whole relative path (`a/b/c.rs`) with the file-name ranking above.
std::optional<FuzzyMatch> fuzzy_match_path(std::string_view query, std::string_view path, bool is_directory);

}  // namespace appserver
