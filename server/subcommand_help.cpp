// Subcommand help texts; see subcommand_help.hpp.
#include "server/subcommand_help.hpp"

#include "hooks/hook_events.hpp"

#include <algorithm>

namespace appserver {

std::string hooks_help() {
  return R"(app-server hooks — review, trust and try the hooks a thread would run.

Usage: app-server hooks list  [--home DIR] [--cwd DIR] [--system-config-dir DIR] [--json]
       app-server hooks trust (--all | KEY...) [--project] [--home DIR] [--cwd DIR]
       app-server hooks test  EVENT [--cwd DIR] [--payload FILE|-] [--tool-name NAME] [--json] …

  list    every hook discovered for the cwd: trust status, event, key, command
  trust   consent to hooks (writes [hooks.state."KEY"] trusted_hash to <home>/config.toml)
  test    run the hooks of one event on a sample payload and show how each run was understood

`app-server hooks COMMAND --help` says more. docs/hooks.md is the guide.
)";
}

std::string hooks_list_help() {
  return R"(Usage: app-server hooks list [--home DIR] [--cwd DIR] [--system-config-dir DIR] [--json]

Lists every hook discovered for the cwd (default: the current directory) as a thread there
would discover it: system, user and (trusted) project layers, with trust status, event, key and
command, then discovery warnings and errors. --json prints the hooks/list entry (HooksListEntry).
)";
}

std::string hooks_trust_help() {
  return R"(Usage: app-server hooks trust (--all | KEY...) [--project] [--home DIR] [--cwd DIR]

Trusts hooks so that they run: writes [hooks.state."KEY"] trusted_hash = <current hash> to
<home>/config.toml, the state the Codex TUI's hook review writes. KEY is a key from
`app-server hooks list`; --all trusts every hook listed for the cwd; --project also trusts the
cwd's project ([projects."<root>"] trust_level = "trusted"), which lets its .codex/ layers load.
A hook whose definition changes afterwards is `modified` and stops running until trusted again.
)";
}

std::string hooks_test_help() {
  std::string events, line;
  for (const auto& info : hooks::all_events()) {
    const std::string word = std::string(info.pascal) + ",";
    if (line.size() + word.size() > 80) events += line + "\n       ", line.clear();
    line += (line.empty() ? "" : " ") + word;
  }
  events += line.substr(0, line.size() - 1);
  return R"(Usage: app-server hooks test EVENT [options]

Runs the hooks of EVENT that a thread in --cwd would run, for real, on a sample payload, and
prints for each configured handler: source and key, trust, how its matcher applied, exit code,
duration, stdout and stderr, the run's status and entries (with warnings for output the engine
did not expect), then the effect on the turn (blocked, stopped, rewritten, context, ...).

EVENT: )" + events + R"(
       (the hooks.json spelling; preToolUse, pre_tool_use and pre-tool-use work too)

Options:
  --cwd DIR              the thread's working directory (default: the current directory)
  --home DIR             state folder, as for the daemon (default $APP_SERVER_HOME, else
                         ~/.app-server)
  --system-config-dir DIR
                         managed layer (default /etc/app-server)
  --payload FILE|-       send this JSON object on stdin instead of the sample (its tool_name,
                         source and trigger then drive the matchers)
  --print-payload        print the payload that would be sent, and exit
  --tool-name NAME       tool events: the tool name hooks see and matchers match (default Bash)
  --command TEXT         tool events: tool_input {"command": TEXT} (default "git status")
  --tool-input JSON      tool events: the whole tool_input
  --prompt TEXT          UserPromptSubmit: the prompt
  --source SOURCE        SessionStart: startup | resume | clear | compact (default startup)
  --last-message TEXT    Stop, SubagentStop, PostModelRequest: the agent's last message
  --all-layers           also list the hooks of an untrusted project (never run)
  --dangerously-bypass-hook-trust
                         run untrusted hooks too, as the daemon flag of that name does
  --json                 print {event, cwd, payload, warnings, errors, handlers, runs
                         (HookRunSummary, as in hook/completed), effect}

Exit status: 0 when every run completed (a block or a stop is a completed run), 1 when one
failed (invalid output, a crash, a timeout), 2 for a usage error.
)";
}

std::string replay_help() {
  return R"(Usage: app-server replay FILE [--server-cmd CMD | --url ws://HOST:PORT] [--transport stdio|ws]
                         [--update] [--convert] [--no-validate]

Replays a transcript (tests/transcripts/*.jsonl) or a --record recording against a fresh
server in test mode and reports the first difference, or PASS.
  --server-cmd CMD   the server to start (default: this binary)
  --url URL          talk to a running server over WebSocket instead of starting one
  --transport T      stdio (default) or ws, for a server this replay starts
  --update           rewrite the expected side from what the server sends (UPDATE_GOLDEN=1 too)
  --convert          turn a --record recording into a transcript on stdout
  --no-validate      do not check messages against the generated schemas
docs/testing.md describes the transcript format.
)";
}

std::string generate_json_schema_help() {
  return R"(Usage: app-server generate-json-schema --out DIR [--docs FILE]
       app-server generate-json-schema --check DIR [--docs FILE]

Writes the v2 JSON Schemas of every message this server speaks to DIR (one file per type and
the bundle app_server_protocol.v2.schemas.json), and with --docs the method table page.
--check compares DIR (and FILE) with what would be written and exits 1 on a difference.
)";
}

bool asks_for_help(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

}  // namespace appserver
