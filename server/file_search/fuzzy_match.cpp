// Fuzzy matching; see fuzzy_match.hpp for the rules and where they come from.
#include "server/file_search/fuzzy_match.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>

namespace appserver {

namespace {

constexpr int kScoreMatch = 16;
constexpr int kGapStart = 3;
constexpr int kGapExtension = 1;
constexpr int kBonusBoundary = kScoreMatch / 2;      // 8
constexpr int kBonusWhite = kBonusBoundary + 2;      // 10
constexpr int kBonusDelimiter = kBonusBoundary + 1;  // 9
constexpr int kBonusCamel = kBonusBoundary - kGapExtension;  // 7
constexpr int kBonusConsecutive = kGapStart + kGapExtension;  // 4
constexpr int kFirstCharMultiplier = 2;
constexpr std::uint32_t kNameTier = 1u << 16;

enum class CharClass { whitespace, non_word, delimiter, lower, upper, letter, number };

/// Decodes UTF-8 into code points (an invalid byte stands for itself).
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len <= 1 || i + len > s.size()) {
      out.push_back(c);
      ++i;
      continue;
    }
    char32_t cp = c & (0x7F >> len);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

CharClass classify(char32_t c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return CharClass::whitespace;
  if (c == '/') return CharClass::delimiter;
  if (c >= 'a' && c <= 'z') return CharClass::lower;
  if (c >= 'A' && c <= 'Z') return CharClass::upper;
  if (c >= '0' && c <= '9') return CharClass::number;
  if (c < 0x80) return CharClass::non_word;
  return CharClass::letter;
}

int bonus_for(CharClass prev, CharClass cur) {
  const bool word = cur > CharClass::delimiter;
  if (word) {
    if (prev == CharClass::whitespace) return kBonusWhite;
    if (prev == CharClass::delimiter) return kBonusDelimiter;
    if (prev == CharClass::non_word) return kBonusBoundary;
  }
  if ((prev == CharClass::lower && cur == CharClass::upper) ||
      (prev != CharClass::number && cur == CharClass::number))
    return kBonusCamel;
  if (cur == CharClass::whitespace) return kBonusWhite;
  if (cur == CharClass::non_word || cur == CharClass::delimiter) return kBonusBoundary;
  return 0;
}

char32_t fold(char32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

std::optional<FuzzyMatch> match_points(const std::vector<char32_t>& q, const std::vector<char32_t>& h,
                                       bool case_sensitive) {
  const std::size_t m = q.size(), n = h.size();
  if (m == 0 || m > n) return std::nullopt;
  auto eq = [&](char32_t a, char32_t b) { return case_sensitive ? a == b : fold(a) == fold(b); };
  {  // quick reject: q must be a subsequence of h
    std::size_t i = 0;
    for (std::size_t j = 0; j < n && i < m; ++j)
      if (eq(q[i], h[j])) ++i;
    if (i < m) return std::nullopt;
  }
  std::vector<int> bonus(n);
  CharClass prev = CharClass::delimiter;  // the start of a path counts as after a delimiter
  for (std::size_t j = 0; j < n; ++j) {
    const CharClass cur = classify(h[j]);
    bonus[j] = bonus_for(prev, cur);
    prev = cur;
  }
  constexpr int kNone = INT_MIN / 2;
  // score[i][j]: best with q[i] matched at h[j]; run[i][j]: the bonus its consecutive run
  // carries; from_gap[i][j]: whether that best came over a gap (for the backtrack: the
  // position of q[i-1] is then the argmax kept in `origin`).
  std::vector<int> score(m * n, kNone), run(m * n, 0), origin(m * n, -1);
  for (std::size_t i = 0; i < m; ++i) {
    int gap_best = kNone, gap_from = -1;  // max over k ≤ j-2 of score[i-1][k] - gap cost to j
    for (std::size_t j = i; j < n; ++j) {
      if (i > 0 && j >= 2) {
        const int cand = score[(i - 1) * n + j - 2];
        if (gap_best != kNone) gap_best -= kGapExtension;
        if (cand != kNone && cand - kGapStart > gap_best) {
          gap_best = cand - kGapStart;
          gap_from = static_cast<int>(j - 2);
        }
      }
      if (!eq(q[i], h[j])) continue;
      const std::size_t at = i * n + j;
      if (i == 0) {
        score[at] = kScoreMatch + bonus[j] * kFirstCharMultiplier;
        run[at] = bonus[j];
        continue;
      }
      int best = kNone, best_run = 0, best_origin = -1;
      if (j >= 1 && score[(i - 1) * n + j - 1] != kNone) {  // consecutive
        const int inherited = run[(i - 1) * n + j - 1];
        int first = inherited;
        if (bonus[j] >= kBonusBoundary && bonus[j] > first) first = bonus[j];
        best = score[(i - 1) * n + j - 1] + kScoreMatch + std::max({bonus[j], first, kBonusConsecutive});
        best_run = first;
        best_origin = static_cast<int>(j - 1);
      }
      if (gap_best != kNone && gap_best + kScoreMatch + bonus[j] > best) {
        best = gap_best + kScoreMatch + bonus[j];
        best_run = bonus[j];
        best_origin = gap_from;
      }
      score[at] = best;
      run[at] = best_run;
      origin[at] = best_origin;
    }
  }
  int best = kNone, end = -1;
  for (std::size_t j = 0; j < n; ++j)
    if (score[(m - 1) * n + j] > best) {
      best = score[(m - 1) * n + j];
      end = static_cast<int>(j);
    }
  if (end < 0 || best < 0) return std::nullopt;
  FuzzyMatch out;
  out.score = static_cast<std::uint32_t>(best);
  out.indices.resize(m);
  for (std::size_t i = m; i-- > 0;) {
    out.indices[i] = static_cast<std::uint32_t>(end);
    end = origin[i * n + end];
  }
  return out;
}

bool has_upper(const std::vector<char32_t>& q) {
  return std::any_of(q.begin(), q.end(), [](char32_t c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

std::optional<FuzzyMatch> fuzzy_match(std::string_view query, std::string_view text) {
  const auto q = code_points(query);
  return match_points(q, code_points(text), has_upper(q));
}

std::optional<FuzzyMatch> fuzzy_match_path(std::string_view query, std::string_view path, bool is_directory) {
  const auto q = code_points(query);
  const auto h = code_points(path);
  const bool case_sensitive = has_upper(q);
  std::size_t name_start = h.size();
  while (name_start > 0 && h[name_start - 1] != '/') --name_start;
  const std::vector<char32_t> name(h.begin() + static_cast<std::ptrdiff_t>(name_start), h.end());
  const bool exact = name.size() == q.size() &&
                     std::equal(q.begin(), q.end(), name.begin(), [&](char32_t a, char32_t b) {
                       return case_sensitive ? a == b : fold(a) == fold(b);
                     });
  std::uint32_t tier = 0;
  if (is_directory) tier = exact ? 2 : 0;
  else tier = exact ? 3 : 1;
  if (tier > 0) {
    if (auto in_name = match_points(q, name, case_sensitive)) {
      in_name->score += tier * kNameTier;
      for (auto& index : in_name->indices) index += static_cast<std::uint32_t>(name_start);
      return in_name;
    }
  }
  return match_points(q, h, case_sensitive);
}

}  // namespace appserver
