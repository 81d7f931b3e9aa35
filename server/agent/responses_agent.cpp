// The OpenAI Responses API agent; see responses_agent.hpp. The only TU with Beast HTTP/SSL.
#include "server/agent/responses_agent.hpp"

#include "server/agent/provider_url.hpp"

#include "server/agent/responses_format.hpp"
#include "protocol/json_parse.hpp"
#include "server/support/cloexec.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdlib>
#include <utility>
#include <vector>

namespace appserver {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Json = nlohmann::json;

namespace {

using Url = ProviderUrl;

/// The endpoints of `url`. An IP literal with a numeric port (a local model server, the tests'
/// mock) is used as it is: Asio's async_resolve runs getaddrinfo on a thread of its own, started
/// on first use, and a second thread turns glibc malloc off its single-thread fast path for the
/// rest of the process (13–15 % on JSON parsing, docs/performance.md). Host names are resolved.
asio::awaitable<std::vector<asio::ip::tcp::endpoint>> resolve(const Url& url) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(url.host, ec);
  unsigned port = 0;
  const char* port_end = url.port.data() + url.port.size();
  const std::from_chars_result parsed = std::from_chars(url.port.data(), port_end, port);
  std::vector<asio::ip::tcp::endpoint> endpoints;
  if (!ec && parsed.ec == std::errc() && parsed.ptr == port_end && port <= 65535) {
    endpoints.emplace_back(address, static_cast<unsigned short>(port));
    co_return endpoints;
  }
  asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
  const auto results = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  co_return endpoints;
}

/// `object[key]` when it is a string, else "" (a `"namespace": null` is no namespace).
std::string string_member(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

/// Folds SSE events into the sampling result. Returns false once the response is over.
class SseReader {
 public:
  SseReader(SamplingResult& result, std::function<void(const std::string&)>& on_delta)
      : result_(result), on_delta_(on_delta) {}

  /// Feeds raw stream bytes; dispatches each complete event. Linear in the bytes fed: events
  /// are scanned in place, a partial event is never scanned twice (a 10 MB event arriving in
  /// 8 KB reads was rescanned from its start on every read: quadratic), and the consumed prefix
  /// is dropped once per call.
  void feed(std::string_view bytes) {
    buffer_.append(bytes);
    std::size_t start = 0;
    std::size_t from = scanned_ > 0 ? scanned_ - 1 : 0;  // a "\n\n" may straddle two reads
    for (auto end = buffer_.find("\n\n", from); end != std::string::npos; end = buffer_.find("\n\n", from)) {
      dispatch_event(std::string_view(buffer_).substr(start, end - start));
      start = from = end + 2;
    }
    buffer_.erase(0, start);
    scanned_ = buffer_.size();
  }
  bool completed() const { return completed_; }

 private:
  /// One event's lines: its `data:` lines joined with "\n" are the JSON payload.
  void dispatch_event(std::string_view event) {
    std::string_view single;  // the usual case, one data line: parsed without a copy
    std::string joined;
    int data_lines = 0;
    std::size_t pos = 0;
    while (pos <= event.size()) {
      const auto nl = event.find('\n', pos);
      std::string_view line = event.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.substr(0, 5) == "data:") {
        line.remove_prefix(line.size() > 5 && line[5] == ' ' ? 6 : 5);
        if (data_lines++ == 0) {
          single = line;
        } else {
          if (data_lines == 2) joined = single;
          joined += '\n';
          joined += line;
        }
      }
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    const std::string_view data = data_lines > 1 ? std::string_view(joined) : single;
    if (!data.empty() && data != "[DONE]") {
      try {
        dispatch(protocol::parse_or_discard(data));
      } catch (const std::exception& e) {  // a member of the wrong type: the event is ignored
        spdlog::warn("model stream: ignoring a malformed event: {}", e.what());
      }
    }
  }

  void dispatch(const Json& event) {
    if (!event.is_object()) return;
    const std::string type = event.value("type", "");
    if (type == "response.output_text.delta") {
      const std::string delta = event.value("delta", "");
      result_.text += delta;
      streamed_ += delta.size();
      on_delta_(delta);
    } else if (type == "response.output_item.done") {
      static const Json no_item = Json::object();
      const auto found = event.find("item");
      const Json& item = found != event.end() && found->is_object() ? *found : no_item;
      if (item.value("type", "") == "message") {
        // A message whose text came without output_text.delta events (a server that does not
        // stream it): its output_text parts are the text, as Codex takes them.
        if (std::exchange(streamed_, 0) == 0) {
          std::string text;
          if (const auto content = item.find("content"); content != item.end() && content->is_array())
            for (const auto& part : *content)
              if (part.is_object() && string_member(part, "type") == "output_text") text += string_member(part, "text");
          if (!text.empty()) {
            result_.text += text;
            on_delta_(text);
          }
        }
      } else if (item.value("type", "") == "function_call") {
        const std::string text = string_member(item, "arguments");
        Json arguments = protocol::parse_or_discard(text.empty() ? std::string_view("{}") : std::string_view(text));
        result_.tool_calls.push_back({item.value("call_id", ""), item.value("name", ""),
                                      arguments.is_discarded() ? Json::object() : arguments, std::nullopt,
                                      string_member(item, "namespace"), false, text});
      } else if (item.value("type", "") == "tool_search_call" && item.value("execution", "client") == "client") {
        // A search the client runs (tools/tool_search.hpp); `arguments` is an object here.
        const auto arguments = item.find("arguments");
        ToolCall call{item.value("call_id", ""), "", arguments != item.end() ? *arguments : Json::object()};
        call.tool_search = true;
        result_.tool_calls.push_back(std::move(call));
      } else if (item.value("type", "") == "custom_tool_call") {
        const auto input = item.find("input");
        result_.tool_calls.push_back({item.value("call_id", ""), item.value("name", ""), Json(),
                                      input != item.end() && input->is_string() ? input->get<std::string>() : ""});
      }
    } else if (type == "response.completed") {
      completed_ = true;
      result_.usage = usage_of(event);
    } else if (type == "response.failed" || type == "error") {
      const Json error = event.contains("response") ? event["response"].value("error", Json()) : event;
      result_.error = "model error: " + (error.is_object() ? error.value("message", error.dump()) : event.dump());
      completed_ = true;
    }
  }

  /// `response.usage` of a response.completed event; nullopt when absent or not an object.
  static std::optional<TokenCounts> usage_of(const Json& event) {
    const auto response = event.find("response");
    if (response == event.end() || !response->is_object()) return std::nullopt;
    const auto usage = response->find("usage");
    if (usage == response->end() || !usage->is_object()) return std::nullopt;
    auto count = [](const Json& object, const char* key) -> std::int64_t {
      const auto it = object.find(key);
      return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
    };
    auto detail = [&](const char* details, const char* key) -> std::int64_t {
      const auto it = usage->find(details);
      return it != usage->end() && it->is_object() ? count(*it, key) : 0;
    };
    TokenCounts c;
    c.input = count(*usage, "input_tokens");
    c.cached_input = detail("input_tokens_details", "cached_tokens");
    c.output = count(*usage, "output_tokens");
    c.reasoning_output = detail("output_tokens_details", "reasoning_tokens");
    c.total = usage->contains("total_tokens") ? count(*usage, "total_tokens") : c.input + c.output;
    return c;
  }

  SamplingResult& result_;
  std::function<void(const std::string&)>& on_delta_;
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ already searched for an event's end
  std::size_t streamed_ = 0;  // delta bytes of the message item being streamed
  bool completed_ = false;
};

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, const http::request<http::string_body>& request,
                               SamplingResult& result, std::function<void(const std::string&)>& on_delta,
                               const SamplingRequest& sampling, int& status) {
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
  status = parser.get().result_int();
  SseReader sse(result, on_delta);
  std::string error_body;
  char chunk[8192];
  while (!parser.is_done()) {
    if (*sampling.cancelled) {
      result.cancelled = true;
      co_return;
    }
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec && ec != http::error::need_buffer) {
      if (!result.error) result.error = "model stream broken: " + ec.message();
      co_return;
    }
    const std::size_t got = sizeof chunk - parser.get().body().size;
    if (status >= 400) error_body.append(chunk, std::min<std::size_t>(got, 2000 - std::min<std::size_t>(2000, error_body.size())));
    else sse.feed(std::string_view(chunk, got));
    if (sse.completed()) co_return;
  }
  if (status >= 400) result.error = "model request failed: HTTP " + std::to_string(status) + ": " + error_body;
  else if (!sse.completed() && !result.error) result.error = "model stream ended before response.completed";
}

}  // namespace

ResponsesAgent::ResponsesAgent(std::string model, ModelProvider provider)
    : model_(std::move(model)), provider_(std::move(provider)) {}

asio::awaitable<SamplingResult> ResponsesAgent::sample(SamplingRequest request,
                                                       std::function<void(const std::string&)> on_delta) {
  auto url = parse_provider_url(provider_.base_url);
  if (!url) co_return SamplingResult{"", "invalid base_url `" + provider_.base_url + "` of model provider " + provider_.id};
  Json body = {{"model", model_}, {"input", responses_input(request.conversation, request.subagent_tools)},
               {"tools", responses_tools(model_, request.subagent_tools)}, {"tool_choice", "auto"}, {"parallel_tool_calls", false},
               {"stream", true}, {"store", false}};
  if (request.service_tier && *request.service_tier != "default") body["service_tier"] = *request.service_tier;
  http::request<http::string_body> http_request{http::verb::post, url->path + "/responses", 11};
  http_request.set(http::field::host, url->host_header);
  http_request.set(http::field::content_type, "application/json");
  http_request.set(http::field::accept, "text/event-stream");
  http_request.set(http::field::user_agent, "app-server/0.169.0");
  if (provider_.env_key) {
    const char* token = std::getenv(provider_.env_key->c_str());
    if (!token || !*token)
      co_return SamplingResult{"", "environment variable " + *provider_.env_key + " (env_key of model provider " +
                                       provider_.id + ") is not set"};
    http_request.set(http::field::authorization, std::string("Bearer ") + token);
  }
  http_request.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  http_request.prepare_payload();

  auto executor = co_await asio::this_coro::executor;
  SamplingResult result;
  int request_retries = 0, stream_retries = 0;
  for (int attempt = 0;; ++attempt) {
    result = SamplingResult{};
    int status = 0;
    try {
      const auto endpoints = co_await resolve(*url);
      if (url->tls) {
        asio::ssl::context tls(asio::ssl::context::tls_client);
        tls.set_default_verify_paths();
        tls.set_verify_mode(asio::ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
        SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str());
        stream.set_verify_callback(asio::ssl::host_name_verification(url->host));
        beast::get_lowest_layer(stream).expires_after(provider_.stream_idle_timeout);
        co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
        set_cloexec(beast::get_lowest_layer(stream).socket().native_handle());
        beast::get_lowest_layer(stream).socket().set_option(asio::ip::tcp::no_delay(true));
        co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        co_await exchange(stream, http_request, result, on_delta, request, status);
      } else {
        beast::tcp_stream stream(executor);
        stream.expires_after(provider_.stream_idle_timeout);
        co_await stream.async_connect(endpoints, asio::use_awaitable);
        // The request may leave as two small writes (header, body); with Nagle on, the second
        // waits for the server's (delayed) ACK of the first.
        set_cloexec(stream.socket().native_handle());
        stream.socket().set_option(asio::ip::tcp::no_delay(true));
        co_await exchange(stream, http_request, result, on_delta, request, status);
      }
    } catch (const std::exception& e) {
      result.error = "model request failed: " + std::string(e.what());
    }
    // Retry only what failed before any output reached the client: connection failures and
    // HTTP 5xx up to request_max_retries, a stream broken before its first event up to
    // stream_max_retries.
    const bool nothing_out = result.text.empty() && result.tool_calls.empty() && !result.cancelled;
    const bool request_failed = status == 0 || status >= 500;
    const bool stream_broke = status == 200;
    if (!result.error || !nothing_out) break;
    if (request_failed && request_retries++ >= provider_.request_max_retries) break;
    if (stream_broke && stream_retries++ >= provider_.stream_max_retries) break;
    if (!request_failed && !stream_broke) break;
    spdlog::warn("model request to {} failed ({}); retrying", provider_.base_url, *result.error);
    asio::steady_timer delay(executor, std::chrono::milliseconds(200 * (attempt + 1)));
    co_await delay.async_wait(asio::use_awaitable);
  }
  co_return result;
}

}  // namespace appserver
