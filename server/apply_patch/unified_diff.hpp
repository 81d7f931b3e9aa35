// Unified diff hunks between two texts, line by line, for fileChange items: the edit script
// comes from dtl (Debian libdtl-dev, the diff template library); this file only groups it
// into hunks with `context` lines around each change and prints them as GNU diff and Rust's
// `similar` crate (which the reference uses) do: "@@ -a,b +c,d @@" (",b" left out when b is 1;
// a is 0 for an empty range), then " ", "-", "+" lines, and "\ No newline at end of file"
// after a last line without one. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace appserver::apply_patch {

std::string unified_diff_hunks(const std::string& old_text, const std::string& new_text, std::size_t context);

}  // namespace appserver::apply_patch
