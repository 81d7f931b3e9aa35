// `fuzzyFileSearch` (v2 FuzzyFileSearchParams / FuzzyFileSearchResponse): files and
// directories under `roots` whose relative path fuzzy-matches `query`, best first. Used by IDE
// clients for `@` mentions (the Codex TUI searches files itself).
#pragma once

#include "protocol/describe_json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace appserver::protocol::v2 {

struct FuzzyFileSearchParams {
  /// A later request with the same token cancels this one (it is answered `{files: []}`).
  std::optional<std::string> cancellationToken;
  std::string query;               // "" matches nothing
  std::vector<std::string> roots;  // absolute folders
};
PROTOCOL_STRUCT(FuzzyFileSearchParams, (cancellationToken, query, roots))

enum class FuzzyFileSearchMatchType { file, directory };
PROTOCOL_ENUM(FuzzyFileSearchMatchType, file, directory)

/// One match (v2 FuzzyFileSearchResult). `path` is relative to `root`; `indices` are the
/// matched characters' positions (code points) in `path`.
struct FuzzyFileSearchResult {
  std::string file_name;
  std::optional<std::vector<std::uint32_t>> indices;
  FuzzyFileSearchMatchType match_type = FuzzyFileSearchMatchType::file;
  std::string path;
  std::string root;
  std::uint32_t score = 0;
};
PROTOCOL_STRUCT(FuzzyFileSearchResult, (file_name, indices, match_type, path, root, score))

/// At most 50 matches, by score (highest first), then path.
struct FuzzyFileSearchResponse {
  std::vector<FuzzyFileSearchResult> files;
};
PROTOCOL_STRUCT(FuzzyFileSearchResponse, (files))

}  // namespace appserver::protocol::v2
