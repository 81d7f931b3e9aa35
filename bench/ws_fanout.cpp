// ws_fanout — phase h of issue 8 over WebSocket: N clients subscribed to one thread, the
// latency from emit to receipt of every notification they receive.
//
// Usage: ws_fanout ws://127.0.0.1:PORT CWD [--clients N] [--turns T] [--prompt TEXT]
//
// One driver connection starts a thread (thread/start {cwd}) and runs T turns one after the
// other; N subscriber connections each initialize and `thread/resume` that thread first, so
// every notification of a turn is fanned out to all of them. A subscriber timestamps each text
// frame as soon as its read completes (wall clock, µs), before looking at it. It then measures:
//   emit → receipt   receipt − the envelope's `emittedAtMs` (both servers stamp it when the
//                    notification is emitted; whole milliseconds, so this over-estimates by
//                    0–1 ms);
//   fan-out spread   receipt − the earliest receipt of the same frame by any subscriber (µs
//                    precise; what delivering to N clients adds).
// A warm-up turn runs before the subscribers resume the thread. Prints one JSON object on stdout:
//   {"clients":N,"turns":T,"notifications":M,"emitToReceiptMs":{p50,p90,p99,max},
//    "spreadMs":{p50,p90,p99,max}}
// Exit status 1 with a message on stderr when a connection or the protocol fails.
//
// Single-threaded (one io_context), like the client of a real UI; Boost.Beast WebSocket.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = beast::websocket;
using asio::ip::tcp;
using Json = nlohmann::json;

namespace {

struct Options {
  std::string host, port, cwd;
  int clients = 100;
  int turns = 20;
  std::string prompt = "hello";
};

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(system_clock::now().time_since_epoch()).count();
}

struct Stats {
  std::vector<double> emit_to_receipt;
  std::unordered_map<std::size_t, double> first_receipt;  // frame hash → earliest receipt
  std::vector<std::pair<std::size_t, double>> receipts;   // (frame hash, receipt)
  int completed = 0;  // turn/completed frames seen by subscribers
  double since_ms = 0;  // frames emitted before the first measured turn are not counted
};

using Socket = ws::stream<beast::tcp_stream>;

constexpr std::string_view kEmittedAt = "\"emittedAtMs\":";

asio::awaitable<std::unique_ptr<Socket>> open(const Options& o) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(o.host, o.port, asio::use_awaitable);
  auto socket = std::make_unique<Socket>(ex);
  co_await beast::get_lowest_layer(*socket).async_connect(endpoints, asio::use_awaitable);
  beast::get_lowest_layer(*socket).expires_never();
  beast::get_lowest_layer(*socket).socket().set_option(tcp::no_delay(true));
  socket->text(true);
  co_await socket->async_handshake(o.host + ":" + o.port, "/", asio::use_awaitable);
  co_return socket;
}

asio::awaitable<void> send(Socket& s, const Json& message) {
  std::string text = message.dump();
  co_await s.async_write(asio::buffer(text), asio::use_awaitable);
}

// Reads until the response to `id`; notifications before it are skipped.
asio::awaitable<Json> call(Socket& s, int id, const std::string& method, Json params) {
  Json request = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  co_await send(s, request);
  beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    co_await s.async_read(buffer, asio::use_awaitable);
    Json m = Json::parse(beast::buffers_to_string(buffer.data()));
    if (m.contains("id") && m["id"] == id && !m.contains("method")) {
      if (m.contains("error")) throw std::runtime_error(method + ": " + m["error"].dump());
      co_return m["result"];
    }
  }
}

asio::awaitable<void> initialize(Socket& s) {
  // Named, not braced in the co_await: GCC 12 miscompiles braced temporaries there.
  Json params = {{"clientInfo", {{"name", "ws_fanout"}, {"version", "1.0"}}}};
  co_await call(s, 1, "initialize", params);
  Json initialized = {{"method", "initialized"}};
  co_await send(s, initialized);
}

asio::awaitable<void> subscriber_loop(Socket& s, Stats& stats) {
  beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    co_await s.async_read(buffer, asio::use_awaitable);
    const double at = now_ms();
    // Looked at in place (flat_buffer is contiguous), so the client's cost per frame stays
    // small next to what it measures.
    const std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
    if (text.find("\"method\":\"turn/completed\"") != std::string_view::npos) ++stats.completed;
    auto pos = text.find(kEmittedAt);
    if (pos == std::string_view::npos) continue;  // a response or a server request
    long long emitted = 0;
    std::from_chars(text.data() + pos + kEmittedAt.size(), text.data() + text.size(), emitted);
    // Notifications of the subscription phase waited in the socket until this loop started.
    if (static_cast<double>(emitted) < stats.since_ms) continue;
    stats.emit_to_receipt.push_back(at - static_cast<double>(emitted));
    const std::size_t hash = std::hash<std::string_view>{}(text);
    auto [it, inserted] = stats.first_receipt.try_emplace(hash, at);
    if (!inserted) it->second = std::min(it->second, at);
    stats.receipts.emplace_back(hash, at);
  }
}

asio::awaitable<void> wait_until(std::function<bool()> done) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!done()) {
    timer.expires_after(std::chrono::microseconds(200));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// Waits for the driver's own turn/completed of the turn it just started.
asio::awaitable<void> run_turn(Socket& driver, int id, const std::string& thread, const std::string& prompt) {
  Json params = {{"threadId", thread}, {"input", Json::array({{{"type", "text"}, {"text", prompt}}})}};
  co_await call(driver, id, "turn/start", params);
  beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    co_await driver.async_read(buffer, asio::use_awaitable);
    if (beast::buffers_to_string(buffer.data()).find("\"method\":\"turn/completed\"") != std::string::npos)
      co_return;
  }
}

Json summary(std::vector<double> v) {
  if (v.empty()) return Json::object();
  std::sort(v.begin(), v.end());
  auto at = [&](double p) { return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))]; };
  return {{"p50", at(0.50)}, {"p90", at(0.90)}, {"p99", at(0.99)}, {"max", v.back()}};
}

asio::awaitable<void> bench(const Options& o, Stats& stats, bool& ok) {
  try {
    auto driver = co_await open(o);
    co_await initialize(*driver);
    Json start_params = {{"cwd", o.cwd}};
    Json started = co_await call(*driver, 2, "thread/start", start_params);
    const std::string thread = started["thread"]["id"];
    int id = 3;
    // Warm-up turn before anyone subscribes (the reference persists a thread, and so lets
    // other connections resume it, only once it has a turn).
    co_await run_turn(*driver, id++, thread, o.prompt);
    std::vector<std::unique_ptr<Socket>> subscribers;
    for (int i = 0; i < o.clients; ++i) {
      subscribers.push_back(co_await open(o));
      co_await initialize(*subscribers.back());
      Json resume_params = {{"threadId", thread}};
      co_await call(*subscribers.back(), 2, "thread/resume", resume_params);
    }
    auto ex = co_await asio::this_coro::executor;
    for (auto& s : subscribers) asio::co_spawn(ex, subscriber_loop(*s, stats), asio::detached);
    co_await asio::post(ex, asio::use_awaitable);  // let every loop reach its first read
    stats.since_ms = std::floor(now_ms());
    for (int turn = 1; turn <= o.turns; ++turn) {
      co_await run_turn(*driver, id++, thread, o.prompt);
      const int expected = turn * o.clients;
      co_await wait_until([&] { return stats.completed >= expected; });
    }
    ok = true;
    for (auto& s : subscribers) beast::get_lowest_layer(*s).close();
    beast::get_lowest_layer(*driver).close();
  } catch (const std::exception& e) {
    std::cerr << "ws_fanout: " << e.what() << "\n";
    ok = false;
  }
  co_return;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&] { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (args[i] == "--clients") o.clients = std::stoi(value());
    else if (args[i] == "--turns") o.turns = std::stoi(value());
    else if (args[i] == "--prompt") o.prompt = value();
    else positional.push_back(args[i]);
  }
  const std::string scheme = "ws://";
  if (positional.size() != 2 || positional[0].rfind(scheme, 0) != 0) {
    std::cerr << "usage: ws_fanout ws://HOST:PORT CWD [--clients N] [--turns T] [--prompt TEXT]\n";
    return 2;
  }
  std::string authority = positional[0].substr(scheme.size());
  authority = authority.substr(0, authority.find('/'));
  const auto colon = authority.rfind(':');
  o.host = authority.substr(0, colon);
  o.port = authority.substr(colon + 1);
  o.cwd = positional[1];

  asio::io_context io;
  Stats stats;
  bool ok = false;
  asio::co_spawn(io, bench(o, stats, ok), asio::detached);
  io.run();
  if (!ok) return 1;
  std::vector<double> spread;
  spread.reserve(stats.receipts.size());
  for (const auto& [hash, at] : stats.receipts) spread.push_back(at - stats.first_receipt[hash]);
  Json out = {{"clients", o.clients},
              {"turns", o.turns},
              {"notifications", stats.emit_to_receipt.size()},
              {"emitToReceiptMs", summary(stats.emit_to_receipt)},
              {"spreadMs", summary(std::move(spread))}};
  std::cout << out.dump() << std::endl;
  return 0;
}
