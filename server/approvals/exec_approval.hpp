// When a command the model runs (`exec_command`) needs the user's approval, and whether it runs
// inside the sandbox: the approval policy (v2 AskForApproval: "untrusted" | "on-failure" |
// "on-request" | "never", or a granular object) against the command and what the model asked.
// Recorded from Codex 0.169 (docs/security.md, "Approvals"), with two documented departures:
// under `untrusted` the known-safe commands run without asking (0.169 asks for every command; its
// source and documentation exempt them), and `on-failure` offers the retry outside the sandbox
// after a sandbox denial (0.169 reports it as `on-request` and never retries).
//
// Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace appserver::approvals {

/// What must happen before the command runs.
enum class Requirement {
  skip,            ///< run it, no question
  needs_approval,  ///< PermissionRequest hooks, then the client (item/commandExecution/requestApproval)
  forbidden,       ///< do not run it; `message` is what the model is told
};

/// The decision for one command. `sandboxed`: whether it runs inside the thread's sandbox (once
/// approved, when asked): false for an approved escalation and for a command approved under
/// `untrusted`, as in Codex 0.169; true otherwise (a dangerous command approved under
/// `on-request` still runs sandboxed). Meaningless when the policy has no sandbox.
struct ExecDecision {
  Requirement requirement = Requirement::skip;
  bool sandboxed = true;
  std::string message;  ///< for `forbidden`: the model's tool output
};

/// The model's per-command request, from exec_command's arguments `sandbox_permissions`
/// ("use_default" | "require_escalated") and `justification` (the question shown to the user).
struct EscalationRequest {
  bool escalated = false;
  std::optional<std::string> justification;
};

/// Reads `sandbox_permissions` and `justification` of exec_command's arguments (a JSON object).
/// Returns the model's error text when `sandbox_permissions` is not one of Codex's values
/// (Codex's wording), or is `with_additional_permissions`, which this server does not offer.
std::optional<std::string> parse_escalation(const nlohmann::json& arguments, EscalationRequest& out);

/// The decision for the shell script `command` under `approval_policy` (the thread's JSON value;
/// a string or a granular object, which counts as "on-request"); `sandboxed_policy` is whether
/// the thread's sandbox policy restricts anything (not dangerFullAccess); `shown` is how the
/// command appears in a refusal (the item's command).
///   never       escalation refused; a dangerous command (`rm -f`) refused; else runs sandboxed.
///   on-request, on-failure
///               asks for an escalation (then runs unsandboxed) or a dangerous command (then
///               runs sandboxed); else runs sandboxed without asking. Without a sandbox an
///               escalation is not needed: it runs without asking.
///   untrusted   asks for every command but the known-safe ones (command_safety.hpp), which run
///               sandboxed without asking; an approved command runs unsandboxed.
ExecDecision decide(const nlohmann::json& approval_policy, bool sandboxed_policy, const EscalationRequest& request,
                    const std::string& command, const std::string& shown);

/// Whether, after a sandboxed attempt that looks denied by the sandbox, the user is asked to run
/// the command again outside it: under `on-failure` and `untrusted`.
bool retries_outside_sandbox(const nlohmann::json& approval_policy);

/// Codex's guess that a sandboxed command failed because of the sandbox rather than on its own:
/// a non-zero exit with "operation not permitted", "permission denied", "read-only file system",
/// "seccomp", "sandbox", "landlock" or "failed to write file" in its output (any case); the
/// exit codes 2, 126 and 127 alone never count; a signal-killed SIGSYS (exit 159) does.
bool likely_sandbox_denied(int exit_code, const std::string& output);

/// The question of the retry approval request (`reason`), as Codex words it.
inline constexpr const char* kRetryWithoutSandboxReason = "command failed; retry without sandbox?";

}  // namespace appserver::approvals
