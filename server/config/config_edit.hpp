// Writes to a config.toml: the `config/batchWrite` request (ConfigBatchWriteParams, v2
// config.rs) and `app-server hooks trust`. Edits address a value by a dotted key path whose
// segments may be double-quoted (`hooks.state."/h/hooks.json:stop:0:0".trusted_hash`).
//
// The file is replaced atomically (temp file + rename), so a crash leaves the old or the new
// file, never half of one. Edits that only touch `hooks.state."<key>"` tables keep the rest of
// the file byte for byte (comments included): the affected tables are cut out and re-appended.
// Any other edit re-renders the whole file with toml++ (comments are then lost; logged).
// Not thread-safe against concurrent writers of the same file; callers serialise.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace appserver {

/// One edit (ConfigEdit): `upsert` merges tables recursively; `replace` (and upsert of a
/// non-table) sets the value; a null value removes the key.
struct ConfigEditOp {
  std::string key_path;
  nlohmann::json value;
  bool upsert = false;
};

/// A failed write: bad key path, value not representable in TOML, version conflict, unreadable
/// or unparsable file, or an I/O error. `what()` says which, for the JSON-RPC error message.
struct ConfigWriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ConfigWriteResult {
  std::string version;          // "sha256:<hex>" of the written file
  std::filesystem::path file;   // the file written (absolute)
  bool comments_preserved = true;
};

/// Applies `edits` in order to `file` (created with its folder when missing). When
/// `expected_version` is given it must equal config_version(file) before the write.
ConfigWriteResult write_config(const std::filesystem::path& file, const std::vector<ConfigEditOp>& edits,
                               const std::optional<std::string>& expected_version = std::nullopt);

/// "sha256:<hex>" of the file's bytes ("sha256:" of empty content when missing).
std::string config_version(const std::filesystem::path& file);

/// Splits a dotted key path; segments may be "quoted" with \" and \\ escapes. Throws
/// ConfigWriteError on an empty segment or an unterminated quote.
std::vector<std::string> split_key_path(const std::string& key_path);

}  // namespace appserver
