// Recognises an apply_patch invocation inside an exec_command command line, the forms Codex
// 0.169 intercepts (codex-rs apply-patch lib.rs, extract_apply_patch_from_bash), so that it
// becomes a file change instead of a shell command:
//   apply_patch <<'EOF'            (or applypatch; the delimiter any word, quoted or not)
//   *** Begin Patch … *** End Patch
//   EOF
//   cd <dir> && apply_patch <<'EOF' …   (one plain or quoted word; relative to the cwd)
// Anything before or after (another command, `;`, `|`, a second statement) is not matched: the
// command then runs as a command. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace appserver::apply_patch {

struct Invocation {
  std::string patch;                  // the heredoc's body
  std::optional<std::string> workdir; // from `cd <dir> &&`
};

std::optional<Invocation> match_invocation(std::string_view command);

}  // namespace appserver::apply_patch
