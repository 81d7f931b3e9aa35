// The command classification (server/approvals/command_safety.hpp) on the reference's own
// examples (codex-rs/shell-command/src/command_safety/*.rs tests), and the approval decision
// table (server/approvals/exec_approval.hpp) recorded from Codex 0.169.
#include "server/approvals/command_safety.hpp"
#include "server/approvals/exec_approval.hpp"

#include <catch2/catch.hpp>

using namespace appserver::approvals;
using Json = nlohmann::json;

TEST_CASE("plain_commands splits words, quotes and the four operators, and refuses the rest", "[approvals]") {
  CHECK(plain_commands("ls -la") == std::vector<Words>{{"ls", "-la"}});
  CHECK(plain_commands("grep -R \"Cargo.toml\" -n || true") == std::vector<Words>{{"grep", "-R", "Cargo.toml", "-n"}, {"true"}});
  CHECK(plain_commands("echo 'hi there' ; ls | wc -l\n pwd") ==
        std::vector<Words>{{"echo", "hi there"}, {"ls"}, {"wc", "-l"}, {"pwd"}});
  CHECK(plain_commands("sed -n '1,5p' file.txt") == std::vector<Words>{{"sed", "-n", "1,5p", "file.txt"}});
  CHECK(plain_commands("ls;") == std::vector<Words>{{"ls"}});
  for (const char* refused : {"", "   ", "ls > out.txt", "(ls)", "ls || (pwd && echo hi)", "echo $HOME", "echo \"$HOME\"",
                              "cat `which ls`", "ls *.txt", "ls &", "ls &&", "&& ls", "ls ;; pwd", "echo 'open",
                              "cat ~/x", "echo a\\ b", "ls # comment", "FOO=1 ls"}) {
    INFO(refused);
    // `FOO=1 ls` is a plain word `FOO=1` followed by `ls`: accepted as words, never safe (below).
    if (std::string(refused) == "FOO=1 ls") CHECK(plain_commands(refused) == std::vector<Words>{{"FOO=1", "ls"}});
    else CHECK_FALSE(plain_commands(refused));
  }
}

TEST_CASE("known-safe commands: the reference's list and its exceptions", "[approvals]") {
  for (const char* safe : {"ls", "ls -1", "/bin/ls -la", "cat README.md", "grep -R \"Cargo.toml\" -n", "sed -n 1,5p file.txt",
                           "sed -n '10p' f", "find . -name file.txt", "rg Cargo.toml -n", "base64 file", "nl -nrz Cargo.toml",
                           "numfmt 1000", "tac f", "ls && pwd", "echo 'hi' ; ls", "ls | wc -l", "wc -l < /dev/null"}) {
    INFO(safe);
    // The redirection in the last one is refused by plain_commands, so it is not known safe.
    CHECK(is_known_safe_command(safe) == (std::string(safe) != "wc -l < /dev/null"));
  }
  for (const char* unsafe : {"git status", "git log -p -1", "cargo check", "rm x", "touch x", "FOO=1 ls", "'git status'",
                             "find . -name file.txt -delete", "find . -exec rm {} ;", "find . -fprint /etc/passwd",
                             "base64 -o out.bin", "base64 --output=out.bin", "base64 -ob64.txt", "rg --pre pwned files",
                             "rg --pre=pwned files", "rg -z files", "rg --hostname-bin=x f", "sed -n xp file.txt",
                             "sed -i 1d f", "sed -n 1,5p a b c", "ls && rm -rf /", "python3 -c 'print(1)'"}) {
    INFO(unsafe);
    CHECK_FALSE(is_known_safe_command(unsafe));
  }
}

TEST_CASE("might_be_dangerous: rm with -f or --force, also after sudo and inside complex scripts", "[approvals]") {
  for (const char* dangerous : {"rm -rf /", "rm -f x", "/bin/rm -fr /tmp/example", "rm -r -f /tmp/example",
                                "rm --force /tmp/example", "rm /tmp/example -f", "sudo rm -rf /tmp/example",
                                "printf x | rm -rf /tmp/example", "rm -rf \"$TARGET\" >/dev/null",
                                "echo \"$(rm -rf /tmp/example)\"", "if test -d x; then rm --force x; fi"}) {
    INFO(dangerous);
    CHECK(might_be_dangerous(dangerous));
  }
  for (const char* fine : {"rm -r /tmp/example", "rm -- -f", "echo 'rm -rf /tmp/example'", "ls -f", "git rm -f x"}) {
    INFO(fine);
    CHECK_FALSE(might_be_dangerous(fine));
  }
}

namespace {
ExecDecision run(const char* policy, bool sandboxed, bool escalated, const std::string& command) {
  EscalationRequest request;
  request.escalated = escalated;
  return decide(Json(policy), sandboxed, request, command, "/bin/sh -c '" + command + "'");
}
}  // namespace

TEST_CASE("the approval decision per policy, as Codex 0.169 decides (docs/security.md)", "[approvals]") {
  using R = Requirement;
  // never: runs everything sandboxed; refuses escalation and rm -f, in the reference's words.
  CHECK(run("never", true, false, "touch x").requirement == R::skip);
  auto refused = run("never", true, true, "touch x");
  CHECK(refused.requirement == R::forbidden);
  CHECK(refused.message ==
        "approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never");
  refused = run("never", true, false, "rm -rf gone");
  CHECK(refused.requirement == R::forbidden);
  CHECK(refused.message == "exec_command failed: CreateProcess { message: \"Rejected(\\\"`/bin/sh -c 'rm -rf gone'` rejected: "
                           "rm -f style commands are not permitted. Use a safer approach\\\")\" }");
  // on-request: asks for an escalation (runs unsandboxed) and for rm -f (still sandboxed).
  CHECK(run("on-request", true, false, "touch x").requirement == R::skip);
  auto asked = run("on-request", true, true, "touch /elsewhere/x");
  CHECK(asked.requirement == R::needs_approval);
  CHECK_FALSE(asked.sandboxed);
  asked = run("on-request", true, false, "rm -rf gone");
  CHECK(asked.requirement == R::needs_approval);
  CHECK(asked.sandboxed);
  CHECK(run("on-request", false, true, "touch x").requirement == R::skip);  // no sandbox to leave
  CHECK(run("on-request", false, false, "rm -rf gone").requirement == R::needs_approval);
  // on-failure and a granular policy ask as on-request does.
  CHECK(run("on-failure", true, true, "touch x").requirement == R::needs_approval);
  CHECK(decide(Json{{"granular", Json::object()}}, true, {}, "touch x", "touch x").requirement == R::skip);
  // untrusted: known-safe commands run sandboxed unasked; the rest is asked and runs unsandboxed.
  auto safe = run("untrusted", true, false, "ls -la");
  CHECK(safe.requirement == R::skip);
  CHECK(safe.sandboxed);
  asked = run("untrusted", true, false, "touch x");
  CHECK(asked.requirement == R::needs_approval);
  CHECK_FALSE(asked.sandboxed);
  CHECK(run("untrusted", true, false, "git status").requirement == R::needs_approval);
  asked = run("untrusted", true, true, "ls");  // a known-safe command the model wants outside: asked
  CHECK(asked.requirement == R::needs_approval);
  CHECK_FALSE(asked.sandboxed);
}

TEST_CASE("parse_escalation reads sandbox_permissions and justification, with the reference's error", "[approvals]") {
  EscalationRequest r;
  CHECK_FALSE(parse_escalation({{"cmd", "ls"}}, r));
  CHECK_FALSE(r.escalated);
  CHECK_FALSE(parse_escalation({{"cmd", "ls"}, {"sandbox_permissions", "use_default"}}, r));
  CHECK_FALSE(r.escalated);
  CHECK_FALSE(parse_escalation({{"sandbox_permissions", "require_escalated"}, {"justification", "Write b.txt?"}}, r));
  CHECK(r.escalated);
  CHECK(r.justification == std::optional<std::string>("Write b.txt?"));
  CHECK(parse_escalation({{"sandbox_permissions", "bogus"}}, r) ==
        std::optional<std::string>("failed to parse function arguments: unknown variant `bogus`, expected one of "
                                   "`use_default`, `require_escalated`, `with_additional_permissions`"));
  CHECK(parse_escalation({{"sandbox_permissions", "with_additional_permissions"}}, r)->find("not supported") !=
        std::string::npos);
}

TEST_CASE("likely_sandbox_denied: Codex's keywords and exit codes", "[approvals]") {
  CHECK_FALSE(likely_sandbox_denied(0, "Operation not permitted"));
  CHECK_FALSE(likely_sandbox_denied(1, ""));
  CHECK(likely_sandbox_denied(1, "touch: cannot touch '/x/a.txt': Read-only file system\n"));
  CHECK(likely_sandbox_denied(1, "bash: /etc/x: Permission denied"));
  CHECK(likely_sandbox_denied(101, "cargo failed: Read-only file system when writing target"));
  CHECK_FALSE(likely_sandbox_denied(127, "sh: nosuch: not found"));
  CHECK_FALSE(likely_sandbox_denied(2, "usage"));
  CHECK(likely_sandbox_denied(159, ""));  // SIGSYS
  CHECK(retries_outside_sandbox(Json("on-failure")));
  CHECK(retries_outside_sandbox(Json("untrusted")));
  CHECK_FALSE(retries_outside_sandbox(Json("on-request")));
  CHECK_FALSE(retries_outside_sandbox(Json("never")));
}
