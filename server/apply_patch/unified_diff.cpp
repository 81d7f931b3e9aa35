// Unified diff hunks from dtl's edit script; see unified_diff.hpp.
#include "server/apply_patch/unified_diff.hpp"

#include <dtl/dtl.hpp>

#include <algorithm>
#include <optional>
#include <vector>

namespace appserver::apply_patch {

namespace {

struct Line {
  std::string text;
  bool newline = true;  // the line ended with "\n"
};

std::vector<Line> lines_of(const std::string& text) {
  std::vector<Line> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      out.push_back({text.substr(pos), false});
      break;
    }
    out.push_back({text.substr(pos, nl - pos), true});
    pos = nl + 1;
  }
  return out;
}

std::string range(std::size_t start, std::size_t length) {  // start: 0-based
  if (length == 1) return std::to_string(start + 1);
  return std::to_string(length == 0 ? start : start + 1) + "," + std::to_string(length);
}

}  // namespace

std::string unified_diff_hunks(const std::string& old_text, const std::string& new_text, std::size_t context) {
  const auto a = lines_of(old_text), b = lines_of(new_text);
  // Lines compare with their newline, so "x" and "x\n" differ (as `similar` compares them).
  std::vector<std::string> sa, sb;
  for (const auto& l : a) sa.push_back(l.text + (l.newline ? "\n" : ""));
  for (const auto& l : b) sb.push_back(l.text + (l.newline ? "\n" : ""));
  dtl::Diff<std::string> diff(sa, sb);
  diff.compose();
  // The edit script as (kind, old index, new index) with kind -1 delete, 0 common, 1 add.
  struct Op {
    int kind;
    std::size_t ai, bi;
  };
  std::vector<Op> ops;
  std::size_t ai = 0, bi = 0;
  for (const auto& [elem, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_COMMON) ops.push_back({0, ai++, bi++});
    else if (info.type == dtl::SES_DELETE) ops.push_back({-1, ai++, bi});
    else ops.push_back({1, ai, bi++});
  }
  std::string out;
  auto emit = [&](std::size_t first_change, std::size_t last_change) {
    const std::size_t start = first_change >= context ? first_change - context : 0;
    const std::size_t end = std::min(ops.size(), last_change + context + 1);
    std::size_t old_len = 0, new_len = 0;
    for (std::size_t k = start; k < end; ++k) {
      if (ops[k].kind <= 0) ++old_len;
      if (ops[k].kind >= 0) ++new_len;
    }
    out += "@@ -" + range(ops[start].ai, old_len) + " +" + range(ops[start].bi, new_len) + " @@\n";
    for (std::size_t k = start; k < end; ++k) {
      const Line& line = ops[k].kind == 1 ? b[ops[k].bi] : a[ops[k].ai];
      out += (ops[k].kind == 0 ? " " : ops[k].kind < 0 ? "-" : "+") + line.text + "\n";
      if (!line.newline) out += "\\ No newline at end of file\n";
    }
  };
  // Changes closer than 2 × context common lines share a hunk.
  std::optional<std::size_t> first, last;
  for (std::size_t k = 0; k < ops.size(); ++k) {
    if (ops[k].kind == 0) continue;
    if (last && k - *last - 1 > 2 * context) {
      emit(*first, *last);
      first.reset();
    }
    if (!first) first = k;
    last = k;
  }
  if (first) emit(*first, *last);
  return out;
}

}  // namespace appserver::apply_patch
