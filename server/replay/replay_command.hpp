// `app-server replay FILE [--server-cmd CMD | --url ws://HOST:PORT] [--transport stdio|ws]
//                        [--update] [--convert] [--no-validate]`:
// runs a transcript or a --record recording against a fresh server in a temp home and reports
// PASS or the first difference (exit 0 / 1). By default the server is this binary with
// --test-mode --validate-all --strict-schemas; --server-cmd runs `sh -c CMD` instead, in the
// temp workspace with APP_SERVER_HOME set. --update (or UPDATE_GOLDEN=1) rewrites the
// transcript's expected lines from actual output; --convert prints a recording as a transcript.
// --transport ws talks to the spawned server over WebSocket instead of stdio; --url replays
// against a server that is already running (no hooks set-up, no `== restart`; $HOME is learned
// from the initialize response and $WORKSPACE is the current directory).
// Every server message is validated against the generated schemas unless --no-validate.
#pragma once

#include <string>
#include <vector>

namespace appserver::replay {

struct ReplayOptions {
  std::string file;
  std::string self;        // path of this executable (the default server)
  std::string server_cmd;  // "" = self in test mode
  std::string url;         // ws://HOST:PORT of a running server ("" = spawn one)
  bool websocket = false;  // talk to the spawned server over WebSocket
  bool update = false;
  bool convert = false;
  bool validate = true;
};

int run_replay(ReplayOptions options);

/// Parses the subcommand's arguments (throws std::invalid_argument) and runs it.
int run_replay_command(const std::vector<std::string>& args, const std::string& self);

}  // namespace appserver::replay
