// The approval policy's decision for one command; see exec_approval.hpp.
#include "server/approvals/exec_approval.hpp"

#include "server/approvals/command_safety.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace appserver::approvals {

namespace {

std::string policy_name(const nlohmann::json& policy) {
  if (!policy.is_string()) return "on-request";  // granular: asks as on-request does
  const auto name = policy.get<std::string>();
  return name == "on-failure" ? "on-request" : name;  // on-failure asks as on-request, retries too
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::optional<std::string> parse_escalation(const nlohmann::json& arguments, EscalationRequest& out) {
  out = {};
  if (auto j = arguments.find("justification"); j != arguments.end() && j->is_string()) out.justification = j->get<std::string>();
  const auto p = arguments.find("sandbox_permissions");
  if (p == arguments.end() || p->is_null()) return std::nullopt;
  const std::string value = p->is_string() ? p->get<std::string>() : p->dump();
  if (value == "use_default") return std::nullopt;
  if (value == "require_escalated") {
    out.escalated = true;
    return std::nullopt;
  }
  if (value == "with_additional_permissions")
    return "sandbox_permissions `with_additional_permissions` is not supported by this server; use `require_escalated` "
           "to ask the user to run the command outside the sandbox";
  return "failed to parse function arguments: unknown variant `" + value +
         "`, expected one of `use_default`, `require_escalated`, `with_additional_permissions`";
}

ExecDecision decide(const nlohmann::json& approval_policy, bool sandboxed_policy, const EscalationRequest& request,
                    const std::string& command, const std::string& shown) {
  const std::string policy = policy_name(approval_policy);
  ExecDecision d;
  if (policy == "never") {
    if (request.escalated) {
      d.requirement = Requirement::forbidden;
      d.message = "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval "
                  "policy is Never";
    } else if (might_be_dangerous(command)) {
      d.requirement = Requirement::forbidden;
      d.message = "exec_command failed: CreateProcess { message: \"Rejected(\\\"`" + shown +
                  "` rejected: rm -f style commands are not permitted. Use a safer approach\\\")\" }";
    }
    return d;
  }
  if (policy == "untrusted") {
    if (is_known_safe_command(command) && !request.escalated) return d;  // asked to leave the sandbox: ask
    d.requirement = Requirement::needs_approval;
    d.sandboxed = false;
    return d;
  }
  // on-request (and on-failure, granular)
  if (request.escalated && sandboxed_policy) {
    d.requirement = Requirement::needs_approval;
    d.sandboxed = false;
  } else if (might_be_dangerous(command)) {
    d.requirement = Requirement::needs_approval;
  }
  return d;
}

bool retries_outside_sandbox(const nlohmann::json& approval_policy) {
  return approval_policy == "on-failure" || approval_policy == "untrusted";
}

bool likely_sandbox_denied(int exit_code, const std::string& output) {
  if (exit_code == 0) return false;
  static constexpr std::array<std::string_view, 7> kKeywords = {
      "operation not permitted", "permission denied", "read-only file system", "seccomp", "sandbox", "landlock",
      "failed to write file"};
  const std::string text = lower(output);
  if (std::any_of(kKeywords.begin(), kKeywords.end(), [&](std::string_view k) { return text.find(k) != std::string::npos; }))
    return true;
  if (exit_code == 2 || exit_code == 126 || exit_code == 127) return false;
  return exit_code == 128 + 31;  // killed by SIGSYS (a seccomp filter)
}

}  // namespace appserver::approvals
