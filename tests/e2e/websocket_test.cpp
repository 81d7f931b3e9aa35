// End-to-end, WebSocket only: HTTP endpoints, Origin and auth checks, limits, several clients.
#include "daemon_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <fstream>

using namespace e2e;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
/// One plain HTTP request to the daemon's port; returns status and body.
std::pair<int, std::string> http_get(const std::string& ws_url, const std::string& target,
                                     std::vector<std::pair<http::field, std::string>> headers = {}) {
  const std::string rest = ws_url.substr(5);
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve(rest.substr(0, rest.rfind(':')), rest.substr(rest.rfind(':') + 1)));
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, rest);
  for (auto& [field, value] : headers) req.set(field, value);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

const std::vector<std::pair<http::field, std::string>> kUpgrade = {
    {http::field::connection, "Upgrade"},
    {http::field::upgrade, "websocket"},
    {http::field::sec_websocket_version, "13"},
    {http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ=="}};

std::string ws_only() { return "ws://127.0.0.1:0"; }
}  // namespace

TEST_CASE("health endpoints answer 200, Origin is refused, plain HTTP is 400", "[e2e][ws]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only()});
  const std::string url = daemon.ws_url();
  CHECK(http_get(url, "/readyz").first == 200);
  CHECK(http_get(url, "/healthz").first == 200);
  CHECK(http_get(url, "/") == std::pair<int, std::string>{400, "Connection header did not include 'upgrade'\n"});
  CHECK(http_get(url, "/readyz", {{http::field::origin, "https://evil.example"}}).first == 403);
  auto upgrade_with_origin = kUpgrade;
  upgrade_with_origin.push_back({http::field::origin, "https://evil.example"});
  CHECK(http_get(url, "/", upgrade_with_origin).first == 403);
  // Any path upgrades; no subprotocol, no compression header echoed.
  WsClient client(url);
  CHECK(client.initialize()["result"]["platformOs"] == "linux");
  CHECK(daemon.close() == 0);
}

TEST_CASE("a bearer token is required when configured, and compared exactly", "[e2e][ws]") {
  TempHome home;
  std::ofstream(home.root / "token") << "s3cret-token\n";
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only(), "--ws-auth", "capability-token",
                       "--ws-token-file", (home.root / "token").string()});
  const std::string url = daemon.ws_url();
  CHECK(http_get(url, "/", kUpgrade) == std::pair<int, std::string>{401, "missing websocket bearer token\n"});
  auto wrong = kUpgrade;
  wrong.push_back({http::field::authorization, "Bearer s3cret-tokeN"});
  CHECK(http_get(url, "/", wrong) == std::pair<int, std::string>{401, "invalid websocket bearer token\n"});
  CHECK(http_get(url, "/readyz").first == 200);  // health stays open
  CHECK_THROWS(WsClient(url, "wrong"));
  WsClient client(url, "s3cret-token");
  CHECK(client.initialize().contains("result"));
  CHECK(daemon.close() == 0);
}

TEST_CASE("a non-loopback listener without auth refuses to start", "[e2e][ws]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "ws://0.0.0.0:0"});
  CHECK(daemon.close() == 1);
}

TEST_CASE("oversized and binary messages are answered and the connection stays up", "[e2e][ws]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only(), "--max-message-bytes", "1000"});
  WsClient client(daemon.ws_url());
  client.initialize();
  client.send_line(std::string(200000, ' ') + "{}");
  CHECK(client.next() == Json::parse(R"({"id":null,"error":{"code":-32600,
      "message":"Invalid request: message exceeds the limit of 1000 bytes"}})"));
  client.send_binary(R"({"id":5,"method":"thread/loaded/list","params":{}})");
  CHECK(client.next()["error"]["message"] ==
        "Invalid request: binary frames are not supported; send JSON-RPC messages as text frames");
  CHECK(client.request("thread/loaded/list", Json::object())["result"]["data"] == Json::array());
  CHECK(daemon.close() == 0);
}

TEST_CASE("two clients on one thread receive the identical notification sequence", "[e2e][ws]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":"sh $FIXTURES/ups_context.sh"}]}]}})");
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only()});
  WsClient a(daemon.ws_url()), b(daemon.ws_url());
  a.initialize("a");
  b.initialize("b");
  const std::string thread = start_thread(a, home);
  CHECK(b.request("thread/resume", {{"threadId", thread}}).contains("result"));
  auto seen_by_a = run_turn(a, thread, "shared turn");
  seen_by_a.erase(seen_by_a.begin());  // the turn/start response is a's alone
  auto seen_by_b = b.until("turn/completed");
  CHECK(seen_by_b == seen_by_a);  // byte-for-byte the same notifications, same order
  CHECK(find_all(seen_by_b, "hook/completed").size() == 1);

  // After unsubscribing, b gets nothing from the next turn; a still does.
  CHECK(b.request("thread/unsubscribe", {{"threadId", thread}})["result"] == Json{{"status", "unsubscribed"}});
  CHECK(b.request("thread/unsubscribe", {{"threadId", thread}})["result"] == Json{{"status", "notSubscribed"}});
  run_turn(a, thread, "only for a");
  CHECK(b.request("thread/loaded/list", Json::object())["result"]["data"] == Json{thread});
  CHECK(b.notifications.empty());
  CHECK(daemon.close() == 0);
}

TEST_CASE("a client that stops reading is disconnected and never slows the others", "[e2e][ws]") {
  TempHome home;
  // 8 MiB: well above one turn's burst (~2.5 MiB here), well below what 12 turns send.
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only(), "--ws-send-queue-bytes", "8388608"});
  WsClient reader(daemon.ws_url()), stalled(daemon.ws_url());
  reader.initialize("reader");
  stalled.initialize("stalled");
  const std::string thread = start_thread(reader, home);
  CHECK(stalled.request("thread/resume", {{"threadId", thread}}).contains("result"));
  // Each turn echoes a 512 KiB prompt ~5 times; the stalled client never reads, so once the
  // kernel's socket buffers are full its queue grows past the limit.
  const std::string big(512 * 1024, 'x');
  for (int i = 0; i < 12; ++i)
    CHECK(find(run_turn(reader, thread, big), "turn/completed")["turn"]["status"] == "completed");
  CHECK(daemon.close() == 0);
  std::ifstream log(daemon.log_path());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  // Exactly one client was dropped: the stalled one (ws#2).
  const auto first = text.find("disconnecting slow client");
  REQUIRE(first != std::string::npos);
  CHECK(text.find("disconnecting slow client", first + 1) == std::string::npos);
  const auto line_start = text.rfind('\n', first);
  CHECK(text.substr(line_start, first - line_start).find("ws#2 ") != std::string::npos);
}
