// Which shell commands are known to be safe (read-only) and which might be dangerous: the
// classification Codex 0.169 uses to decide whether a command needs the user's approval
// (codex-rs/shell-command/src/command_safety/: is_safe_command.rs, is_dangerous_command.rs).
//
// The reference parses the script with tree-sitter-bash; Debian 12 packages tree-sitter but not
// its bash grammar, so `plain_commands` accepts a strict subset of the shell language instead —
// words made of plain characters and of quoted strings without expansions, joined by `&&`, `||`,
// `;`, `|` or a newline — and refuses everything else (variables, globs, redirections,
// substitutions, subshells, escapes). A refused script is never "known safe", so the subset errs
// towards asking the user, never towards running unasked. docs/security.md has the list.
//
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace appserver::approvals {

/// One simple command: its words after quote removal, e.g. {"sed", "-n", "1,5p", "f.txt"}.
using Words = std::vector<std::string>;

/// The simple commands of `script` when it is "plain" (see above), in order; nullopt when the
/// script uses anything else or is empty or malformed (an unterminated quote, `ls &&`).
std::optional<std::vector<Words>> plain_commands(const std::string& script);

/// Whether one simple command is on the reference's read-only list: cat cd cut echo expr false
/// grep head id ls nl paste pwd rev seq stat tail tr true uname uniq wc which whoami numfmt tac;
/// base64 without -o/--output; find without -exec -execdir -ok -okdir -delete -fls -fprint
/// -fprint0 -fprintf; rg without --pre --hostname-bin --search-zip -z; `sed -n N[,M]p [file]`.
/// The program is looked up by its file name (`/bin/ls` is `ls`).
bool is_safe_words(const Words& command);

/// Whether every simple command of the shell script `script` is safe (is_safe_words); false
/// when the script is not plain.
bool is_known_safe_command(const std::string& script);

/// Whether `script` might be dangerous: an `rm` with -f / --force (also after `sudo`) among its
/// commands. A script that is not plain is split leniently (at operators and blanks, quotes
/// dropped) so that `rm -rf x > /dev/null` is still caught.
bool might_be_dangerous(const std::string& script);

}  // namespace appserver::approvals
