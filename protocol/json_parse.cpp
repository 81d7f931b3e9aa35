// Depth-bounded JSON parsing; see json_parse.hpp.
//
// nlohmann's own DOM builder (json_sax_dom_parser) does the building; the wrapper below only
// counts depth and drops events below the limit, so behaviour and speed are the library's.
#include "protocol/json_parse.hpp"

#include <utility>
#include <vector>

namespace appserver::protocol {

namespace {

template <class BasicJson>
class DepthLimitedSax : public nlohmann::detail::json_sax_dom_parser<BasicJson> {
  using Base = nlohmann::detail::json_sax_dom_parser<BasicJson>;

 public:
  using number_integer_t = typename BasicJson::number_integer_t;
  using number_unsigned_t = typename BasicJson::number_unsigned_t;
  using number_float_t = typename BasicJson::number_float_t;
  using string_t = typename BasicJson::string_t;
  using binary_t = typename BasicJson::binary_t;

  DepthLimitedSax(BasicJson& root, std::size_t max_depth) : Base(root, false), max_depth_(max_depth) {}

  bool null() { return skipping() || Base::null(); }
  bool boolean(bool v) { return skipping() || Base::boolean(v); }
  bool number_integer(number_integer_t v) { return skipping() || Base::number_integer(v); }
  bool number_unsigned(number_unsigned_t v) { return skipping() || Base::number_unsigned(v); }
  bool number_float(number_float_t v, const string_t& s) { return skipping() || Base::number_float(v, s); }
  bool string(string_t& v) { return skipping() || Base::string(v); }
  bool binary(binary_t& v) { return skipping() || Base::binary(v); }
  bool key(string_t& v) { return skipping() || Base::key(v); }

  bool start_object(std::size_t n) { return open() || Base::start_object(n); }
  bool end_object() { return close() || Base::end_object(); }
  bool start_array(std::size_t n) { return open() || Base::start_array(n); }
  bool end_array() { return close() || Base::end_array(); }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& ex) {
    syntax_error_ = "syntax error at byte " + std::to_string(position) + ": " + ex.what();
    (void)token;
    return Base::parse_error(position, token, ex);
  }

  bool too_deep() const { return too_deep_; }
  const std::string& syntax_error() const { return syntax_error_; }

 private:
  bool skipping() const { return depth_ > max_depth_; }
  /// True when the container is skipped (deeper than the limit).
  bool open() {
    ++depth_;
    if (depth_ > max_depth_) {
      too_deep_ = true;
      return true;
    }
    return false;
  }
  bool close() {
    const bool skipped = depth_ > max_depth_;
    --depth_;
    return skipped;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  std::string syntax_error_;
};

}  // namespace

template <class BasicJson>
BoundedParse<BasicJson> parse_bounded(std::string_view text, std::size_t max_depth) {
  BoundedParse<BasicJson> out;
  DepthLimitedSax<BasicJson> sax(out.value, max_depth);
  const bool parsed = BasicJson::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json,
                                           /*strict=*/true);
  if (!parsed || sax.is_errored()) {
    out.value = BasicJson(BasicJson::value_t::discarded);
    out.error = sax.syntax_error().empty() ? "invalid JSON" : sax.syntax_error();
    return out;
  }
  if (sax.too_deep()) {
    out.too_deep = true;
    out.error = "nesting deeper than " + std::to_string(max_depth) + " levels";
  }
  return out;
}

template <class BasicJson>
std::size_t json_depth(const BasicJson& value) {
  std::size_t deepest = 0;
  std::vector<std::pair<const BasicJson*, std::size_t>> stack{{&value, 0}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const auto& child : *node) stack.emplace_back(&child, depth + 1);
  }
  return deepest;
}

template BoundedParse<nlohmann::json> parse_bounded<nlohmann::json>(std::string_view, std::size_t);
template BoundedParse<nlohmann::ordered_json> parse_bounded<nlohmann::ordered_json>(std::string_view, std::size_t);
template std::size_t json_depth<nlohmann::json>(const nlohmann::json&);
template std::size_t json_depth<nlohmann::ordered_json>(const nlohmann::ordered_json&);

}  // namespace appserver::protocol
