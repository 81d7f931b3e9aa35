// A turn's net diff from its patches; see turn_diff.hpp.
#include "server/apply_patch/turn_diff.hpp"

#include "server/apply_patch/unified_diff.hpp"

#include <nettle/sha1.h>

#include <algorithm>
#include <set>

namespace appserver::apply_patch {

namespace {
constexpr const char* kZeroId = "0000000000000000000000000000000000000000";
}  // namespace

std::string git_blob_id(const std::string& content) {
  sha1_ctx ctx;
  sha1_init(&ctx);
  const std::string header = "blob " + std::to_string(content.size()) + '\0';
  sha1_update(&ctx, header.size(), reinterpret_cast<const std::uint8_t*>(header.data()));
  sha1_update(&ctx, content.size(), reinterpret_cast<const std::uint8_t*>(content.data()));
  std::uint8_t digest[SHA1_DIGEST_SIZE];
  sha1_digest(&ctx, SHA1_DIGEST_SIZE, digest);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : digest) {
    out += hex[byte >> 4];
    out += hex[byte & 0xf];
  }
  return out;
}

void TurnDiff::track(const std::vector<FileChange>& changes) {
  auto known = [&](const std::string& path) { return current_.contains(path) || baseline_.contains(path); };
  for (const auto& change : changes) {
    const std::string path = change.path.string();
    switch (change.kind) {
      case FileChange::Kind::add:
        origin_.erase(path);
        if (!known(path) && change.old_content) baseline_[path] = *change.old_content;  // it overwrote a file
        current_[path] = change.new_content;
        break;
      case FileChange::Kind::remove:
        if (current_.erase(path) == 0 && !baseline_.contains(path)) baseline_[path] = change.old_content.value_or("");
        origin_.erase(path);
        break;
      case FileChange::Kind::update: {
        if (!known(path)) baseline_[path] = change.old_content.value_or("");
        if (!change.move_path) {
          current_[path] = change.new_content;
          break;
        }
        const std::string dest = change.move_path->string();
        std::string from = path;
        if (auto it = origin_.find(path); it != origin_.end()) {
          from = it->second;
          origin_.erase(it);
        }
        current_.erase(path);
        current_[dest] = change.new_content;
        origin_.erase(dest);
        if (dest != from) origin_[dest] = from;
        break;
      }
    }
  }
}

TurnDiff::Content TurnDiff::lookup(const std::map<std::string, std::string>& map, const std::string& path) const {
  auto it = map.find(path);
  return it == map.end() ? std::nullopt : Content(it->second);
}

std::string TurnDiff::display(const std::string& path) const {
  const auto relative = std::filesystem::path(path).lexically_relative(root_);
  const std::string text = relative.string();
  if (relative.empty() || text == ".." || text.rfind("../", 0) == 0) return path;  // outside the root
  return text;
}

std::optional<std::string> TurnDiff::render(const std::string& left_path, const Content& left,
                                            const std::string& right_path, const Content& right) const {
  if (left == right) return std::nullopt;
  const std::string a = display(left_path), b = display(right_path);
  std::string out = "diff --git a/" + a + " b/" + b + "\n";
  if (!left) out += "new file mode 100644\n";
  if (!right) out += "deleted file mode 100644\n";
  out += "index " + (left ? git_blob_id(*left) : kZeroId) + ".." + (right ? git_blob_id(*right) : kZeroId) + "\n";
  const std::string hunks = unified_diff_hunks(left.value_or(""), right.value_or(""), 3);
  if (!hunks.empty()) out += "--- " + (left ? "a/" + a : "/dev/null") + "\n+++ " + (right ? "b/" + b : "/dev/null") + "\n" + hunks;
  return out;
}

std::optional<std::string> TurnDiff::unified_diff() const {
  // A move is one section when its old path is gone, its new one exists, and only the old one
  // had a baseline; otherwise each path stands alone.
  std::map<std::string, std::string> renames;  // old path → new path
  std::set<std::string> rename_targets;
  for (const auto& [dest, from] : origin_) {
    if (dest == from || current_.contains(from) || !current_.contains(dest) || !baseline_.contains(from) ||
        baseline_.contains(dest))
      continue;
    renames[from] = dest;
    rename_targets.insert(dest);
  }
  std::vector<std::string> paths;
  for (const auto& [path, _] : baseline_) paths.push_back(path);
  for (const auto& [path, _] : current_) paths.push_back(path);
  std::stable_sort(paths.begin(), paths.end(),
                   [&](const std::string& x, const std::string& y) { return display(x) < display(y); });
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  std::string out;
  std::set<std::string> done;
  for (const auto& path : paths) {
    if (!done.insert(path).second || rename_targets.contains(path)) continue;
    std::optional<std::string> section;
    if (auto r = renames.find(path); r != renames.end()) {
      done.insert(r->second);
      section = render(path, lookup(baseline_, path), r->second, lookup(current_, r->second));
    } else {
      section = render(path, lookup(baseline_, path), path, lookup(current_, path));
    }
    if (!section) continue;
    out += *section;
    if (out.back() != '\n') out += '\n';
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace appserver::apply_patch
