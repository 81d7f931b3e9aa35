// Tool output: the client's first part and the model's head + tail, with the reference's
// truncation cases (codex-rs utils/string truncate tests, carried over as cases) — fed whole and
// byte by byte, which must not differ.
#include "server/tools/output_capture.hpp"

#include <catch2/catch.hpp>

using appserver::OutputCapture;

namespace {
/// model_text() and client_text() for `text` fed in chunks of `chunk` bytes (0 = whole).
std::pair<std::string, std::string> capture(const std::string& text, std::size_t model_limit, std::size_t chunk,
                                            std::size_t client_limit = 1 << 20) {
  OutputCapture c(client_limit, model_limit);
  if (chunk == 0) c.add(text);
  else for (std::size_t i = 0; i < text.size(); i += chunk) c.add(std::string_view(text).substr(i, chunk));
  return {c.model_text(), c.client_text()};
}
}  // namespace

TEST_CASE("tool output within the model's budget reaches the model unchanged", "[output-capture]") {
  for (std::size_t chunk : {0, 1, 3}) {
    CHECK(capture("short output", 100, chunk).first == "short output");
    CHECK(capture("0123456789", 10, chunk).first == "0123456789");
  }
}

TEST_CASE("longer output keeps the reference's head, marker and tail, on character boundaries", "[output-capture]") {
  for (std::size_t chunk : {0, 1, 2, 7}) {
    INFO("chunk " << chunk);
    CHECK(capture("hello world", 10, chunk).first ==
          "Warning: truncated output (original token count: 3)\nTotal output lines: 1\n\n"
          "hello\u20261 chars truncated\u2026world");
    const std::string emoji = "😀😀😀😀😀😀😀😀😀😀\nsecond line with text\n";
    CHECK(capture(emoji, 20, chunk).first ==
          "Warning: truncated output (original token count: 16)\nTotal output lines: 2\n\n"
          "😀😀\u202621 chars truncated\u2026with text\n");
    CHECK(capture("😀abc😀", 10, chunk).first ==
          "Warning: truncated output (original token count: 3)\nTotal output lines: 1\n\n"
          "😀a\u20261 chars truncated\u2026c😀");
    CHECK(capture("😀😀😀😀😀", 16, chunk).first ==
          "Warning: truncated output (original token count: 5)\nTotal output lines: 1\n\n"
          "😀😀\u20261 chars truncated\u2026😀😀");
  }
}

TEST_CASE("a 10 MB output: the client gets its first MiB, the model at most 16 KiB of head and tail", "[output-capture]") {
  std::string big;
  for (int i = 0; big.size() < 10'000'000; ++i) big += "line " + std::to_string(i) + "\n";
  OutputCapture c(1 << 20);
  std::size_t streamed = 0;
  for (std::size_t i = 0; i < big.size(); i += 65536) streamed += c.add(std::string_view(big).substr(i, 65536)).size();
  CHECK(streamed == (1u << 20));
  const std::string client = c.client_text();
  CHECK(client.substr(0, 1 << 20) == big.substr(0, 1 << 20));
  CHECK(client.substr(1 << 20) == "\n[" + std::to_string(big.size() - (1 << 20)) + " more bytes of output not shown]");
  const std::string model = c.model_text();
  CHECK(model.size() <= 16 * 1024);
  CHECK(model.rfind("Warning: truncated output (original token count: " + std::to_string((big.size() + 3) / 4) + ")\n", 0) == 0);
  CHECK(model.find("line 0\nline 1\n") != std::string::npos);
  CHECK(model.substr(model.size() - 5000) == big.substr(big.size() - 5000));
}

TEST_CASE("a note (timeout, spawn error) is part of both texts", "[output-capture]") {
  OutputCapture c(1 << 20);
  c.add("partial");
  c.note("\n[command timed out after 5 ms]");
  CHECK(c.client_text() == "partial\n[command timed out after 5 ms]");
  CHECK(c.model_text() == "partial\n[command timed out after 5 ms]");
}
