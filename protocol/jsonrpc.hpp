// The JSON-RPC 2.0 envelope as the Codex app-server speaks it (protocol-notes.md §3).
//
// Wire conventions: the "jsonrpc" member is accepted on input and never written on output;
// request ids are echoed exactly as sent (integer or string); notifications sent by the server
// carry a top-level "emittedAtMs" (unix milliseconds) beside "method" and "params".
// This file knows nothing about methods; it only classifies and builds messages.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace appserver::protocol {

using Json = nlohmann::json;

/// JSON-RPC error codes used by this server (JSON-RPC 2.0 + the reference's overload code).
enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerOverloaded = -32001,
};

/// The `error` member of a JSON-RPC error response: `{code, message, data?}`.
struct RpcError {
  ErrorCode code = ErrorCode::InternalError;
  std::string message;
  Json data;  // null = omitted on the wire

  Json to_json() const;
};

RpcError parse_error(std::string detail);
RpcError invalid_request(std::string message);
RpcError method_not_found(std::string_view method);
RpcError invalid_params(std::string message);
RpcError internal_error(std::string message);

/// A request id: the JSON value the client sent (integer or string), echoed verbatim.
using RequestId = Json;

/// A client → server request (has `id` and `method`). `params` is `{}` when absent or null.
struct IncomingRequest {
  RequestId id;
  std::string method;
  Json params;
};

/// A client → server notification (has `method`, no `id`).
struct IncomingNotification {
  std::string method;
  Json params;
};

/// A client → server response to a server request (has `id` and `result` or `error`).
struct IncomingResponse {
  RequestId id;
  Json result;  // null when `error` is set
  std::optional<RpcError> error;
};

/// A message that could not be accepted: reply with `error` to `id` (null when unknown).
struct Rejected {
  RequestId id;
  RpcError error;
};

using IncomingMessage =
    std::variant<IncomingRequest, IncomingNotification, IncomingResponse, Rejected>;

/// Parses one wire message (a stdio line or a WebSocket text frame).
/// Never throws: malformed JSON → Rejected{-32700, id null}; a batch array, a non-object or an
/// object that is neither request, notification nor response → Rejected{-32600}.
IncomingMessage parse_message(std::string_view text);

/// Serialises a success response `{"id":…,"result":…}` (one line, no trailing newline).
std::string make_response(const RequestId& id, const Json& result);
/// Serialises an error response `{"id":…,"error":{code,message,data?}}`.
std::string make_error(const RequestId& id, const RpcError& error);
/// Serialises a notification `{"method":…,"params":…,"emittedAtMs":…}`.
std::string make_notification(std::string_view method, const Json& params,
                              std::int64_t emitted_at_ms);
/// The same, with `params` already serialised (compact JSON text), so one dump can serve both
/// the history file and the wire.
std::string make_notification_text(std::string_view method, std::string_view params_text,
                                   std::int64_t emitted_at_ms);
/// Serialises a server → client request `{"id":…,"method":…,"params":…}`.
std::string make_request(const RequestId& id, std::string_view method, const Json& params);

}  // namespace appserver::protocol
