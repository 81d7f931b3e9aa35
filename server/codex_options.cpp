// The table of codex_options.hpp. Source: `codex --help` and `codex app-server --help` of the
// Codex 0.169.0 binary (interactive-CLI options are accepted by Codex before the `app-server`
// word and have no effect on it; we accept them anywhere).
#include "server/codex_options.hpp"

#include <array>

namespace appserver {

namespace {

constexpr std::string_view kTui = "is an option of Codex's interactive CLI; it has no effect on app-server (as on "
                                  "`codex app-server`)";

constexpr std::array<CodexOnlyOption, 32> kOptions{{
    // codex app-server
    {"--startup-sign-out", false, false, "has no effect: app-server keeps no login"},
    {"--startup-client-info", true, false, "has no effect: app-server makes no configuration or auth requests"},
    {"--cloud-skills-snapshot", true, false, "has no effect: app-server has no cloud skills"},
    {"--code-mode-host", true, false, "has no effect: app-server has no code-mode host"},
    {"--print-startup-config", false, true,
     "is not supported: app-server has no startup requirements to print (use `app-server --help`)"},
    {"--ws-shared-secret-file", true, true,
     "is not supported: signed JWT bearer tokens are not implemented; use --ws-auth capability-token"},
    {"--ws-issuer", true, true,
     "is not supported: signed JWT bearer tokens are not implemented; use --ws-auth capability-token"},
    {"--ws-audience", true, true,
     "is not supported: signed JWT bearer tokens are not implemented; use --ws-auth capability-token"},
    {"--ws-max-clock-skew-seconds", true, true,
     "is not supported: signed JWT bearer tokens are not implemented; use --ws-auth capability-token"},
    // codex (the interactive CLI)
    {"-m", true, false, kTui},
    {"--model", true, false, kTui},
    {"-p", true, false, kTui},
    {"--profile", true, false, kTui},
    {"-s", true, false, kTui},
    {"--sandbox", true, false, kTui},
    {"-a", true, false, kTui},
    {"--ask-for-approval", true, false, kTui},
    {"-C", true, false, kTui},
    {"--cd", true, false, kTui},
    {"-i", true, false, kTui},
    {"--image", true, false, kTui},
    {"--local-provider", true, false, kTui},
    {"--remote", true, false, kTui},
    {"--remote-auth-token-env", true, false, kTui},
    {"--add-dir", true, false, kTui},
    {"--oss", false, false, kTui},
    {"--search", false, false, kTui},
    {"--no-alt-screen", false, false, kTui},
    {"--no-daemon", false, false, kTui},
    {"--worktree", false, false, kTui},
    {"--approve-for-me", false, false, kTui},
    {"--dangerously-bypass-approvals-and-sandbox", false, false, kTui},
}};

}  // namespace

const CodexOnlyOption* find_codex_only_option(std::string_view name) {
  for (const auto& o : kOptions)
    if (o.name == name) return &o;
  return nullptr;
}

}  // namespace appserver
