// libFuzzer target: a thread's history file as thread/read and thread/resume load it — torn,
// corrupt, reordered or hostile lines. The loader must skip what it cannot use and build a
// thread from the rest; the snapshot a client would get is then encoded as it would be sent.
#include "protocol/describe_json.hpp"
#include "server/threads/thread_store.hpp"

#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  std::string_view content(reinterpret_cast<const char*>(data), size);
  auto loaded = appserver::replay_thread_file(content, "fuzz.jsonl");
  if (loaded) {
    auto json = appserver::protocol::encode(loaded->history.thread());
    (void)json.dump();
    (void)loaded->history.model_messages();
  }
  return 0;
}
