// Applying a parsed apply_patch to the files under a folder, in two steps so that a patch that
// cannot apply changes nothing: plan_patch() reads every file a hunk touches and computes its
// new content (the reference's matching rules: codex-rs apply-patch lib.rs and
// seek_sequence.rs — a chunk's lines are looked for exactly, then ignoring trailing
// whitespace, then ignoring surrounding whitespace, then with typographic dashes, quotes and
// spaces read as ASCII; an `@@ context` line is found first; `*** End of File` chunks match at
// the end); apply_changes() then writes each file through a temporary file and rename(2).
//
// Where we differ from Codex 0.169 on purpose: the reference applies hunk by hunk and leaves
// the files it already changed when a later hunk fails (its own scenario 015); here a failed
// hunk changes nothing, and a write that fails midway (a full disk) puts back the files
// already written. Errors are the reference's texts ("Failed to find expected lines in
// <path>:\n<lines>", "Failed to read file to update <path>: <os error>", …), with absolute paths.
//
// Blocking file I/O: call off the io threads. Thread-safe (no shared state).
#pragma once

#include "server/apply_patch/patch_parser.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace appserver::apply_patch {

struct FileChange {
  enum class Kind { add, remove, update };
  Kind kind = Kind::add;
  std::filesystem::path path;                      // absolute
  std::optional<std::filesystem::path> move_path;  // update with `*** Move to:`, absolute
  std::optional<std::string> old_content;          // what the file held (nullopt: it did not exist)
  std::string new_content;                         // add and update
  std::string shown_path;  // as the patch wrote it (the Move to: path for a move), for the summary
};

/// The changes `patch` makes with relative paths taken from `cwd`, or the error text; reads
/// files, writes nothing. A patch without hunks is the reference's "No files were modified.".
std::variant<std::vector<FileChange>, std::string> plan_patch(const Patch& patch, const std::filesystem::path& cwd);

/// Writes `changes` (from plan_patch); returns "" or the error, after restoring what it had
/// already changed.
std::string apply_changes(const std::vector<FileChange>& changes);

/// The reference's success output: "Success. Updated the following files:\nA <path>\n…"
/// (A added, M updated — at its new path when moved —, D deleted), each path as the patch
/// wrote it (relative paths stay relative, as in the reference).
std::string success_summary(const std::vector<FileChange>& changes);

/// Lines as the reference splits a file: at "\n", without the empty piece after a final "\n".
std::vector<std::string> split_file_lines(const std::string& content);

/// The reference's search for `pattern` in `lines` from `start` (see above); nullopt if absent.
std::optional<std::size_t> seek_sequence(const std::vector<std::string>& lines,
                                         const std::vector<std::string>& pattern, std::size_t start, bool eof);

}  // namespace appserver::apply_patch
