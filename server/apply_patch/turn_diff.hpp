// The net change of one turn's patches to the files, for `turn/diff/updated` (v2
// TurnDiffUpdatedNotification.diff), as Codex 0.169 computes it (recorded with a mock model):
// each file's content before the turn first patched it (its baseline) against its content after
// the last patch, from the patches themselves — the workspace is not read again, so an edit
// made by a shell command is not in it, as in the reference. One git-style section per file,
// sorted by path relative to the display root (the thread's cwd):
//   diff --git a/<path> b/<path>
//   new file mode 100644 | deleted file mode 100644        (when the file was added / deleted)
//   index <git blob sha-1 before>..<after>                   (40 zeros for "no file")
//   --- a/<path> | /dev/null
//   +++ b/<path> | /dev/null
//   @@ … @@ hunks with 3 lines of context (unified_diff.hpp)
// A file moved within the turn is one section from its old path to its new one. Files whose net
// change is nothing are left out; a turn with none has no diff.
//
// Not thread-safe: one per turn, used on the thread's strand. Pure (no I/O).
#pragma once

#include "server/apply_patch/patch_apply.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace appserver::apply_patch {

class TurnDiff {
 public:
  explicit TurnDiff(std::filesystem::path display_root) : root_(std::move(display_root)) {}

  /// Records a patch that was applied (the changes plan_patch returned, in patch order).
  void track(const std::vector<FileChange>& changes);

  /// The aggregated diff, or nullopt when nothing changed on balance (or nothing was tracked).
  std::optional<std::string> unified_diff() const;

 private:
  using Content = std::optional<std::string>;
  Content lookup(const std::map<std::string, std::string>& map, const std::string& path) const;
  std::string display(const std::string& path) const;
  std::optional<std::string> render(const std::string& left_path, const Content& left, const std::string& right_path,
                                    const Content& right) const;

  std::filesystem::path root_;
  std::map<std::string, std::string> baseline_;  // absolute path → content before the turn (absent: no file)
  std::map<std::string, std::string> current_;   // absolute path → content now (absent: no file)
  std::map<std::string, std::string> origin_;    // current path of a moved file → its path before
};

/// Git's object id of a blob with `content`: hex SHA-1 of "blob <size>\0<content>".
std::string git_blob_id(const std::string& content);

}  // namespace appserver::apply_patch
