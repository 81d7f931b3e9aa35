// The apply_patch parser; see patch_parser.hpp for the format and the leniency rules.
#include "server/apply_patch/patch_parser.hpp"

namespace appserver::apply_patch {

namespace {
constexpr std::string_view kBlanks = " \t\r\n\v\f";
}  // namespace

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlanks) - first + 1);
}

std::string_view trim_end(std::string_view s) {
  const auto last = s.find_last_not_of(kBlanks);
  return last == std::string_view::npos ? std::string_view{} : s.substr(0, last + 1);
}

namespace {

constexpr std::string_view kBegin = "*** Begin Patch";
constexpr std::string_view kEnd = "*** End Patch";
constexpr std::string_view kAdd = "*** Add File: ";
constexpr std::string_view kDelete = "*** Delete File: ";
constexpr std::string_view kUpdate = "*** Update File: ";
constexpr std::string_view kMoveTo = "*** Move to: ";
constexpr std::string_view kEndOfFile = "*** End of File";
constexpr std::string_view kContext = "@@ ";
constexpr std::string_view kEmptyContext = "@@";

using Lines = std::vector<std::string_view>;

struct HunkError {
  std::string message;
  std::size_t line;
};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// Rust's str::lines(): split at "\n", a trailing "\r" dropped from each line, no final empty line.
Lines split_lines(std::string_view text) {
  Lines out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

/// "" or the boundary error for these lines.
std::string check_boundaries(const Lines& lines) {
  const std::string_view first = lines.empty() ? std::string_view() : trim(lines.front());
  const std::string_view last = lines.empty() ? std::string_view() : trim(lines.back());
  if (!lines.empty() && first == kBegin && last == kEnd && lines.size() >= 2) return "";
  if (!lines.empty() && first != kBegin) return "The first line of the patch must be '*** Begin Patch'";
  return "The last line of the patch must be '*** End Patch'";
}

std::variant<UpdateChunk, HunkError> parse_chunk(const Lines& lines, std::size_t at, std::size_t line_number,
                                                 bool allow_missing_context, std::size_t& consumed) {
  if (at >= lines.size()) return HunkError{"Update hunk does not contain any lines", line_number};
  UpdateChunk chunk;
  std::size_t start = 0;
  if (lines[at] == kEmptyContext) {
    start = 1;
  } else if (starts_with(lines[at], kContext)) {
    chunk.change_context = std::string(lines[at].substr(kContext.size()));
    start = 1;
  } else if (!allow_missing_context) {
    return HunkError{"Expected update hunk to start with a @@ context marker, got: '" + std::string(lines[at]) + "'",
                     line_number};
  }
  if (at + start >= lines.size()) return HunkError{"Update hunk does not contain any lines", line_number + 1};
  std::size_t parsed = 0;
  for (std::size_t i = at + start; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line == kEndOfFile) {
      if (parsed == 0) return HunkError{"Update hunk does not contain any lines", line_number + 1};
      chunk.is_end_of_file = true;
      ++parsed;
      break;
    }
    if (line.empty()) {
      chunk.old_lines.emplace_back();
      chunk.new_lines.emplace_back();
    } else if (line[0] == ' ') {
      chunk.old_lines.emplace_back(line.substr(1));
      chunk.new_lines.emplace_back(line.substr(1));
    } else if (line[0] == '+') {
      chunk.new_lines.emplace_back(line.substr(1));
    } else if (line[0] == '-') {
      chunk.old_lines.emplace_back(line.substr(1));
    } else {
      if (parsed == 0)
        return HunkError{"Unexpected line found in update hunk: '" + std::string(line) +
                             "'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
                         line_number + 1};
      break;  // the start of the next hunk
    }
    ++parsed;
  }
  consumed = parsed + start;
  return chunk;
}

std::variant<Hunk, HunkError> parse_hunk(const Lines& lines, std::size_t at, std::size_t line_number,
                                         std::size_t& consumed) {
  const std::string_view first = trim(lines[at]);
  if (starts_with(first, kAdd)) {
    AddFile add{std::string(first.substr(kAdd.size())), ""};
    consumed = 1;
    for (std::size_t i = at + 1; i < lines.size() && starts_with(lines[i], "+"); ++i, ++consumed) {
      add.contents.append(lines[i].substr(1));
      add.contents.push_back('\n');
    }
    return add;
  }
  if (starts_with(first, kDelete)) {
    consumed = 1;
    return DeleteFile{std::string(first.substr(kDelete.size()))};
  }
  if (starts_with(first, kUpdate)) {
    UpdateFile update{std::string(first.substr(kUpdate.size())), std::nullopt, {}};
    std::size_t i = at + 1;
    consumed = 1;
    if (i < lines.size() && starts_with(lines[i], kMoveTo)) {
      update.move_path = std::string(lines[i].substr(kMoveTo.size()));
      ++i;
      ++consumed;
    }
    while (i < lines.size()) {
      if (trim(lines[i]).empty()) {  // blank lines between chunks
        ++i;
        ++consumed;
        continue;
      }
      if (starts_with(lines[i], "*")) break;  // the next hunk's marker
      std::size_t chunk_lines = 0;
      auto chunk = parse_chunk(lines, i, line_number + consumed, update.chunks.empty(), chunk_lines);
      if (auto* error = std::get_if<HunkError>(&chunk)) return *error;
      update.chunks.push_back(std::get<UpdateChunk>(std::move(chunk)));
      i += chunk_lines;
      consumed += chunk_lines;
    }
    if (update.chunks.empty())
      return HunkError{"Update file hunk for path '" + update.path + "' is empty", line_number};
    return update;
  }
  return HunkError{"'" + std::string(first) +
                       "' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', "
                       "'*** Delete File: {path}', '*** Update File: {path}'",
                   line_number};
}

}  // namespace

std::variant<Patch, std::string> parse_patch(std::string_view text) {
  Lines lines = split_lines(trim(text));
  if (std::string error = check_boundaries(lines); !error.empty()) {
    // Lenient: a heredoc around the patch (`<<'EOF'` … `EOF`), as models send it.
    const bool heredoc = lines.size() >= 4 &&
                         (lines.front() == "<<EOF" || lines.front() == "<<'EOF'" || lines.front() == "<<\"EOF\"") &&
                         lines.back().size() >= 3 && lines.back().substr(lines.back().size() - 3) == "EOF";
    if (!heredoc) return "invalid patch: " + error;
    lines = Lines(lines.begin() + 1, lines.end() - 1);
    if (std::string inner = check_boundaries(lines); !inner.empty()) return "invalid patch: " + inner;
  }
  Patch patch;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) patch.text += '\n';
    patch.text += lines[i];
  }
  const Lines body(lines.begin() + 1, lines.end() - 1);
  std::size_t line_number = 2;
  for (std::size_t at = 0; at < body.size();) {
    std::size_t consumed = 0;
    auto hunk = parse_hunk(body, at, line_number, consumed);
    if (auto* error = std::get_if<HunkError>(&hunk))
      return "invalid hunk at line " + std::to_string(error->line) + ", " + error->message;
    patch.hunks.push_back(std::get<Hunk>(std::move(hunk)));
    at += consumed;
    line_number += consumed;
  }
  return patch;
}

}  // namespace appserver::apply_patch
