// Matcher semantics of Codex hooks (hooks-spec.md §2): absent, "" or "*" match everything;
// a matcher of only [A-Za-z0-9_|] is an exact match on |-separated names; anything else is an
// unanchored ECMAScript regex search. An invalid regex never matches.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace appserver::hooks {

/// A compiled matcher. Copyable and immutable; safe to share across threads.
class Matcher {
 public:
  /// Compiles `pattern`. On an invalid regex, `error()` holds the reason and matches() is false.
  explicit Matcher(std::optional<std::string> pattern);

  /// True if this matcher selects `input` (a tool name, SessionStart source, ...).
  bool matches(std::string_view input) const;
  /// The configured pattern (nullopt when absent).
  const std::optional<std::string>& pattern() const { return pattern_; }
  /// Empty when the pattern compiled; otherwise the regex error text.
  const std::string& error() const { return error_; }

 private:
  enum class Mode { all, exact, regex, invalid };
  std::optional<std::string> pattern_;
  Mode mode_ = Mode::all;
  std::shared_ptr<const std::regex> regex_;
  std::string error_;
};

}  // namespace appserver::hooks
