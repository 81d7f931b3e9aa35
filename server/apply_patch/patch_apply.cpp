// Planning and applying a patch; see patch_apply.hpp.
#include "server/apply_patch/patch_apply.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace appserver::apply_patch {

namespace fs = std::filesystem;

namespace {

std::string os_error(int err) { return std::string(std::strerror(err)) + " (os error " + std::to_string(err) + ")"; }

/// The whole file, or the errno.
std::variant<std::string, int> read_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return EISDIR;
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

/// Writes `content` to `path` atomically: a temporary file beside it, then rename(2). Keeps
/// the mode of an existing file; creates missing parent folders. Returns "" or the error.
std::string write_atomically(const fs::path& path, const std::string& content) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) return "Failed to create parent directories for " + path.string() + ": " + ec.message();
  }
  mode_t mode = 0644;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  const fs::path temp = path.parent_path() / ("." + path.filename().string() + ".apply_patch." + std::to_string(::getpid()));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return "Failed to write file " + path.string() + ": " + os_error(errno);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return "Failed to write file " + path.string() + ": " + os_error(e);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || ::close(fd) != 0) {
    const int e = errno;
    ::unlink(temp.c_str());
    return "Failed to write file " + path.string() + ": " + os_error(e);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(temp.c_str());
    return "Failed to write file " + path.string() + ": " + os_error(e);
  }
  return "";
}

/// The reference's last matching pass: typographic dashes, quotes and spaces as ASCII.
std::string normalise(const std::string& s) {
  std::string out;
  const std::string_view t = trim(s);
  for (std::size_t i = 0; i < t.size();) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (c < 0x80) {
      out.push_back(t[i++]);
      continue;
    }
    const int len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len && i + k < t.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(t[i + k]) & 0x3F);
    const std::string_view raw = t.substr(i, static_cast<std::size_t>(len));
    i += static_cast<std::size_t>(len);
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212) out.push_back('-');
    else if (cp >= 0x2018 && cp <= 0x201B) out.push_back('\'');
    else if (cp >= 0x201C && cp <= 0x201F) out.push_back('"');
    else if (cp == 0x00A0 || (cp >= 0x2002 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000)
      out.push_back(' ');
    else out += raw;
  }
  return out;
}

/// One chunk's replacement: lines [start, start + old_len) become `new_lines`.
struct Replacement {
  std::size_t start, old_len;
  std::vector<std::string> new_lines;
};

std::string join(const std::vector<std::string>& lines, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += sep;
    out += lines[i];
  }
  return out;
}

/// The new content of `path` (holding `original`) after `chunks`, or the reference's error.
std::variant<std::string, std::string> updated_content(const fs::path& path, const std::string& original,
                                                       const std::vector<UpdateChunk>& chunks) {
  const std::vector<std::string> lines = split_file_lines(original);
  std::vector<Replacement> replacements;
  std::size_t at = 0;
  for (const auto& chunk : chunks) {
    if (chunk.change_context) {
      auto found = seek_sequence(lines, {*chunk.change_context}, at, false);
      if (!found)
        return std::variant<std::string, std::string>(std::in_place_index<1>, "Failed to find context '" +
                                                                                  *chunk.change_context + "' in " +
                                                                                  path.string());
      at = *found + 1;
    }
    if (chunk.old_lines.empty()) {  // a pure addition: at the end (before a final empty line)
      const std::size_t where = !lines.empty() && lines.back().empty() ? lines.size() - 1 : lines.size();
      replacements.push_back({where, 0, chunk.new_lines});
      continue;
    }
    std::vector<std::string> pattern = chunk.old_lines, replacement = chunk.new_lines;
    auto found = seek_sequence(lines, pattern, at, chunk.is_end_of_file);
    if (!found && pattern.back().empty()) {  // the final "" stands for the file's last newline
      pattern.pop_back();
      if (!replacement.empty() && replacement.back().empty()) replacement.pop_back();
      found = seek_sequence(lines, pattern, at, chunk.is_end_of_file);
    }
    if (!found)
      return std::variant<std::string, std::string>(
          std::in_place_index<1>, "Failed to find expected lines in " + path.string() + ":\n" + join(chunk.old_lines, "\n"));
    replacements.push_back({*found, pattern.size(), std::move(replacement)});
    at = *found + pattern.size();
  }
  std::stable_sort(replacements.begin(), replacements.end(),
                   [](const Replacement& a, const Replacement& b) { return a.start < b.start; });
  std::vector<std::string> out = lines;
  for (auto it = replacements.rbegin(); it != replacements.rend(); ++it) {
    const std::size_t start = std::min(it->start, out.size());
    const std::size_t end = std::min(start + it->old_len, out.size());
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(start), out.begin() + static_cast<std::ptrdiff_t>(end));
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(start), it->new_lines.begin(), it->new_lines.end());
  }
  if (out.empty() || !out.back().empty()) out.emplace_back();  // the content ends with a newline
  return std::variant<std::string, std::string>(std::in_place_index<0>, join(out, "\n"));
}

}  // namespace

std::vector<std::string> split_file_lines(const std::string& content) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  for (;;) {
    const auto nl = content.find('\n', pos);
    lines.push_back(content.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::optional<std::size_t> seek_sequence(const std::vector<std::string>& lines,
                                         const std::vector<std::string>& pattern, std::size_t start, bool eof) {
  if (pattern.empty()) return start;
  if (pattern.size() > lines.size()) return std::nullopt;
  const std::size_t last = lines.size() - pattern.size();
  const std::size_t from = eof ? last : start;
  auto search = [&](auto same) -> std::optional<std::size_t> {
    for (std::size_t i = from; i <= last; ++i) {
      bool ok = true;
      for (std::size_t p = 0; p < pattern.size() && ok; ++p) ok = same(lines[i + p], pattern[p]);
      if (ok) return i;
    }
    return std::nullopt;
  };
  if (auto i = search([](const std::string& a, const std::string& b) { return a == b; })) return i;
  if (auto i = search([](const std::string& a, const std::string& b) { return trim_end(a) == trim_end(b); }))
    return i;
  if (auto i = search([](const std::string& a, const std::string& b) { return trim(a) == trim(b); }))
    return i;
  return search([](const std::string& a, const std::string& b) { return normalise(a) == normalise(b); });
}

std::variant<std::vector<FileChange>, std::string> plan_patch(const Patch& patch, const fs::path& cwd) {
  using Result = std::variant<std::vector<FileChange>, std::string>;
  if (patch.hunks.empty()) return Result(std::in_place_index<1>, "No files were modified.");
  auto resolve = [&](const std::string& p) { return (fs::path(p).is_absolute() ? fs::path(p) : cwd / p).lexically_normal(); };
  std::vector<FileChange> changes;
  for (const auto& hunk : patch.hunks) {
    FileChange change;
    if (const auto* add = std::get_if<AddFile>(&hunk)) {
      change.kind = FileChange::Kind::add;
      change.path = resolve(add->path);
      change.shown_path = add->path;
      if (auto existing = read_file(change.path); std::holds_alternative<std::string>(existing))
        change.old_content = std::get<std::string>(std::move(existing));  // the reference overwrites it
      change.new_content = add->contents;
    } else if (const auto* del = std::get_if<DeleteFile>(&hunk)) {
      change.kind = FileChange::Kind::remove;
      change.path = resolve(del->path);
      change.shown_path = del->path;
      auto existing = read_file(change.path);
      if (const int* err = std::get_if<int>(&existing))
        return Result(std::in_place_index<1>, "Failed to read " + change.path.string() + ": " + os_error(*err));
      change.old_content = std::get<std::string>(std::move(existing));
    } else {
      const auto& update = std::get<UpdateFile>(hunk);
      change.kind = FileChange::Kind::update;
      change.path = resolve(update.path);
      if (update.move_path) change.move_path = resolve(*update.move_path);
      change.shown_path = update.move_path.value_or(update.path);
      // A file an earlier hunk of this patch changed is updated from that new content.
      std::optional<std::string> base;
      for (auto it = changes.rbegin(); it != changes.rend() && !base; ++it)
        if ((it->move_path ? *it->move_path : it->path) == change.path && it->kind != FileChange::Kind::remove)
          base = it->new_content;
      if (!base) {
        auto existing = read_file(change.path);
        if (const int* err = std::get_if<int>(&existing))
          return Result(std::in_place_index<1>,
                        "Failed to read file to update " + change.path.string() + ": " + os_error(*err));
        base = std::get<std::string>(std::move(existing));
      }
      auto updated = updated_content(change.path, *base, update.chunks);
      if (updated.index() == 1) return Result(std::in_place_index<1>, std::get<1>(std::move(updated)));
      change.old_content = std::move(*base);
      change.new_content = std::get<0>(std::move(updated));
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

std::string apply_changes(const std::vector<FileChange>& changes) {
  // What was there before each write, to put back if a later one fails.
  struct Undo {
    fs::path path;
    std::optional<std::string> content;  // nullopt: the file did not exist
  };
  std::vector<Undo> undo;
  auto remember = [&](const fs::path& path) {
    auto existing = read_file(path);
    undo.push_back({path, std::holds_alternative<std::string>(existing)
                              ? std::optional<std::string>(std::get<std::string>(std::move(existing)))
                              : std::nullopt});
  };
  std::string error;
  for (const auto& change : changes) {
    if (change.kind == FileChange::Kind::remove) {
      remember(change.path);
      if (::unlink(change.path.c_str()) != 0) error = "Failed to delete file " + change.path.string() + ": " + os_error(errno);
    } else {
      const fs::path& target = change.move_path ? *change.move_path : change.path;
      remember(target);
      error = write_atomically(target, change.new_content);
      if (error.empty() && change.move_path && *change.move_path != change.path) {
        remember(change.path);
        if (::unlink(change.path.c_str()) != 0)
          error = "Failed to remove original " + change.path.string() + ": " + os_error(errno);
      }
    }
    if (!error.empty()) break;
  }
  if (error.empty()) return "";
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) {  // put back what was changed
    if (it->content) write_atomically(it->path, *it->content);
    else ::unlink(it->path.c_str());
  }
  return error;
}

std::string success_summary(const std::vector<FileChange>& changes) {
  std::string added, modified, deleted;
  for (const auto& change : changes) {
    const std::string path =
        !change.shown_path.empty() ? change.shown_path : (change.move_path ? *change.move_path : change.path).string();
    if (change.kind == FileChange::Kind::add) added += "A " + path + "\n";
    else if (change.kind == FileChange::Kind::remove) deleted += "D " + path + "\n";
    else modified += "M " + path + "\n";
  }
  return "Success. Updated the following files:\n" + added + modified + deleted;
}

}  // namespace appserver::apply_patch
