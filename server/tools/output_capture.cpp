// Tool output capture and the reference's model truncation; see output_capture.hpp.
#include "server/tools/output_capture.hpp"

#include <algorithm>

namespace appserver {

namespace {
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t count_chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation(c); }));
}
}  // namespace

OutputCapture::OutputCapture(std::size_t client_limit, std::size_t model_limit)
    : client_limit_(client_limit), model_limit_(model_limit),
      head_keep_(std::max(client_limit, model_limit / 2 + 4)), tail_keep_(model_limit - model_limit / 2 + 4) {}

std::string_view OutputCapture::add(std::string_view chunk) {
  const std::size_t before = total_bytes_;
  total_bytes_ += chunk.size();
  total_chars_ += count_chars(chunk);
  newlines_ += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
  if (!chunk.empty()) last_byte_ = chunk.back();
  if (head_.size() < head_keep_) head_.append(chunk.substr(0, head_keep_ - head_.size()));
  tail_.append(chunk.size() > tail_keep_ ? chunk.substr(chunk.size() - tail_keep_) : chunk);
  if (tail_.size() > 2 * tail_keep_) tail_.erase(0, tail_.size() - tail_keep_);  // amortised O(1) per byte
  if (before >= client_limit_) return {};
  return chunk.substr(0, client_limit_ - before);
}

void OutputCapture::note(std::string_view text) { add(text); }

std::string OutputCapture::client_text() const {
  std::string out = head_.substr(0, std::min(head_.size(), client_limit_));
  if (total_bytes_ > client_limit_)
    out += "\n[" + std::to_string(total_bytes_ - client_limit_) + " more bytes of output not shown]";
  return out;
}

std::string OutputCapture::model_text() const {
  if (total_bytes_ <= model_limit_) return head_.substr(0, total_bytes_);
  const std::size_t left = model_limit_ / 2, right = model_limit_ - left;
  // The prefix: whole characters ending at or before `left` bytes.
  std::size_t prefix_end = std::min(left, head_.size());
  while (prefix_end > 0 && prefix_end < head_.size() && is_continuation(head_[prefix_end])) --prefix_end;
  // The suffix: from the first character starting at or after total - right.
  const std::string_view tail = std::string_view(tail_).substr(tail_.size() > right + 4 ? tail_.size() - right - 4 : 0);
  const std::size_t tail_offset = total_bytes_ - tail.size();  // global index of tail[0]
  std::size_t start = total_bytes_ - right - tail_offset;
  while (start < tail.size() && is_continuation(tail[start])) ++start;
  const std::string_view prefix(head_.data(), prefix_end), suffix = tail.substr(start);
  const std::size_t removed = total_chars_ - count_chars(prefix) - count_chars(suffix);
  const std::size_t lines = newlines_ + (last_byte_ != '\n' ? 1 : 0);
  std::string out = "Warning: truncated output (original token count: " + std::to_string((total_bytes_ + 3) / 4) +
                    ")\nTotal output lines: " + std::to_string(lines) + "\n\n";
  out.append(prefix);
  out += "\u2026" + std::to_string(removed) + " chars truncated\u2026";
  out.append(suffix);
  return out;
}

}  // namespace appserver
