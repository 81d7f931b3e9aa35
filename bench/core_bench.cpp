// Micro-benchmarks of the request path and of the history reducer (issue 8):
//   ParseDispatch      one request text → parse → initialize gate → method lookup → params
//                      decode → handler → result encode → serialised reply queued on the
//                      connection (`thread/loaded/list`: the handler itself is trivial, so
//                      this is the dispatcher's own cost)
//   ParseDispatchError malformed JSON → the JSON-RPC parse error reply (-32700)
//   HistoryFold        the history reducer over the stored records of a real 20-turn thread
//                      with two hook runs per turn (bench/fixtures/thread-20-turns.jsonl,
//                      recorded from the daemon against bench/mock_model.py); items = turns,
//                      so 1 / items_per_second is the fold of one turn
//   ReplayTurn         ThreadStore::load of that thread file: read, parse each JSONL line,
//                      fold; what thread/read and thread/resume do per turn in a fresh process
#include "server/handlers/handlers.hpp"
#include "server/rpc/dispatcher.hpp"
#include "server/server_context.hpp"
#include "server/threads/thread_history.hpp"
#include "server/threads/thread_store.hpp"

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace appserver;

namespace {

struct NullConnection final : Connection {
  explicit NullConnection(boost::asio::io_context& io) : Connection(1), io_(io) {}
  void send(std::shared_ptr<const std::string> message) override { last = std::move(message); }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  std::string describe() const override { return "bench"; }
  std::shared_ptr<const std::string> last;

 private:
  boost::asio::io_context& io_;
};

/// A server context with an empty home in the temp folder, and one initialized connection.
struct Daemon {
  Daemon()
      : home(std::filesystem::temp_directory_path() / "app-server-core-bench"),
        ctx(io, options(home)), handlers(ctx), dispatcher(ctx, handlers),
        connection(std::make_shared<NullConnection>(io)) {
    dispatch(R"({"id":0,"method":"initialize","params":{"clientInfo":{"name":"bench","version":"1"}}})");
    dispatch(R"({"method":"initialized"})");
    if (!connection->initialized) throw std::runtime_error("initialize failed: " + *connection->last);
  }
  ~Daemon() { std::filesystem::remove_all(home); }

  void dispatch(std::string_view text) {
    dispatcher.on_message(connection, text);
    io.restart();
    io.poll();
  }

  static ServerOptions options(const std::filesystem::path& home) {
    std::filesystem::remove_all(home);
    std::filesystem::create_directories(home);
    ServerOptions o;
    o.home = home;
    o.default_cwd = home;
    o.system_config_dir = home / "system";
    return o;
  }

  std::filesystem::path home;
  boost::asio::io_context io;
  ServerContext ctx;
  Handlers handlers;
  Dispatcher dispatcher;
  std::shared_ptr<NullConnection> connection;
};

void ParseDispatch(benchmark::State& state) {
  Daemon daemon;
  const std::string request = R"({"id":7,"method":"thread/loaded/list","params":{"limit":50}})";
  for (auto _ : state) daemon.dispatch(request);
  if (daemon.connection->last->find(R"("result":{"data":[])") == std::string::npos)
    state.SkipWithError(("unexpected reply: " + *daemon.connection->last).c_str());
}
BENCHMARK(ParseDispatch);

void ParseDispatchError(benchmark::State& state) {
  Daemon daemon;
  const std::string request = R"({"id":7,"method":"thread/loaded/list","params":{"limit":)";
  for (auto _ : state) daemon.dispatch(request);
  if (daemon.connection->last->find("-32700") == std::string::npos)
    state.SkipWithError(("unexpected reply: " + *daemon.connection->last).c_str());
}
BENCHMARK(ParseDispatchError);

std::vector<std::string> fixture_lines() {
  std::ifstream in(std::filesystem::path(APP_SERVER_BENCH_FIXTURES) / "thread-20-turns.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  if (lines.empty()) throw std::runtime_error("bench fixture thread-20-turns.jsonl not found");
  return lines;
}

void HistoryFold(benchmark::State& state) {
  std::vector<std::pair<std::string, protocol::Json>> records;
  for (const auto& line : fixture_lines()) {
    auto record = protocol::Json::parse(line);
    records.emplace_back(record["method"].get<std::string>(), std::move(record["params"]));
  }
  std::size_t turns = 0;
  for (auto _ : state) {
    ThreadHistory history;
    for (const auto& [method, params] : records) history.apply(method, params);
    history.finish_replay();
    turns = history.turns().size();
    benchmark::DoNotOptimize(history.thread());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * turns));
}
BENCHMARK(HistoryFold);

/// Times ThreadStore::load of `text` stored as the file of thread `id` (in a temporary store
/// folder `folder`); the load must give `expected_turns` turns.
void time_load(benchmark::State& state, const char* folder, const std::string& id, const std::string& text,
               std::size_t expected_turns) {
  const auto dir = std::filesystem::temp_directory_path() / folder;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (id + ".jsonl")) << text;
  ThreadStore store(dir);
  std::size_t turns = 0;
  for (auto _ : state) {
    auto loaded = store.load(id);
    turns = loaded ? loaded->history.turns().size() : 0;
    benchmark::DoNotOptimize(loaded);
  }
  if (turns != expected_turns) state.SkipWithError("the thread did not load with the expected turns");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * turns));
  state.counters["file_bytes"] = static_cast<double>(text.size());
  std::filesystem::remove_all(dir);
}

std::string thread_id_of(const std::vector<std::string>& lines) {
  return protocol::Json::parse(lines.front())["params"]["thread"]["id"];
}

void ReplayTurn(benchmark::State& state) {
  const auto lines = fixture_lines();
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  time_load(state, "app-server-core-bench-store", thread_id_of(lines), text, 20);
}
BENCHMARK(ReplayTurn);

/// ThreadStore::load of a 200-turn thread: the fixture's turns ten times over, each copy with
/// its own turn ids (the size of the thread the side-by-side replay phase loads).
void ReplayLongThread(benchmark::State& state) {
  const auto lines = fixture_lines();
  std::vector<std::string> turn_ids;
  for (const auto& line : lines) {
    auto record = protocol::Json::parse(line);
    if (record["method"] == "turn/started") turn_ids.push_back(record["params"]["turn"]["id"]);
  }
  std::string text = lines.front() + "\n";
  for (int copy = 0; copy < 10; ++copy)
    for (std::size_t i = 1; i < lines.size(); ++i) {
      std::string line = lines[i];
      for (const auto& turn_id : turn_ids) {
        const std::string renamed = turn_id + "-copy" + std::to_string(copy);
        for (std::size_t at = line.find(turn_id); at != std::string::npos;
             at = line.find(turn_id, at + renamed.size()))
          line.replace(at, turn_id.size(), renamed);
      }
      text += line + "\n";
    }
  time_load(state, "app-server-core-bench-long", thread_id_of(lines), text, 200);
}
BENCHMARK(ReplayLongThread)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::off);  // the error path logs a warning per message
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
