// Transcripts: readable JSON-RPC sessions used as regression tests (docs/testing.md).
//
//   # a comment
//   #! hooks: hooks/stop_block_once.json     header: hooks.json for the temp home
//   #! flags: --max-message-bytes 2000       header: extra daemon flags
//   #! ignore: item/agentMessage/delta       header: server notifications not compared
//   <-- {"id":1,"method":"initialize",…}     the client sends this line (not JSON: sent raw)
//   --> {"id":1,"result":{…}}                 the server must send this next
//   == restart                                stop the daemon (stdin EOF) and start a new one
//
// Expected values may use matchers: "{{any}}" (any value), "{{string}}", "{{number}}".
// Strings may use $HOME, $WORKSPACE and $FIXTURES, replaced by the temp home, the temp
// workspace and the transcript's fixtures folder (in sent messages), and put back in place of
// those paths in what the server sends (so expectations do not depend on temp paths).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace appserver::replay {

using Json = nlohmann::json;

struct Step {
  enum class Kind { send, expect, restart };
  Kind kind = Kind::send;
  std::string text;   // send: the line as written (JSON or raw); expect: the JSON text
  Json message;       // parsed JSON (send: null when raw)
  std::size_t line = 0;  // 1-based line in the file
};

struct Transcript {
  std::optional<std::string> hooks;          // #! hooks: file (relative to the transcript)
  std::optional<std::string> project_hooks;  // #! project-hooks: file → $WORKSPACE/.codex/hooks.json
  std::vector<std::string> flags;            // #! flags: …
  bool trust_hooks = true;                   // #! trust: all (default) | none
  std::vector<std::string> ignore;           // #! ignore: method …
  std::vector<Step> steps;
  std::vector<std::string> lines;            // the file, for --update
};

/// Parses a transcript. Throws std::runtime_error naming the line on malformed input.
Transcript parse_transcript(const std::string& text);

/// Converts a --record recording (JSONL {"ts","conn","dir","message"}) of one connection (the
/// first one seen) into transcript text; paths of the recorded home and workspace become
/// $HOME and $WORKSPACE.
std::string convert_recording(const std::string& text);

/// True if `text` looks like a recording rather than a transcript.
bool is_recording(const std::string& text);

/// Structural equality with matchers in `expected`.
bool matches(const Json& expected, const Json& actual);

/// Replaces every occurrence of each key with its value in all strings of `value` (keys are
/// tried longest first).
Json substitute(Json value, const std::map<std::string, std::string>& replacements);

/// `text` with every occurrence of `from` replaced by `to`, left to right, replacements not
/// rescanned; an empty `from` changes nothing.
std::string replace_all(std::string text, const std::string& from, const std::string& to);

}  // namespace appserver::replay
