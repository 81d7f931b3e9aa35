// apply_patch invocations in a command line; see invocation.hpp.
#include "server/apply_patch/invocation.hpp"
#include "server/apply_patch/patch_parser.hpp"

#include <cctype>

namespace appserver::apply_patch {

namespace {

/// One shell word at the start of `s` (plain, '…' or "…" without escapes); advances `s`.
std::optional<std::string> take_word(std::string_view& s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s[0] == '\'' || s[0] == '"') {
    const auto end = s.find(s[0], 1);
    if (end == std::string_view::npos) return std::nullopt;
    std::string word(s.substr(1, end - 1));
    if (s[0] == '"' && word.find_first_of("$`\\") != std::string::npos) return std::nullopt;
    s.remove_prefix(end + 1);
    return word;
  }
  std::size_t end = 0;
  while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) &&
         std::string_view(";|&<>()$`\\\"'").find(s[end]) == std::string_view::npos)
    ++end;
  if (end == 0) return std::nullopt;
  std::string word(s.substr(0, end));
  s.remove_prefix(end);
  return word;
}

}  // namespace

std::optional<Invocation> match_invocation(std::string_view command) {
  const auto newline = command.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  std::string_view head = trim(command.substr(0, newline));
  Invocation out;
  if (head.substr(0, 3) == "cd ") {
    head.remove_prefix(3);
    auto dir = take_word(head);
    head = trim(head);
    if (!dir || head.substr(0, 2) != "&&") return std::nullopt;
    head.remove_prefix(2);
    out.workdir = *dir;
  }
  auto name = take_word(head);
  if (!name || (*name != "apply_patch" && *name != "applypatch")) return std::nullopt;
  head = trim(head);
  if (head.substr(0, 2) != "<<") return std::nullopt;
  head.remove_prefix(2);
  if (!head.empty() && head[0] == '-') return std::nullopt;  // <<- strips tabs: not the reference's form
  auto delimiter = take_word(head);
  if (!delimiter || delimiter->empty() || !trim(head).empty()) return std::nullopt;
  // The body runs to the line that is exactly the delimiter; nothing but blank lines after it.
  std::string_view rest = command.substr(newline + 1);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    auto end = rest.find('\n', pos);
    const std::string_view line = rest.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (line == *delimiter) {
      if (!trim(end == std::string_view::npos ? std::string_view() : rest.substr(end + 1)).empty()) return std::nullopt;
      out.patch = std::string(rest.substr(0, pos));
      return out;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace appserver::apply_patch
