// End-to-end: the WebSocket transport's resource bounds. Each limit is hit, answered with its
// reason, and the daemon keeps serving everyone else.
#include "daemon_process.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <thread>

using namespace e2e;

namespace {

/// Waits until the server closed `client`; returns its close frame's "CODE reason".
std::string wait_closed(WsClient& client, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!client.try_next(timeout)) return client.close_reason();
  }
  return "(still open)";
}

bool stdio_answers(Daemon& daemon) { return daemon.request("thread/loaded/list", Json::object()).contains("result"); }

}  // namespace

TEST_CASE("a WebSocket connection that never initializes is closed with its reason", "[e2e][ws][limits]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0", "--ws-initialize-timeout", "0.5"});
  daemon.initialize();
  WsClient idle(daemon.ws_url());
  WsClient polite(daemon.ws_url());
  polite.initialize("polite");
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(wait_closed(idle) == "1008 initialize not received within 0.5 s");
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  std::this_thread::sleep_for(700ms);  // past the timeout: an initialized client stays
  CHECK(polite.request("thread/loaded/list", Json::object()).contains("result"));
  CHECK(stdio_answers(daemon));
  polite.close();
  CHECK(daemon.close() == 0);
}

TEST_CASE("a WebSocket message begun but not finished in time closes its connection", "[e2e][ws][limits]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0", "--ws-message-timeout", "0.5"});
  daemon.initialize();
  WsClient slow(daemon.ws_url());
  slow.initialize("slow");
  slow.send_partial(R"({"id":1,"method":"thread/loaded/li)");
  CHECK(wait_closed(slow) == "1008 message not completed within 0.5 s");
  // A message sent in parts that do finish in time is fine.
  WsClient parts(daemon.ws_url());
  parts.initialize("parts");
  CHECK(parts.request("thread/loaded/list", Json::object()).contains("result"));
  CHECK(stdio_answers(daemon));
  parts.close();
  CHECK(daemon.close() == 0);
}

TEST_CASE("unfinished messages of all connections together are capped and the connection that passes the cap is closed", "[e2e][ws][limits]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0", "--ws-max-pending-bytes", "1000000"});
  daemon.initialize();
  WsClient first(daemon.ws_url()), second(daemon.ws_url());
  first.initialize("first");
  second.initialize("second");
  const std::string big(600000, ' ');
  first.send_partial(R"({"id":1,"method":"thread/loaded/list","params":{},"pad":")" + big);
  std::this_thread::sleep_for(300ms);  // the daemon has read the first one's 600 kB
  second.send_partial(R"({"id":1,"method":"thread/loaded/list","params":{},"pad":")" + big);
  CHECK(wait_closed(second) == "1013 server busy: unfinished messages of all connections exceed 1000000 bytes");
  // The first finishes its message and is answered; its bytes were within the budget.
  first.send_line(std::string("\"}"));
  Json answer = first.next();
  CHECK(answer == Json::parse(R"({"id":1,"result":{"data":[],"nextCursor":null}})"));
  CHECK(stdio_answers(daemon));
  first.close();
  CHECK(daemon.close() == 0);
}

TEST_CASE("connections over the limit are refused with HTTP 503 until one closes", "[e2e][ws][limits]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0", "--ws-max-connections", "2"});
  daemon.initialize();
  const std::string url = daemon.ws_url();
  auto a = std::make_unique<WsClient>(url);
  WsClient b(url);
  a->initialize("a");
  b.initialize("b");
  CHECK(WsClient::upgrade_status(url) == 503);
  a->close();
  a.reset();
  unsigned status = 0;
  for (int i = 0; i < 50 && status != 101; ++i) {  // the slot frees once the daemon saw the close
    std::this_thread::sleep_for(50ms);
    status = WsClient::upgrade_status(url);
  }
  CHECK(status == 101);
  CHECK(b.request("thread/loaded/list", Json::object()).contains("result"));
  CHECK(stdio_answers(daemon));
  b.close();
  CHECK(daemon.close() == 0);
}

TEST_CASE("20 clients each holding an unfinished 15 MiB message do not take the daemon's memory with them", "[e2e][ws][limits]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"});  // default limits
  daemon.initialize();
  const std::string url = daemon.ws_url();
  std::vector<std::unique_ptr<WsClient>> clients;
  const std::string chunk(1024 * 1024, ' ');
  int refused = 0;
  for (int i = 0; i < 20; ++i) {
    auto client = std::make_unique<WsClient>(url);
    client->initialize("hoarder");
    try {
      client->send_partial(R"({"id":1,"method":"thread/loaded/list","pad":")");
      for (int mb = 0; mb < 15; ++mb) client->send_partial(chunk);
    } catch (const std::exception&) {
      ++refused;  // closed by the daemon while sending: the budget was spent
    }
    clients.push_back(std::move(client));
  }
  std::this_thread::sleep_for(500ms);
  auto rss_kb = [&] {
    std::ifstream status("/proc/" + std::to_string(daemon.pid()) + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1L;
  };
  const long rss = rss_kb();
  INFO("daemon RSS " << rss / 1024 << " MiB with 20 × 15 MiB unfinished; " << refused << " refused while sending");
  CHECK(rss > 0);
#ifndef APP_SERVER_DAEMON_SANITIZED  // ASan's shadow memory and quarantine make the daemon's RSS meaningless
  CHECK(rss < 160 * 1024);  // the budget is 64 MiB; before it, 344 MiB
#endif
  CHECK(stdio_answers(daemon));
  clients.clear();
  CHECK(daemon.close() == 0);
}
