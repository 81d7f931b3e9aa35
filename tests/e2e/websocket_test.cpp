// End-to-end, WebSocket only: HTTP endpoints, Origin and auth checks, limits, several clients.
#include "daemon_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include <boost/asio/local/stream_protocol.hpp>

using namespace e2e;
using namespace std::chrono_literals;
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

TEST_CASE("a token digest (--ws-token-sha256) is checked against the bearer token, as Codex does", "[e2e][ws]") {
  TempHome home;
  // sha256("s3cret-token")
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only(), "--ws-auth", "capability-token",
                       "--ws-token-sha256", "a81e611a041b13f078bf8ebe5dab4d4fd63fcc5594661c918bec093a2f416a7e"});
  const std::string url = daemon.ws_url();
  CHECK(http_get(url, "/", kUpgrade) == std::pair<int, std::string>{401, "missing websocket bearer token\n"});
  CHECK_THROWS(WsClient(url, "s3cret-tokeN"));
  CHECK_THROWS(WsClient(url, "a81e611a041b13f078bf8ebe5dab4d4fd63fcc5594661c918bec093a2f416a7e"));  // not the digest itself
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

namespace {
namespace websocket = beast::websocket;

/// A raw Beast client for what WsClient hides: handshake headers, fragments, pings.
struct RawClient {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  websocket::response_type handshake;
  explicit RawClient(const std::string& url, const std::string& path = "/") {
    const std::string rest = url.substr(5);
    asio::ip::tcp::resolver resolver(io);
    beast::get_lowest_layer(ws).connect(resolver.resolve(rest.substr(0, rest.rfind(':')), rest.substr(rest.rfind(':') + 1)));
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set("x-codex-app-server-compression", "zstd-stream-v1");
      req.set(http::field::sec_websocket_protocol, "jsonrpc");
    }));
    ws.handshake(handshake, rest, path);
  }
  Json read() {
    beast::flat_buffer buffer;
    ws.read(buffer);
    return Json::parse(beast::buffers_to_string(buffer.data()));
  }
};
}  // namespace

TEST_CASE("any path upgrades with no subprotocol or compression, fragments and pings work", "[e2e][ws]") {
  TempHome home;
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only()});
  RawClient client(daemon.ws_url(), "/rpc");
  CHECK(client.handshake.result() == http::status::switching_protocols);
  CHECK(client.handshake.find("x-codex-app-server-compression") == client.handshake.end());
  CHECK(client.handshake.find(http::field::sec_websocket_protocol) == client.handshake.end());

  // One message sent as three fragments is one request.
  const std::string init = R"({"id":1,"method":"initialize","params":{"clientInfo":{"name":"raw","version":"1"}}})";
  client.ws.text(true);
  client.ws.write_some(false, asio::buffer(init.substr(0, 10)));
  client.ws.write_some(false, asio::buffer(init.substr(10, 30)));
  client.ws.write_some(true, asio::buffer(init.substr(40)));
  CHECK(client.read()["result"]["platformFamily"] == "unix");

  bool pong = false;
  client.ws.control_callback([&](websocket::frame_type kind, beast::string_view) {
    pong = pong || kind == websocket::frame_type::pong;
  });
  client.ws.ping("are you there");
  client.ws.write(asio::buffer(std::string(R"({"id":2,"method":"thread/loaded/list","params":{}})")));
  CHECK(client.read()["id"] == 2);  // reading also processes the pong
  CHECK(pong);

  // On shutdown the server sends a close frame.
  CHECK(daemon.close() == 0);
  beast::flat_buffer buffer;
  beast::error_code ec;
  client.ws.read(buffer, ec);
  // The close frame arrived (its code is recorded); Beast may then report the TCP teardown
  // (the server has already closed) instead of `closed`.
  CHECK((ec == websocket::error::closed || ec == asio::error::not_connected));
  CHECK(client.ws.reason().code == websocket::close_code::going_away);
}

TEST_CASE("the same protocol is served on a Unix socket", "[e2e][ws]") {
  TempHome home;
  const auto socket_path = home.root / "app-server.sock";
  Daemon daemon(home, {"--listen", "stdio://", "--listen", "unix://" + socket_path.string()});
  asio::io_context io;
  websocket::stream<asio::local::stream_protocol::socket> ws(io);
  for (int attempt = 0; attempt < 100; ++attempt) {  // wait for the daemon to bind
    beast::error_code ec;
    ws.next_layer().connect(asio::local::stream_protocol::endpoint(socket_path.string()), ec);
    if (!ec) break;
    ws.next_layer().close();
    std::this_thread::sleep_for(50ms);
  }
  ws.handshake("localhost", "/rpc");
  ws.text(true);
  ws.write(asio::buffer(std::string(R"({"id":1,"method":"initialize","params":{"clientInfo":{"name":"unix","version":"1"}}})")));
  beast::flat_buffer buffer;
  ws.read(buffer);
  CHECK(Json::parse(beast::buffers_to_string(buffer.data()))["result"]["codexHome"] == home.home.string());
  // Only its owner may connect (docs/security.md), whatever the umask.
  CHECK((std::filesystem::status(socket_path).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK(daemon.close() == 0);
}

TEST_CASE("a client that drops mid-turn does not stop the turn, resuming later shows all of it", "[e2e][ws]") {
  TempHome home;
  home.write_hooks(R"({"hooks":{"Stop":[{"hooks":[{"type":"command","command":"sleep 1; echo '{\"systemMessage\":\"slow stop\"}'"}]}]}})");
  Daemon daemon(home, {"--listen", "stdio://", "--listen", ws_only()});
  std::string thread;
  {
    WsClient first(daemon.ws_url());
    first.initialize("first");
    thread = start_thread(first, home);
    first.request("turn/start", {{"threadId", thread}, {"input", {{{"type", "text"}, {"text", "keep going"}}}}});
    first.until("hook/started");  // the Stop hook is sleeping; now the client goes away
  }
  WsClient second(daemon.ws_url());
  second.initialize("second");
  Json turns;
  for (int attempt = 0; attempt < 50; ++attempt) {
    turns = second.request("thread/read", {{"threadId", thread}, {"includeTurns", true}})["result"]["thread"]["turns"];
    if (turns[0]["status"] == "completed") break;
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(turns[0]["status"] == "completed");
  Json resumed = second.request("thread/resume", {{"threadId", thread}})["result"]["thread"]["turns"];
  CHECK(resumed == turns);
  CHECK(resumed[0]["items"].size() == 2);
  CHECK(resumed[0]["hookRuns"][0]["entries"] == Json::parse(R"([{"kind":"warning","text":"slow stop"}])"));
  CHECK(daemon.close() == 0);
}
