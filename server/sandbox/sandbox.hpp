// The sandbox of the agent's commands (issue 21, first part): a v2 SandboxPolicy turned into a
// bubblewrap (`bwrap`, Debian `bubblewrap`, what Codex's Linux sandbox uses) command line, as
// Codex 0.169 shapes it:
//   readOnly        the whole file system read-only (`--ro-bind / /`), a fresh /dev (so
//                   /dev/null and friends work), its own /proc and pid namespace, no network
//                   (`--unshare-net`: only a loopback that is down).
//   workspaceWrite  the same, plus writable binds of the thread's cwd, /tmp (unless
//                   `excludeSlashTmp`), $TMPDIR (unless `excludeTmpdirEnvVar`) and each of
//                   `writableRoots`; a `.git` or `.codex` inside a writable root stays
//                   read-only; network only with `networkAccess: true`.
//   dangerFullAccess (and externalSandbox) no sandbox.
// Fail closed: when bwrap is not on PATH the command does not run; the caller reports
// `missing_bwrap_message()`. When bwrap cannot build its namespaces (user namespaces disabled)
// it exits 1 with its own reason on stderr, before running anything.
//
// Pure except find_bwrap (reads PATH, stats files). Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace appserver::sandbox {

struct Policy {
  enum class Mode { full, read_only, workspace_write };
  Mode mode = Mode::full;
  std::vector<std::filesystem::path> writable_roots;   // existing, absolute (workspace-write)
  std::vector<std::filesystem::path> read_only_paths;  // .git / .codex inside them, existing
  bool network = true;
};

/// The policy of `sandbox_policy` (v2 SandboxPolicy: {"type": "readOnly" | "workspaceWrite" |
/// "dangerFullAccess" | "externalSandbox", writableRoots?, networkAccess?, excludeSlashTmp?,
/// excludeTmpdirEnvVar?}) for a command run in `cwd`; `tmpdir` is $TMPDIR ("" = unset).
/// Unknown types are read-only (fail closed).
Policy policy_of(const nlohmann::json& sandbox_policy, const std::filesystem::path& cwd, const std::string& tmpdir);

/// The same with `tmpdir` read from this process's $TMPDIR (what commands inherit).
Policy policy_of(const nlohmann::json& sandbox_policy, const std::filesystem::path& cwd);

/// Whether `path` (absolute) may be written under `policy`: always under full access; else when
/// it lies in a writable root and not in one of the read-only paths. Resolves the symlinks of
/// the part of `path` that exists (stat calls), as the roots were resolved.
bool may_write(const Policy& policy, const std::filesystem::path& path);

/// The argv that runs `command` with /bin/sh -c inside the sandbox, `bwrap` being the path of
/// the bwrap binary. Only for a policy whose mode is not `full`.
std::vector<std::string> bwrap_argv(const Policy& policy, const std::string& bwrap, const std::string& command);

/// The same for a program and its arguments (`argv`, no shell). `new_session`: bwrap's
/// --new-session (setsid: the command cannot push input into a terminal it inherited); off for
/// a command on its own pseudo-terminal, which needs it as controlling terminal.
std::vector<std::string> bwrap_exec_argv(const Policy& policy, const std::string& bwrap, const std::vector<std::string>& argv,
                                         bool new_session = true);

/// The absolute path of `bwrap` found on `path` (a PATH value), or nullopt.
std::optional<std::string> find_bwrap(const std::string& path);

/// What a command gets instead of running when bwrap is missing: names the cause and the
/// settings that decide it.
std::string missing_bwrap_message();

}  // namespace appserver::sandbox
