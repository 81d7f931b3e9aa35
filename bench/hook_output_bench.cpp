// Micro-benchmarks of what a finished hook command costs on the io thread (issue 23):
//   InterpretValid     interpret_command_result for a PreToolUse deny in JSON: the engine's
//                      interpretation plus the output check (valijson's fast path, no error)
//   InterpretInvalid   the same for output with a misspelt key: the run fails, and the output
//                      check names the field (valijson's error collection, one repair round)
//   InterpretPlain     plain-text output (no JSON, no schema): the floor
// Run: build-bench/bench/hook_output_bench (see bench/CMakeLists.txt).
#include "hooks/hook_output.hpp"
#include "hooks/hook_schemas.hpp"
#include "hooks/output_lint.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>

using namespace appserver::hooks;

namespace {

CommandResult exited(std::string out) {
  CommandResult r;
  r.exit_code = 0;
  r.stdout_text = std::move(out);
  return r;
}

void run(benchmark::State& state, const CommandResult& result) {
  for (auto _ : state) benchmark::DoNotOptimize(interpret_command_result(HookEventName::preToolUse, result, 600));
}

void InterpretValid(benchmark::State& state) {
  run(state, exited(R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"destructive command"}})"));
}
BENCHMARK(InterpretValid);

void InterpretInvalid(benchmark::State& state) {
  run(state, exited(R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permission_decision":"deny","permissionDecisionReason":"destructive command"}})"));
}
BENCHMARK(InterpretInvalid);

void InterpretPlain(benchmark::State& state) { run(state, exited("checked: nothing to say")); }
BENCHMARK(InterpretPlain);

void LintValid(benchmark::State& state) {  // the output check alone, for InterpretValid's output
  const auto result = exited(R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"destructive command"}})");
  for (auto _ : state) benchmark::DoNotOptimize(lint_hook_output(HookEventName::preToolUse, result, false));
}
BENCHMARK(LintValid);

}  // namespace

int main(int argc, char** argv) {
  // The one-time costs: parsing one embedded document, then parsing and compiling another,
  // paid by the first run with JSON output of that event in a process.
  auto start = std::chrono::steady_clock::now();
  (void)hook_schema_document(HookEventName::stop, true);
  auto parsed = std::chrono::steady_clock::now();
  (void)hook_output_schema(HookEventName::preToolUse);
  auto compiled = std::chrono::steady_clock::now();
  auto us = [](auto d) { return static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()); };
  std::printf("hook schemas, first use: parse Stop's output schema %lld us, parse + compile PreToolUse's %lld us\n",
              us(parsed - start), us(compiled - parsed));
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
