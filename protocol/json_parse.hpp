// Depth-bounded JSON parsing: the only way text from outside the process (client messages,
// hook stdout, hooks.json, history lines, model events) becomes a Json value.
//
// Why: nlohmann's parser itself is iterative, but much of what follows a parse is recursive
// (copying a value, dump(), decoding into protocol types, comparisons). A message holding
// 60,000 nested arrays parsed fine and then overflowed the stack of the one io thread,
// killing the daemon for every client. The reference's serde_json stops at 128 levels; so do
// we, while parsing, so no over-deep value is ever built.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace appserver::protocol {

/// The deepest nesting accepted anywhere (objects + arrays; the top-level value is depth 1).
/// A value at exactly this depth is accepted; one more level is rejected.
inline constexpr std::size_t kMaxJsonDepth = 128;

/// Result of parse_bounded().
template <class BasicJson>
struct BoundedParse {
  /// The parsed value. When `too_deep`, it holds the document with every subtree deeper than
  /// the limit left out (a member's value is null, an array element is missing), so the
  /// caller can still read shallow members such as a JSON-RPC `id`. Discarded on a syntax
  /// error.
  BasicJson value;
  bool too_deep = false;
  /// "" when the text parsed within the limit; otherwise a one-line reason
  /// ("syntax error at byte 12: …" or "nesting deeper than 128 levels").
  std::string error;
  bool ok() const { return error.empty(); }
};

/// Parses `text` as one JSON value, never building a value nested deeper than `max_depth`.
/// Never throws for bad input (std::bad_alloc aside).
template <class BasicJson = nlohmann::json>
BoundedParse<BasicJson> parse_bounded(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

/// parse_bounded() that returns a discarded value (is_discarded()) on any error, for callers
/// that only need to know whether the text was acceptable.
template <class BasicJson = nlohmann::json>
BasicJson parse_or_discard(std::string_view text, std::size_t max_depth = kMaxJsonDepth) {
  auto parsed = parse_bounded<BasicJson>(text, max_depth);
  if (!parsed.ok()) return BasicJson(BasicJson::value_t::discarded);
  return std::move(parsed.value);
}

/// Depth of an already-built value (iterative; a scalar is 0, `[]` and `{}` are 1).
template <class BasicJson = nlohmann::json>
std::size_t json_depth(const BasicJson& value);

extern template BoundedParse<nlohmann::json> parse_bounded<nlohmann::json>(std::string_view, std::size_t);
extern template BoundedParse<nlohmann::ordered_json> parse_bounded<nlohmann::ordered_json>(std::string_view,
                                                                                          std::size_t);
extern template std::size_t json_depth<nlohmann::json>(const nlohmann::json&);
extern template std::size_t json_depth<nlohmann::ordered_json>(const nlohmann::ordered_json&);

}  // namespace appserver::protocol
