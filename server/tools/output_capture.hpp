// What one command's output becomes, read once as it streams: the client's part (the first
// `client_limit` bytes, streamed and kept in the item) and the model's (the reference's head +
// tail truncation of the *whole* output), in memory bounded by the limits, not by the output.
//
// The model's text follows Codex 0.169 (codex-rs `utils/output-truncation` and
// `utils/string/src/truncate.rs`, TruncationPolicy::Bytes(10_000), the default policy): output of
// at most 10,000 bytes is sent as is; longer output is sent as
//   "Warning: truncated output (original token count: T)\nTotal output lines: L\n\n"
//   + the first ≤5,000 bytes (whole UTF-8 characters) + "…N chars truncated…"
//   + the last ≤5,000 bytes (from a character start)
// with T = ceil(bytes / 4), L = the number of lines, N = the characters left out. Bytes that are
// not valid UTF-8 are counted as received (the reference counts after a lossy conversion).
// Not thread-safe (one per command, on its thread's strand).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace appserver {

/// The model's budget for one tool output, in bytes (the reference's Bytes(10_000)).
inline constexpr std::size_t kModelOutputBytes = 10'000;
/// What clients get of one command's output (streamed, then aggregatedOutput), in bytes.
inline constexpr std::size_t kClientOutputBytes = 1 << 20;

class OutputCapture {
 public:
  /// `client_limit`: bytes streamed to clients and kept as aggregatedOutput.
  explicit OutputCapture(std::size_t client_limit, std::size_t model_limit = kModelOutputBytes);

  /// Takes one chunk; returns the part of it clients get ("" once the client limit is reached).
  std::string_view add(std::string_view chunk);

  /// The client's text: the first `client_limit` bytes, then a line saying how many were not
  /// shown, if any were.
  std::string client_text() const;
  /// The model's text (see above).
  std::string model_text() const;
  /// Appends a note (a timeout, a spawn error) to both texts as if the command had printed it.
  void note(std::string_view text);

  std::size_t total_bytes() const { return total_bytes_; }

 private:
  std::size_t client_limit_, model_limit_;
  std::string head_;         // the first max(client_limit, model_limit / 2 + 4) bytes
  std::string tail_;         // the last model_limit / 2 + 4 bytes (a ring, compacted on growth)
  std::size_t total_bytes_ = 0, total_chars_ = 0, newlines_ = 0;
  char last_byte_ = 0;
  std::size_t head_keep_, tail_keep_;
};

}  // namespace appserver
