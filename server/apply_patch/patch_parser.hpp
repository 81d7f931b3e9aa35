// The apply_patch format (Codex's `*** Begin Patch` … `*** End Patch`), parsed once into hunks,
// with the reference's leniency (codex-rs apply-patch/src/parser.rs, 0.169): whitespace around
// the marker lines is ignored; the whole patch may be wrapped in a `<<'EOF'` … `EOF` heredoc;
// blank lines between chunks are skipped; the first chunk of an update may omit its `@@`; an
// empty line inside a chunk is an empty context line.
//
//   *** Begin Patch
//   *** Add File: <path>        then "+line" lines (the file's content)
//   *** Delete File: <path>
//   *** Update File: <path>     then optional "*** Move to: <path>", then chunks:
//   @@ [context line]           then " ctx", "-old", "+new" lines, optional "*** End of File"
//   *** End Patch
//
// Errors carry the reference's texts: "invalid patch: The first line of the patch must be
// '*** Begin Patch'", "invalid hunk at line N, …". Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace appserver::apply_patch {

/// `s` without leading and trailing ASCII whitespace (" \t\r\n\v\f").
std::string_view trim(std::string_view s);

/// `s` without trailing ASCII whitespace (the same set as trim()).
std::string_view trim_end(std::string_view s);

/// One `@@` chunk of an update: `old_lines` (context and removed) are replaced by `new_lines`
/// (context and added), after the line `change_context` when there is one.
struct UpdateChunk {
  std::optional<std::string> change_context;
  std::vector<std::string> old_lines;
  std::vector<std::string> new_lines;
  bool is_end_of_file = false;  // old_lines must end the file
  bool operator==(const UpdateChunk&) const = default;
};

struct AddFile {
  std::string path;
  std::string contents;  // every "+line" plus "\n"
  bool operator==(const AddFile&) const = default;
};
struct DeleteFile {
  std::string path;
  bool operator==(const DeleteFile&) const = default;
};
struct UpdateFile {
  std::string path;
  std::optional<std::string> move_path;
  std::vector<UpdateChunk> chunks;
  bool operator==(const UpdateFile&) const = default;
};
using Hunk = std::variant<AddFile, DeleteFile, UpdateFile>;

struct Patch {
  std::vector<Hunk> hunks;
  std::string text;  // the patch without a heredoc wrapper, lines joined with "\n"
};

/// The parsed patch, or the error text the model is given.
std::variant<Patch, std::string> parse_patch(std::string_view text);

}  // namespace appserver::apply_patch
