// The cost of schema validation on the path that emits a hook/completed notification, and its
// share of that path. Paths measured, each per notification:
//   Validate        valijson validation of the params against the compiled schema only
//   EmitNoValidate  encode struct → serialise once → queue on one connection
//   Emit            the same with validation (what Outgoing does for every hook notification)
//   EmitStored      Emit plus what LiveThread::emit adds for stored notifications: the history
//                   reducer and one appended line in the thread's JSONL file
#include "protocol/methods.hpp"
#include "server/rpc/outgoing.hpp"
#include "server/threads/thread_history.hpp"
#include "server/threads/thread_store.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>

using namespace appserver;
namespace v2 = protocol::v2;

namespace {
struct NullConnection final : Connection {
  NullConnection() : Connection(1) {}
  void send(std::shared_ptr<const std::string> message) override {
    last = std::move(message);
  }
  boost::asio::any_io_executor executor() override { return {}; }
  std::string describe() const override { return "bench"; }
  std::shared_ptr<const std::string> last;
};

v2::HookCompletedNotification sample() {
  v2::HookCompletedNotification n;
  n.threadId = "0a7208b4-752d-4921-8a8d-b7fd9be11840";
  n.turnId = "2db5e67d-8ab8-4570-929d-0cfedae0613f";
  n.run.id = "user-prompt-submit:1:/home/user/.app-server/hooks.json";
  n.run.eventName = v2::HookEventName::userPromptSubmit;
  n.run.sourcePath = "/home/user/.app-server/hooks.json";
  n.run.source = v2::HookSource::user;
  n.run.displayOrder = 1;
  n.run.status = v2::HookRunStatus::completed;
  n.run.statusMessage = "Checking the prompt";
  n.run.startedAt = 1795325115;
  n.run.completedAt = 1795325115;
  n.run.durationMs = 5;
  n.run.entries = {{v2::HookOutputEntryKind::warning, "UserPromptSubmit hook checked the prompt."},
                   {v2::HookOutputEntryKind::context, "Context from the UserPromptSubmit hook."}};
  return n;
}

const schema::SchemaValidator& validator() {
  static const schema::SchemaValidator instance;
  return instance;
}

void Validate(benchmark::State& state) {
  const protocol::Json params = protocol::encode(sample());
  for (auto _ : state) benchmark::DoNotOptimize(validator().validate_notification("hook/completed", params));
}
BENCHMARK(Validate);

void emit(benchmark::State& state, bool validate) {
  Clock clock;
  // validate_all=false still validates hook/*; to measure without it, emit under a method name
  // that is not validated, with the identical payload.
  Outgoing outgoing(clock, validator(), ValidationPolicy{});
  auto connection = std::make_shared<NullConnection>();
  std::vector<ConnectionWeak> to{connection};
  const auto n = sample();
  const char* method = validate ? "hook/completed" : "hook/completed-unvalidated";
  for (auto _ : state) {
    auto message = outgoing.serialise(method, protocol::encode(n));
    outgoing.deliver(to, method, message);
  }
}
void EmitNoValidate(benchmark::State& state) { emit(state, false); }
void Emit(benchmark::State& state) { emit(state, true); }
BENCHMARK(EmitNoValidate);
BENCHMARK(Emit);

void EmitStored(benchmark::State& state) {
  Clock clock;
  Outgoing outgoing(clock, validator(), ValidationPolicy{});
  auto connection = std::make_shared<NullConnection>();
  std::vector<ConnectionWeak> to{connection};
  auto dir = std::filesystem::temp_directory_path() / "emit-bench";
  std::filesystem::remove_all(dir);
  ThreadStore store(dir);
  auto log = store.open_log("bench");
  ThreadHistory history;
  const auto n = sample();
  for (auto _ : state) {
    const protocol::Json params = protocol::encode(n);
    history.apply("hook/completed", params);
    log->append("hook/completed", params);
    outgoing.deliver(to, "hook/completed", outgoing.serialise("hook/completed", params));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(EmitStored);
}  // namespace

BENCHMARK_MAIN();
