// WebSocket transport; see websocket.hpp. The only TU that instantiates Beast's WebSocket
// server templates (compile time), behind the small non-template interface of the header.
#include "server/transport/websocket.hpp"

#include "server/rpc/dispatcher.hpp"
#include "server/server_context.hpp"
#include "server/support/cloexec.hpp"
#include "server/support/recorder.hpp"
#include "server/transport/connection.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <mutex>
#include <vector>

namespace appserver {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

namespace {

bool ignorable(const beast::error_code& ec) {
  return ec == asio::error::operation_aborted || ec == websocket::error::closed ||
         ec == asio::error::eof || ec == http::error::end_of_stream ||
         ec == asio::error::connection_reset || ec == asio::error::not_connected ||
         ec == beast::error::timeout;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Checks `Authorization: Bearer <token>`; returns "" when accepted, else the 401 reason.
std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) (out += hex[b >> 4]) += hex[b & 15];
  return out;
}

/// "" when the request may upgrade: no token configured, or `Authorization: Bearer <token>`
/// matches the token (or its SHA-256 digest); compared in constant time.
std::string check_bearer(const http::request<http::string_body>& req, const std::string& token,
                         const std::string& token_sha256) {
  if (token.empty() && token_sha256.empty()) return "";
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return "missing websocket bearer token";
  std::string value(it->value());
  auto space = value.find(' ');
  if (space == std::string::npos || lower(value.substr(0, space)) != "bearer")
    return "invalid websocket bearer token";
  const std::string given = token.empty() ? sha256_hex(value.substr(space + 1)) : value.substr(space + 1);
  const std::string& expected = token.empty() ? token_sha256 : token;
  if (given.size() != expected.size() || CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0)
    return "invalid websocket bearer token";
  return "";
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close(std::function<void()> done) = 0;
};

template <class Protocol>
class Session final : public Connection, public SessionBase {
 public:
  using Stream = beast::basic_stream<Protocol>;
  using Socket = typename Protocol::socket;

  Session(std::uint64_t id, Socket socket, Dispatcher& dispatcher, const WebSocketOptions& options,
          std::string peer, bool over_limit)
      : Connection(id), ws_(Stream(std::move(socket))), dispatcher_(dispatcher), options_(options),
        peer_(std::move(peer)), over_limit_(over_limit) {
    recorder = options.recorder;
    if (!over_limit_) options_.budget->connections++;
  }

  ~Session() override {
    if (!over_limit_) options_.budget->connections--;
    release_pending();
  }

  void run() {
    asio::dispatch(ws_.get_executor(), [self = shared()] {
      if (!self->over_limit_) return self->read_http();
      // Over the limit: answer at once, without waiting for (or buffering) a request, so
      // refused connections cost nothing while they last.
      spdlog::warn("{}: refused: {} connections already open", self->describe(), self->options_.max_connections);
      self->respond(http::status::service_unavailable,
                    "too many connections (limit " + std::to_string(self->options_.max_connections) + ")\n");
    });
  }

  void send(std::shared_ptr<const std::string> message) override {
    asio::post(ws_.get_executor(), [self = shared(), message = std::move(message)]() mutable {
      self->enqueue(std::move(message));
    });
  }
  asio::any_io_executor executor() override { return ws_.get_executor(); }
  std::string describe() const override { return "ws#" + std::to_string(id()) + " " + peer_; }

  void close(std::function<void()> done) override {
    asio::post(ws_.get_executor(), [self = shared(), done = std::move(done)]() mutable {
      self->close_done_ = std::move(done);
      if (!self->accepted_ || self->closing_) return self->finish_close();
      self->closing_ = true;
      // A client that never answers the close frame is cut off after 2 s. (A separate timer:
      // the stream's own expiry may not be re-armed while a read and a write are pending.)
      self->close_timer_.expires_after(std::chrono::seconds(2));
      self->close_timer_.async_wait([self](beast::error_code ec) {
        if (!ec) self->finish_close();
      });
      self->ws_.async_close(websocket::close_code::going_away,
                            [self](beast::error_code) { self->finish_close(); });
    });
  }

 private:
  std::shared_ptr<Session> shared() {
    return std::static_pointer_cast<Session>(Connection::shared_from_this());
  }

  void finish_close() {
    close_timer_.cancel();
    init_timer_.cancel();
    message_timer_.cancel();
    release_pending();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    if (auto done = std::exchange(close_done_, nullptr)) done();
  }

  void read_http() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(64 * 1024);
    http::async_read(ws_.next_layer(), buffer_, *parser_,
                     [self = shared()](beast::error_code ec, std::size_t) { self->on_http(ec); });
  }

  void on_http(beast::error_code ec) {
    if (ec) {
      if (!ignorable(ec)) spdlog::warn("{}: bad HTTP request: {}", describe(), ec.message());
      return finish_close();
    }
    request_ = parser_->release();
    if (request_.find(http::field::origin) != request_.end())
      return respond(http::status::forbidden, "requests with an Origin header are not allowed\n");
    if (!websocket::is_upgrade(request_)) {
      const auto target = request_.target();
      if (request_.method() == http::verb::get && (target == "/readyz" || target == "/healthz"))
        return respond(http::status::ok, "");
      return respond(http::status::bad_request, "Connection header did not include 'upgrade'\n");
    }
    if (auto why = check_bearer(request_, options_.bearer_token, options_.bearer_token_sha256); !why.empty()) {
      spdlog::warn("{}: refused upgrade: {}", describe(), why);
      return respond(http::status::unauthorized, why + "\n");
    }
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, std::string("app-server/") + kServerVersion);
    }));
    ws_.read_message_max(0);  // our own limit below answers instead of failing the connection
    ws_.async_accept(request_, [self = shared()](beast::error_code ec) { self->on_accept(ec); });
  }

  void respond(http::status status, std::string body) {
    auto res = std::make_shared<http::response<http::string_body>>(status, request_.version());
    res->set(http::field::server, std::string("app-server/") + kServerVersion);
    res->set(http::field::content_type, "text/plain");
    res->keep_alive(false);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(ws_.next_layer(), *res, [self = shared(), res](beast::error_code, std::size_t) {
      self->finish_close();
    });
  }

  void on_accept(beast::error_code ec) {
    if (ec) {
      spdlog::warn("{}: WebSocket handshake failed: {}", describe(), ec.message());
      return finish_close();
    }
    accepted_ = true;
    spdlog::info("{}: connected", describe());
    buffer_.consume(buffer_.size());
    init_timer_.expires_after(options_.initialize_timeout);
    init_timer_.async_wait([self = shared()](beast::error_code ec) {
      if (ec || self->initialized) return;
      self->close_with(websocket::close_code::policy_error,
                       "initialize not received within " + seconds(self->options_.initialize_timeout));
    });
    read_frame();
  }

  static std::string seconds(std::chrono::milliseconds ms) {
    const auto s = ms.count() / 1000.0;
    std::string text = std::to_string(s);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text + " s";
  }

  /// Closes with a close frame giving `code` and `reason` (a client sees why), then the socket.
  void close_with(websocket::close_code code, const std::string& reason) {
    if (closing_) return;
    spdlog::warn("{}: closing: {}", describe(), reason);
    closing_ = true;
    release_pending();  // (the buffer itself goes with the session: a read may be writing into it)
    close_timer_.expires_after(std::chrono::seconds(2));
    close_timer_.async_wait([self = shared()](beast::error_code ec) {
      if (!ec) self->finish_close();
    });
    ws_.async_close(websocket::close_reason(code, reason), [self = shared()](beast::error_code) {
      self->finish_close();
    });
  }

  /// Keeps this connection's share of the daemon-wide unfinished-bytes budget equal to what
  /// its message buffer holds; false if the budget would be exceeded.
  bool account_pending(std::size_t now_pending) {
    if (now_pending > counted_pending_) {
      const std::size_t grow = now_pending - counted_pending_;
      const std::size_t total = options_.budget->pending_bytes.fetch_add(grow) + grow;
      counted_pending_ = now_pending;
      if (total > options_.max_pending_bytes) return false;
    } else if (now_pending < counted_pending_) {
      options_.budget->pending_bytes.fetch_sub(counted_pending_ - now_pending);
      counted_pending_ = now_pending;
    }
    return true;
  }
  void release_pending() { account_pending(0); }

  void read_frame() {
    ws_.async_read_some(message_.prepare(64 * 1024), [self = shared()](beast::error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(beast::error_code ec, std::size_t n) {
    if (ec) {
      if (!ignorable(ec)) spdlog::warn("{}: read failed: {}", describe(), ec.message());
      spdlog::info("{}: disconnected", describe());
      dispatcher_.on_closed(shared());
      closing_ = true;
      message_timer_.cancel();
      init_timer_.cancel();
      release_pending();
      return;
    }
    if (closing_) return;
    message_.commit(n);
    if (discarding_ || message_.size() > options_.max_message_bytes) {
      discarding_ = true;
      message_.consume(message_.size());
    }
    if (!ws_.is_message_done()) {
      if (!account_pending(message_.size()))
        return close_with(websocket::close_code::try_again_later,
                          "server busy: unfinished messages of all connections exceed " +
                              std::to_string(options_.max_pending_bytes) + " bytes");
      if (!message_started_) {  // the first part of a message: it must finish in time
        message_started_ = true;
        message_timer_.expires_after(options_.message_timeout);
        message_timer_.async_wait([self = shared()](beast::error_code ec) {
          if (ec || !self->message_started_) return;
          self->close_with(websocket::close_code::policy_error,
                           "message not completed within " + seconds(self->options_.message_timeout));
        });
      }
      return read_frame();
    }
    message_started_ = false;
    message_timer_.cancel();
    release_pending();
    if (discarding_) {
      discarding_ = false;
      spdlog::warn("{}: message larger than {} bytes rejected", describe(), options_.max_message_bytes);
      dispatcher_.reject(shared(), protocol::invalid_request("Invalid request: message exceeds the limit of " +
                                                             std::to_string(options_.max_message_bytes) + " bytes"));
    } else if (ws_.got_binary()) {
      message_.consume(message_.size());
      dispatcher_.reject(shared(), protocol::invalid_request(
                                       "Invalid request: binary frames are not supported; send JSON-RPC "
                                       "messages as text frames"));
    } else {
      std::string text = beast::buffers_to_string(message_.data());
      message_.consume(message_.size());
      if (recorder) recorder->record(id(), /*incoming=*/true, text);
      dispatcher_.on_message(shared(), text);
    }
    // A large message leaves a large buffer behind; do not hold it while the client idles.
    if (message_.capacity() > 1024 * 1024) message_.shrink_to_fit();
    if (initialized) init_timer_.cancel();
    read_frame();
  }

  void enqueue(std::shared_ptr<const std::string> message) {
    if (!accepted_ || closing_) return;
    if (queue_.size() >= options_.max_queued_messages ||
        queued_bytes_ + message->size() > options_.max_queued_bytes) {
      spdlog::warn("{}: disconnecting slow client: {} messages ({} bytes) not read", describe(),
                   queue_.size(), queued_bytes_);
      closing_ = true;
      queue_.clear();
      queued_bytes_ = 0;
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().shutdown(Socket::shutdown_both, ignored);
      beast::get_lowest_layer(ws_).socket().close(ignored);
      return;
    }
    if (recorder) recorder->record(id(), /*incoming=*/false, *message);
    queued_bytes_ += message->size();
    queue_.push_back(std::move(message));
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (self->queue_.empty()) return;  // dropped as a slow client meanwhile
      self->queued_bytes_ -= self->queue_.front()->size();
      self->queue_.pop_front();
      if (ec) {
        if (!ignorable(ec)) spdlog::warn("{}: write failed: {}", self->describe(), ec.message());
        self->closing_ = true;
        self->queue_.clear();
        self->queued_bytes_ = 0;
        return;
      }
      if (!self->queue_.empty() && !self->closing_) self->write_next();
    });
  }

  websocket::stream<Stream> ws_;
  asio::steady_timer close_timer_{ws_.get_executor()};
  asio::steady_timer init_timer_{ws_.get_executor()};
  asio::steady_timer message_timer_{ws_.get_executor()};
  Dispatcher& dispatcher_;
  WebSocketOptions options_;
  std::string peer_;
  beast::flat_buffer buffer_;
  beast::flat_buffer message_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool accepted_ = false, writing_ = false, closing_ = false, discarding_ = false;
  bool over_limit_ = false;       // refused with 503: not counted as a connection
  bool message_started_ = false;  // a message is arriving in parts
  std::size_t counted_pending_ = 0;
  std::function<void()> close_done_;
};

template <class Protocol>
class Listener final : public WebSocketListener,
                       public std::enable_shared_from_this<Listener<Protocol>> {
 public:
  Listener(asio::io_context& io, Dispatcher& dispatcher, typename Protocol::endpoint endpoint,
           WebSocketOptions options, std::function<std::uint64_t()> next_id, std::string scheme)
      : io_(io), acceptor_(io), dispatcher_(dispatcher), options_(std::move(options)),
        next_id_(std::move(next_id)), scheme_(std::move(scheme)) {
    acceptor_.open(endpoint.protocol());
    set_cloexec(acceptor_.native_handle());
    if constexpr (std::is_same_v<Protocol, tcp>) acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    // A Unix socket is the user's alone (connecting needs write permission on it), whatever
    // the umask: set before listen(), so nobody else can connect in between.
    if constexpr (std::is_same_v<Protocol, unix_socket>)
      std::filesystem::permissions(endpoint.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  std::string address() const override {
    auto endpoint = acceptor_.local_endpoint();
    if constexpr (std::is_same_v<Protocol, tcp>) {
      std::string host = endpoint.address().to_string();
      if (endpoint.address().is_v6()) host = "[" + host + "]";
      return "ws://" + host + ":" + std::to_string(endpoint.port());
    } else {
      return "unix://" + endpoint.path();
    }
  }

  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [self = this->shared_from_this()](
                                                       beast::error_code ec, typename Protocol::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || self->stopped_) return;
        // EMFILE/ENFILE and the like persist: retry after a pause instead of spinning.
        spdlog::warn("accept failed: {}; retrying in 100 ms", ec.message());
        self->retry_.expires_after(std::chrono::milliseconds(100));
        self->retry_.async_wait([self](beast::error_code e) {
          if (!e && !self->stopped_) self->accept();
        });
        return;
      }
      set_cloexec(socket.native_handle());
      std::string peer = self->scheme_;
      if constexpr (std::is_same_v<Protocol, tcp>) {
        beast::error_code ignored;
        // Notifications are small frames written as they happen: without TCP_NODELAY, Nagle's
        // algorithm holds one back until the previous is acknowledged, and a client's delayed
        // ACK turns that into tens of milliseconds.
        socket.set_option(tcp::no_delay(true), ignored);
        auto remote = socket.remote_endpoint(ignored);
        peer = remote.address().to_string() + ":" + std::to_string(remote.port());
      }
      const bool over_limit = self->options_.budget->connections.load() >= self->options_.max_connections;
      auto session = std::make_shared<Session<Protocol>>(self->next_id_(), std::move(socket),
                                                         self->dispatcher_, self->options_, peer, over_limit);
      {
        std::lock_guard lock(self->mutex_);
        std::erase_if(self->sessions_, [](const auto& w) { return w.expired(); });
        self->sessions_.push_back(session);
      }
      session->run();
      self->accept();
    });
  }

  void stop(std::function<void()> done) override {
    asio::post(io_, [self = this->shared_from_this(), done = std::move(done)]() mutable {
      self->stopped_ = true;
      self->retry_.cancel();
      beast::error_code ignored;
      self->acceptor_.close(ignored);
      std::vector<std::shared_ptr<Session<Protocol>>> sessions;
      {
        std::lock_guard lock(self->mutex_);
        for (auto& w : self->sessions_)
          if (auto s = w.lock()) sessions.push_back(s);
      }
      if (sessions.empty()) return done();
      auto remaining = std::make_shared<std::size_t>(sessions.size());
      auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
      for (auto& s : sessions)
        s->close([&io = self->io_, remaining, shared_done] {
          asio::post(io, [remaining, shared_done] {
            if (--*remaining == 0) (*shared_done)();
          });
        });
    });
  }

 private:
  asio::io_context& io_;
  typename Protocol::acceptor acceptor_;
  asio::steady_timer retry_{io_};
  Dispatcher& dispatcher_;
  WebSocketOptions options_;
  std::function<std::uint64_t()> next_id_;
  std::string scheme_;
  std::mutex mutex_;
  std::vector<std::weak_ptr<Session<Protocol>>> sessions_;
  bool stopped_ = false;
};

}  // namespace

bool is_loopback_url(const std::string& url) {
  if (url.rfind("unix://", 0) == 0) return true;
  if (url.rfind("ws://", 0) != 0) return false;
  std::string host = url.substr(5, url.rfind(':') - 5);
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::shared_ptr<WebSocketListener> listen_websocket(asio::io_context& io, Dispatcher& dispatcher,
                                                    const std::string& url, WebSocketOptions options,
                                                    std::function<std::uint64_t()> next_id) {
  try {
    if (url.rfind("unix://", 0) == 0) {
      const std::string path = url.substr(7);
      if (path.empty()) throw std::runtime_error("expected unix://PATH");
      ::unlink(path.c_str());  // a stale socket file from an earlier run
      auto listener = std::make_shared<Listener<unix_socket>>(io, dispatcher, unix_socket::endpoint(path),
                                                              std::move(options), std::move(next_id), "unix");
      listener->accept();
      return listener;
    }
    if (url.rfind("ws://", 0) != 0) throw std::runtime_error("expected ws://IP:PORT or unix://PATH");
    const std::string rest = url.substr(5);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("expected ws://IP:PORT");
    std::string host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    const auto port = static_cast<unsigned short>(std::stoul(rest.substr(colon + 1)));
    auto listener = std::make_shared<Listener<tcp>>(io, dispatcher, tcp::endpoint(asio::ip::make_address(host), port),
                                                    std::move(options), std::move(next_id), "tcp");
    listener->accept();
    return listener;
  } catch (const std::exception& e) {
    throw std::runtime_error("--listen " + url + ": " + e.what());
  }
}

}  // namespace appserver
