// libFuzzer target: what a hook prints. The first byte picks the exit code (0, 2, 1, 127 or
// killed), sync/async and (high bits) the event; the rest is the hook's stdout (and, split at
// the first NUL, its stderr). The event interprets it as the engine would, and two such runs
// are aggregated.
#include "hooks/command_runner.hpp"
#include "hooks/hook_engine.hpp"
#include "hooks/hook_events.hpp"
#include "hooks/hook_output.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace appserver::hooks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  CommandResult result;
  const int codes[] = {0, 2, 1, 127};
  result.exit_code = codes[mode & 3];
  if (mode & 8) result.exit_code.reset();  // killed by a signal
  const auto nul = rest.find('\0');
  result.stdout_text = std::string(rest.substr(0, nul));
  if (nul != std::string_view::npos) result.stderr_text = std::string(rest.substr(nul + 1));
  const bool async = mode & 4;
  {
    const auto& info = all_events()[(mode >> 4) % all_events().size()];
    HookRunResult run;
    run.outcome = interpret_command_result(info.event, result, 30, async);
    std::vector<HookRunResult> runs{run, run};
    runs[1].completion_order = 1;
    HookBatchResult batch = aggregate(info.event, std::move(runs));
    if (batch.updated_input) (void)batch.updated_input->dump();
  }
  return 0;
}
