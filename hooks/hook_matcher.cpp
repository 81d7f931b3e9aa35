// Matcher implementation; see hook_matcher.hpp.
#include "hooks/hook_matcher.hpp"

#include <algorithm>

namespace appserver::hooks {

namespace {
bool is_exact_pattern(const std::string& p) {
  return std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '|';
  });
}
}  // namespace

Matcher::Matcher(std::optional<std::string> pattern) : pattern_(std::move(pattern)) {
  if (!pattern_ || pattern_->empty() || *pattern_ == "*") {
    mode_ = Mode::all;
  } else if (is_exact_pattern(*pattern_)) {
    mode_ = Mode::exact;
  } else {
    try {
      regex_ = std::make_shared<const std::regex>(*pattern_, std::regex::ECMAScript);
      mode_ = Mode::regex;
    } catch (const std::regex_error& e) {
      mode_ = Mode::invalid;
      error_ = e.what();
    }
  }
}

bool Matcher::matches(std::string_view input) const {
  switch (mode_) {
    case Mode::all:
      return true;
    case Mode::exact: {
      std::string_view rest = *pattern_;
      while (true) {
        auto bar = rest.find('|');
        if (rest.substr(0, bar) == input) return true;
        if (bar == std::string_view::npos) return false;
        rest.remove_prefix(bar + 1);
      }
    }
    case Mode::regex:
      return std::regex_search(input.begin(), input.end(), *regex_);
    case Mode::invalid:
      return false;
  }
  return false;
}

}  // namespace appserver::hooks
