// The event `app-server hooks test` fires: for any hook event, the facts its stdin payload and
// its matcher need, with realistic defaults a hook author can override from the command line.
// The payload is built by the engine's own builders (hooks/hook_input.hpp), so a hook sees
// byte for byte what a turn would send it, sample values aside. Pure; safe from any thread.
#pragma once

#include "hooks/hook_input.hpp"
#include "protocol/v2/hook.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace appserver::hook_test {

using protocol::v2::HookEventName;

/// One sample firing. Defaults are what `--print-payload` shows (docs/hooks.md lists them).
struct SampleEvent {
  HookEventName event = HookEventName::stop;
  /// session_id/turn_id are fixed sample ids; transcript_path is "" (sent as null: there is no
  /// thread file); cwd, model and permission_mode come from the thread settings a turn in
  /// that cwd would have.
  hooks::HookInputContext context;
  std::string tool_name = "Bash";                                // tool events; the matcher input
  nlohmann::json tool_input = {{"command", "git status"}};      // tool events
  nlohmann::json tool_response = "On branch main\nnothing to commit, working tree clean\n";  // PostToolUse
  std::string tool_use_id = "call_hooks_test";                   // Pre/PostToolUse
  std::string prompt = "Add a unit test for the config parser";  // UserPromptSubmit
  std::string source = "startup";  // SessionStart: startup | resume | clear | compact (matcher input)
  std::string trigger = "manual";  // Pre/PostCompact: manual | auto (matcher input)
  std::string agent_id = "019a0000-0000-7000-8000-0000000000a1";  // SubagentStart/Stop
  std::string agent_type = "default";
  std::optional<std::string> last_assistant_message = "I added the test and the suite passes.";  // Stop
};

/// The event named `name`: its hooks.json key (`PreToolUse`), wire name (`preToolUse`), snake
/// (`pre_tool_use`) or kebab (`pre-tool-use`) spelling, case-insensitively; nullopt otherwise.
std::optional<HookEventName> parse_event_name(std::string_view name);

/// A sample of `event` for a turn in `cwd` with `model`; `approval_never` sets
/// permission_mode "bypassPermissions", else "default".
SampleEvent default_sample(HookEventName event, const std::string& cwd, const std::string& model,
                           bool approval_never);

/// The compact JSON the engine writes to a handler's stdin for `sample`.
std::string sample_payload(const SampleEvent& sample);

/// What the event's matchers are matched against: the tool name, the SessionStart source, the
/// compaction trigger; nullopt for events that ignore matchers.
std::optional<std::string> matcher_input(const SampleEvent& sample);

/// The run id suffix a turn gives the event's runs (":<tool_use_id>" for Pre/PostToolUse and
/// PermissionRequest, else "").
std::string run_id_suffix(const SampleEvent& sample);

/// Takes the matcher-relevant facts (`tool_name`, `tool_input`, `tool_use_id`, `source`,
/// `trigger`) from a payload given with `--payload`, so matching follows what the hook reads.
void adopt_payload_facts(SampleEvent& sample, const nlohmann::json& payload);

}  // namespace appserver::hook_test
