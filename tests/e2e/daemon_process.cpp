// The end-to-end test client; see daemon_process.hpp.
#include "daemon_process.hpp"

#include "schema/schema_validator.hpp"

#include <cstdlib>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

namespace e2e {

std::string app_server_binary() {
  // APP_SERVER_E2E_BINARY runs the suite against another build (an older one, to see a new
  // regression test fail there).
  const char* other = std::getenv("APP_SERVER_E2E_BINARY");
  return other && *other ? other : APP_SERVER_BINARY;
}


namespace {
const appserver::schema::SchemaValidator& validator() {
  static const appserver::schema::SchemaValidator instance;
  return instance;
}

/// Every message a test receives must match the generated schema of its type. With
/// APP_SERVER_E2E_CORPUS=DIR set, messages are also appended to DIR/<pid>.jsonl for the Codex
/// schema compatibility check (scripts/check-codex-schemas).
void check_against_schema(const std::string& kind, const std::string& method, const Json& message) {
  std::optional<appserver::schema::SchemaFailure> failure;
  if (kind == "notification") failure = validator().validate_notification(method, message["params"]);
  else if (kind == "server request") failure = validator().validate_request_params(method, message["params"]);
  else if (kind == "result") failure = validator().validate_result(method, message["result"]);
  if (failure)
    FAIL_CHECK("schema violation in " << kind << " " << method << " at " << failure->pointer << ": "
                                      << failure->rule << "\n" << message.dump());
  if (const char* dir = std::getenv("APP_SERVER_E2E_CORPUS")) {
    std::ofstream(std::string(dir) + "/" + std::to_string(::getpid()) + ".jsonl", std::ios::app)
        << Json{{"kind", kind}, {"method", method}, {"message", message}}.dump() << "\n";
  }
}
}  // namespace

namespace asio = boost::asio;
namespace bp = boost::process::v2;
namespace fs = std::filesystem;

TempHome::TempHome() {
  static int counter = 0;
  root = fs::temp_directory_path() /
         ("app-server-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(root);
  home = root / "home";
  workspace = root / "workspace";
  fs::create_directories(home);
  fs::create_directories(workspace);
}

TempHome::~TempHome() {
  if (std::getenv("APP_SERVER_KEEP_TEST_DIRS")) return;  // for debugging a failure
  std::error_code ec;
  fs::remove_all(root, ec);
}

std::string fixture(const std::string& name) { return std::string(FIXTURES_DIR) + "/" + name; }

void TempHome::write_hooks(const std::string& hooks_json, bool trust) const {
  std::string text = hooks_json;
  for (auto pos = text.find("$FIXTURES"); pos != std::string::npos; pos = text.find("$FIXTURES"))
    text.replace(pos, 9, FIXTURES_DIR);
  std::ofstream(home / "hooks.json") << text;
  if (trust) REQUIRE(hooks_command({"trust", "--all"}) == 0);
}

int TempHome::hooks_command(const std::vector<std::string>& args) const {
  std::vector<std::string> all{"hooks"};
  all.insert(all.end(), args.begin(), args.end());
  for (const auto& a : {std::string("--home"), home.string(), std::string("--cwd"), workspace.string(),
                        std::string("--system-config-dir"), (root / "system").string()})
    all.push_back(a);
  asio::io_context io;
  bp::process child(io, app_server_binary(), all, bp::process_stdio{nullptr, nullptr, {}});
  return child.wait();
}

CliOutput TempHome::hooks_output(const std::vector<std::string>& args, const std::string& stdin_text) const {
  std::vector<std::string> all{"hooks"};
  all.insert(all.end(), args.begin(), args.end());
  for (const auto& a : {std::string("--home"), home.string(), std::string("--cwd"), workspace.string(),
                        std::string("--system-config-dir"), (root / "system").string()})
    all.push_back(a);
  return run_cli(all, root, stdin_text);
}

CliOutput run_cli(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                  const std::string& stdin_text) {
  const auto in_path = scratch / "cli.in", out_path = scratch / "cli.out", err_path = scratch / "cli.err";
  std::ofstream(in_path, std::ios::binary) << stdin_text;
  CliOutput result;
  {
    std::FILE* in = std::fopen(in_path.c_str(), "rb");
    std::FILE* out = std::fopen(out_path.c_str(), "wb");
    std::FILE* err = std::fopen(err_path.c_str(), "wb");
    REQUIRE((in && out && err));
    asio::io_context io;
    bp::process child(io, app_server_binary(), args, bp::process_stdio{in, out, err});
    result.status = child.wait();
    std::fclose(in);
    std::fclose(out);
    std::fclose(err);
  }
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  };
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

bool websocket_transport() {
  const char* t = std::getenv("APP_SERVER_E2E_TRANSPORT");
  return t && std::string(t) == "ws";
}

// ---- Peer: the JSON-RPC side, shared by every transport ----

void Peer::send(const Json& message) { send_line(message.dump()); }

Json Peer::next(std::chrono::milliseconds timeout) {
  auto line = read_message(timeout);
  if (!line) FAIL("app-server closed the connection");
  Json message = Json::parse(*line);
  received.push_back(message);
  if (message.contains("method"))
    check_against_schema(message.contains("id") ? "server request" : "notification", message["method"], message);
  return message;
}

std::optional<Json> Peer::try_next(std::chrono::milliseconds timeout) {
  auto line = read_message(timeout);
  if (!line) return std::nullopt;
  Json message = Json::parse(*line);
  received.push_back(message);
  return message;
}

Json Peer::request(const std::string& method, Json params, std::chrono::milliseconds timeout) {
  const int id = next_id_++;
  send(Json{{"id", id}, {"method", method}, {"params", std::move(params)}});
  while (true) {
    Json message = next(timeout);
    if (!message.contains("method") && message.value("id", Json()) == Json(id)) {
      if (message.contains("result")) check_against_schema("result", method, message);
      return message;
    }
    notifications.push_back(message);
  }
}

std::vector<Json> Peer::until(const std::string& method, std::chrono::milliseconds timeout) {
  std::vector<Json> out;
  while (true) {
    out.push_back(next(timeout));
    if (out.back().value("method", "") == method) return out;
  }
}

Json Peer::initialize(const std::string& client_name) {
  Json response = request("initialize", {{"clientInfo", {{"name", client_name}, {"version", "1.0"}}}});
  send(Json{{"method", "initialized"}});
  return response;
}

// ---- WsClient ----

namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  bool closed = false;
};

WsClient::WsClient(const std::string& url, const std::string& bearer_token) : impl_(std::make_unique<Impl>()) {
  // url: ws://HOST:PORT
  const std::string rest = url.substr(5);
  const auto colon = rest.rfind(':');
  asio::ip::tcp::resolver resolver(impl_->io);
  auto results = resolver.resolve(rest.substr(0, colon), rest.substr(colon + 1));
  beast::get_lowest_layer(impl_->ws).connect(results);
  impl_->ws.set_option(websocket::stream_base::decorator([bearer_token](websocket::request_type& req) {
    if (!bearer_token.empty()) req.set(beast::http::field::authorization, "Bearer " + bearer_token);
  }));
  impl_->ws.handshake(rest, "/");
  impl_->ws.text(true);
}

WsClient::~WsClient() = default;

void WsClient::send_line(const std::string& line) {
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(line));
}

void WsClient::send_binary(const std::string& data) {
  impl_->ws.binary(true);
  impl_->ws.write(asio::buffer(data));
  impl_->ws.text(true);
}

std::optional<std::string> WsClient::read_message(std::chrono::milliseconds timeout) {
  if (impl_->closed) return std::nullopt;
  bool done = false;
  beast::error_code result;
  impl_->ws.async_read(impl_->buffer, [&](beast::error_code ec, std::size_t) {
    done = true;
    result = ec;
  });
  impl_->io.restart();
  impl_->io.run_for(timeout);
  if (!done) {
    beast::get_lowest_layer(impl_->ws).cancel();
    impl_->io.restart();
    impl_->io.run();
    FAIL("no message from app-server within " << timeout.count() << " ms");
  }
  if (result) {
    impl_->closed = true;
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  return text;
}

void WsClient::send_partial(const std::string& data) {
  impl_->ws.text(true);
  impl_->ws.write_some(/*fin=*/false, asio::buffer(data));
}

std::string WsClient::close_reason() const {
  const auto& reason = impl_->ws.reason();
  if (reason.code == websocket::close_code::none) return "";
  return std::to_string(static_cast<unsigned>(reason.code)) + " " + std::string(reason.reason.c_str());
}

unsigned WsClient::upgrade_status(const std::string& url) {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  const std::string rest = url.substr(5);
  const auto colon = rest.rfind(':');
  asio::ip::tcp::resolver resolver(io);
  beast::get_lowest_layer(ws).connect(resolver.resolve(rest.substr(0, colon), rest.substr(colon + 1)));
  websocket::response_type response;
  beast::error_code ec;
  ws.handshake(response, rest, "/", ec);
  return response.result_int();
}

void WsClient::close() {
  beast::error_code ec;
  impl_->ws.close(websocket::close_code::normal, ec);
  impl_->closed = true;
}

// ---- Daemon ----

struct Daemon::Impl {
  asio::io_context io;
  asio::writable_pipe in{io};
  asio::readable_pipe out{io};
  std::string buffer;
  std::optional<bp::process> process;
  FILE* log = nullptr;
  bool eof = false;
};

Daemon::Daemon(const TempHome& home, std::vector<std::string> extra_args)
    : impl_(std::make_unique<Impl>()) {
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args{"--home",      home.home.string(), "--cwd",
                                home.workspace.string(), "--log-level", "debug",
                                "--validate-all",        "--strict-schemas",
                                "--system-config-dir",   (home.root / "system").string()};
  const bool has_listen = std::find(extra_args.begin(), extra_args.end(), "--listen") != extra_args.end();
  if (websocket_transport() && !has_listen)
    for (const char* a : {"--listen", "stdio://", "--listen", "ws://127.0.0.1:0"}) args.push_back(a);
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  static int counter = 0;
  log_ = home.root / ("app-server-" + std::to_string(counter++) + ".log");
  impl_->log = std::fopen(log_.c_str(), "a");
  impl_->process.emplace(impl_->io, app_server_binary(), args,
                         bp::process_stdio{impl_->in, impl_->out, impl_->log});
  if (websocket_transport() && !has_listen) ws_ = std::make_unique<WsClient>(ws_url());
}

Daemon::Daemon(const TempHome& home, Launch launch) : impl_(std::make_unique<Impl>()) {
  std::signal(SIGPIPE, SIG_IGN);
  // env(1) sets the variables and execs the binary: the daemon is the same process.
  std::vector<std::string> args = launch.env;
  args.push_back(app_server_binary());
  args.insert(args.end(), launch.argv.begin(), launch.argv.end());
  static int counter = 0;
  log_ = home.root / ("app-server-launch-" + std::to_string(counter++) + ".log");
  impl_->log = std::fopen(log_.c_str(), "a");
  impl_->process.emplace(impl_->io, "/usr/bin/env", args, bp::process_stdio{impl_->in, impl_->out, impl_->log});
}

Daemon::~Daemon() {
  ws_.reset();
  boost::system::error_code ec;
  if (impl_->process && !exited_ && impl_->process->running(ec)) {
    impl_->in.close(ec);
    impl_->process->terminate(ec);
  }
  if (impl_->log) std::fclose(impl_->log);
}

int Daemon::pid() const { return impl_->process->id(); }

std::string Daemon::ws_url() {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::fflush(impl_->log);
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) {
      auto pos = line.find("listening on ws://");
      if (pos == std::string::npos) continue;
      std::string url = line.substr(pos + 13);
      return url.substr(0, url.find(' '));
    }
    std::this_thread::sleep_for(20ms);
  }
  FAIL("app-server did not log a ws:// listening address");
  return {};
}

void Daemon::send_line(const std::string& line) {
  if (ws_) return ws_->send_line(line);
  asio::write(impl_->in, asio::buffer(line + "\n"));
}

std::optional<std::string> Daemon::read_message(std::chrono::milliseconds timeout) {
  if (ws_) return ws_->read_message_public(timeout);
  auto newline = impl_->buffer.find('\n');
  if (newline == std::string::npos && !impl_->eof) {
    bool done = false;
    asio::async_read_until(impl_->out, asio::dynamic_buffer(impl_->buffer), '\n',
                           [&](boost::system::error_code ec, std::size_t) {
                             done = true;
                             if (ec && ec != asio::error::operation_aborted) impl_->eof = true;
                           });
    impl_->io.restart();
    impl_->io.run_for(timeout);
    if (!done) {
      impl_->out.cancel();
      impl_->io.restart();
      impl_->io.run();
      FAIL("no message from app-server within " << timeout.count() << " ms");
    }
    newline = impl_->buffer.find('\n');
  }
  if (newline == std::string::npos) return std::nullopt;
  std::string line = impl_->buffer.substr(0, newline);
  impl_->buffer.erase(0, newline + 1);
  return line;
}

int Daemon::close(std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  impl_->in.close(ec);
  // Drain stdout so the daemon never blocks on a full pipe while shutting down.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->eof && std::chrono::steady_clock::now() < deadline) {
    auto newline = impl_->buffer.find('\n');
    if (newline != std::string::npos) {
      impl_->buffer.erase(0, newline + 1);
      continue;
    }
    bool done = false;
    asio::async_read_until(impl_->out, asio::dynamic_buffer(impl_->buffer), '\n',
                           [&](boost::system::error_code e, std::size_t) {
                             done = true;
                             if (e) impl_->eof = true;
                           });
    impl_->io.restart();
    impl_->io.run_for(deadline - std::chrono::steady_clock::now());
    if (!done) break;
  }
  if (!impl_->eof) FAIL("app-server did not exit after stdin EOF");
  exited_ = true;
  return impl_->process->wait();
}

void Daemon::kill() {
  boost::system::error_code ec;
  ::kill(impl_->process->id(), SIGKILL);
  impl_->process->wait(ec);
  exited_ = true;
}

std::string start_thread(Peer& daemon, const TempHome& home) {
  Json response = daemon.request("thread/start", {{"cwd", home.workspace.string()}});
  REQUIRE(response.contains("result"));
  daemon.until("thread/started");  // sent right after the response
  return response["result"]["thread"]["id"].get<std::string>();
}

Json next_server_request(Peer& peer, std::vector<Json>* before) {
  while (true) {
    Json m = peer.next();
    if (m.contains("id") && m.contains("method")) return m;
    if (before) before->push_back(std::move(m));
  }
}

std::vector<Json> run_turn(Peer& daemon, const std::string& thread_id, const std::string& text) {
  Json response = daemon.request(
      "turn/start", {{"threadId", thread_id}, {"input", {{{"type", "text"}, {"text", text}}}}});
  REQUIRE(response.contains("result"));
  std::vector<Json> out{response};
  for (auto& message : daemon.until("turn/completed")) out.push_back(std::move(message));
  return out;
}

std::vector<std::string> methods(const std::vector<Json>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.value("method", "<response>"));
  return out;
}

Json find(const std::vector<Json>& messages, const std::string& method) {
  for (const auto& m : messages)
    if (m.value("method", "") == method) return m["params"];
  FAIL("no " << method << " notification");
  return {};
}

std::vector<Json> find_all(const std::vector<Json>& messages, const std::string& method) {
  std::vector<Json> out;
  for (const auto& m : messages)
    if (m.value("method", "") == method) out.push_back(m["params"]);
  return out;
}

bool bwrap_works() {
  return std::system("bwrap --ro-bind / / --dev /dev --unshare-net -- /bin/true > /dev/null 2>&1") == 0;
}

Json scrub(Json value) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  static const std::vector<std::string> times{"emittedAtMs", "startedAt",   "completedAt",
                                              "durationMs",  "startedAtMs", "completedAtMs",
                                              "createdAt",   "updatedAt"};
  if (value.is_object()) {
    for (auto& [key, child] : value.items()) {
      if (std::find(times.begin(), times.end(), key) != times.end() && !child.is_null()) child = 0;
      else child = scrub(child);
    }
  } else if (value.is_array()) {
    for (auto& child : value) child = scrub(child);
  } else if (value.is_string()) {
    value = std::regex_replace(value.get<std::string>(), uuid, "<id>");
  }
  return value;
}

}  // namespace e2e
