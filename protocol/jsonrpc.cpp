// JSON-RPC envelope parsing and serialisation; see jsonrpc.hpp for the wire conventions.
#include "protocol/jsonrpc.hpp"

#include "protocol/json_parse.hpp"

#include <algorithm>
#include <charconv>

namespace appserver::protocol {

Json RpcError::to_json() const {
  Json out = {{"code", static_cast<int>(code)}, {"message", message}};
  if (!data.is_null()) out["data"] = data;
  return out;
}

RpcError parse_error(std::string detail) {
  return {ErrorCode::ParseError, "Parse error: " + std::move(detail), nullptr};
}
RpcError invalid_request(std::string message) {
  return {ErrorCode::InvalidRequest, std::move(message), nullptr};
}
RpcError method_not_found(std::string_view method) {
  return {ErrorCode::MethodNotFound, "Method not found: " + std::string(method), nullptr};
}
RpcError invalid_params(std::string message) {
  return {ErrorCode::InvalidParams, "Invalid params: " + std::move(message), nullptr};
}
RpcError internal_error(std::string message) {
  return {ErrorCode::InternalError, "Internal error: " + std::move(message), nullptr};
}

namespace {
bool valid_id(const Json& id) { return id.is_number_integer() || id.is_string(); }

Json params_or_empty(const Json& object) {
  auto it = object.find("params");
  if (it == object.end() || it->is_null()) return Json::object();
  return *it;
}
}  // namespace

IncomingMessage parse_message(std::string_view text) {
  auto parsed = parse_bounded(text);
  if (parsed.value.is_discarded()) return Rejected{nullptr, parse_error("invalid JSON")};
  Json message = std::move(parsed.value);
  if (message.is_array())
    return Rejected{nullptr, invalid_request("Invalid request: batch requests are not supported")};
  if (!message.is_object())
    return Rejected{nullptr, invalid_request("Invalid request: expected a JSON object")};

  auto id_it = message.find("id");
  auto method_it = message.find("method");
  const bool has_id = id_it != message.end();
  Json id = has_id ? *id_it : Json(nullptr);
  if (has_id && !valid_id(id))
    return Rejected{nullptr, invalid_request("Invalid request: `id` must be an integer or a string")};
  // Valid JSON, but deeper than any message of the protocol: refused before anything recursive
  // touches it (the id, at depth 2, survived the bounded parse).
  if (parsed.too_deep)
    return Rejected{id, invalid_request("Invalid request: JSON nested deeper than " +
                                        std::to_string(kMaxJsonDepth) + " levels")};

  if (auto version = message.find("jsonrpc");
      version != message.end() && *version != Json("2.0")) {
    return Rejected{id, invalid_request("Invalid request: `jsonrpc` must be \"2.0\"")};
  }

  if (method_it != message.end()) {
    if (!method_it->is_string())
      return Rejected{id, invalid_request("Invalid request: `method` must be a string")};
    Json params = params_or_empty(message);
    if (!params.is_object() && !params.is_array())
      return Rejected{id, invalid_request("Invalid request: `params` must be an object")};
    if (has_id) return IncomingRequest{id, method_it->get<std::string>(), std::move(params)};
    return IncomingNotification{method_it->get<std::string>(), std::move(params)};
  }

  if (has_id) {
    if (auto error = message.find("error"); error != message.end() && error->is_object()) {
      // A client's error is read leniently: a code or message of the wrong type is left out,
      // never thrown on (json::value() throws type_error, which took the daemon down).
      RpcError rpc_error;
      rpc_error.code = ErrorCode::InternalError;
      if (auto code = error->find("code"); code != error->end() && code->is_number_integer())
        rpc_error.code = static_cast<ErrorCode>(code->get<std::int64_t>());
      if (auto text = error->find("message"); text != error->end() && text->is_string())
        rpc_error.message = text->get<std::string>();
      return IncomingResponse{id, nullptr, rpc_error};
    }
    if (auto result = message.find("result"); result != message.end())
      return IncomingResponse{id, *result, std::nullopt};
  }
  return Rejected{id, invalid_request("Invalid request: missing field `method`")};
}

namespace {
std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }
}  // namespace

// The envelopes are written as text around each part's dump, so a large result (a thread with
// its turns) is not deep-copied into a temporary object first. Key order is nlohmann's sorted
// order, as if the envelope were one object: emittedAtMs < error < id < method < params < result.
std::string make_response(const RequestId& id, const Json& result) {
  return "{\"id\":" + dump(id) + ",\"result\":" + dump(result) + "}";
}

std::string make_error(const RequestId& id, const RpcError& error) {
  return "{\"error\":" + dump(error.to_json()) + ",\"id\":" + dump(id) + "}";
}

std::string make_notification(std::string_view method, const Json& params,
                              std::int64_t emitted_at_ms) {
  return make_notification_text(method, dump(params), emitted_at_ms);
}

std::string make_notification_text(std::string_view method, std::string_view params_text,
                                   std::int64_t emitted_at_ms) {
  // Key order matches make_notification (nlohmann sorts keys): emittedAtMs, method, params.
  // Called once per notification (every streamed delta), so built in one reserved string;
  // method names are plain ASCII and written as they are unless they need escaping.
  const bool plain_method = std::all_of(method.begin(), method.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  char stamp[24];
  const auto stamp_end = std::to_chars(stamp, stamp + sizeof stamp, emitted_at_ms).ptr;
  std::string out;
  out.reserve(40 + method.size() + params_text.size());
  out += "{\"emittedAtMs\":";
  out.append(stamp, stamp_end);
  out += ",\"method\":";
  if (plain_method) {
    out += '"';
    out += method;
    out += '"';
  } else {
    out += dump(Json(method));
  }
  out += ",\"params\":";
  out += params_text;
  out += '}';
  return out;
}

std::string make_request(const RequestId& id, std::string_view method, const Json& params) {
  return "{\"id\":" + dump(id) + ",\"method\":" + dump(Json(method)) + ",\"params\":" + dump(params) + "}";
}

}  // namespace appserver::protocol
