// libFuzzer target: what a client sends. The input is split into lines as the stdio transport
// splits them; each line goes through the envelope parser, and a request's params are
// decoded as the method table (methods.def) decodes them: as its method's type, or (unknown
// method, response) as a type picked from the table by the line's length, so every type of
// methods.def is fuzzed. Crashes, sanitizer reports and escaping exceptions are bugs.
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace appserver::protocol;

/// Every params (and server-request result) type of methods.def, in table order.
using Decoder = void (*)(const Json&);
const std::vector<std::pair<std::string_view, Decoder>>& decoders() {
  static const std::vector<std::pair<std::string_view, Decoder>> table = {
  // clang-format off
#define REQUEST(handler, wire, Params, Result) \
  {wire, [](const Json& j) { v2::Params p{}; decode(j, p, "params"); }},
#define CLIENT_NOTIFICATION(handler, wire, Params) \
  {wire, [](const Json& j) { v2::Params p{}; decode(j, p, "params"); }},
#define NOTIFICATION(Name, wire, Type, history) \
  {wire, [](const Json& j) { v2::Type p{}; decode(j, p, "params"); }},
#define SERVER_REQUEST(Name, wire, Params, Result) \
  {wire, [](const Json& j) { v2::Result r{}; decode(j, r, "result"); }},
#include "protocol/methods.def"
      // clang-format on
  };
  return table;
}

/// Decodes `params` as `method`'s type when it names one (as the dispatcher does), else as
/// the type `pick` selects, so over many inputs every type of the table sees every shape.
void decode_params(std::string_view method, const Json& params, std::size_t pick) {
  const auto& table = decoders();
  auto it = std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.first == method; });
  const Decoder decoder = it != table.end() ? it->second : table[pick % table.size()].second;
  try {
    decoder(params);
  } catch (const DecodeError&) {
  }
}

void one_message(std::string_view line) {
  IncomingMessage message = parse_message(line);
  if (auto* request = std::get_if<IncomingRequest>(&message)) {
    decode_params(request->method, request->params, line.size());
    (void)make_response(request->id, request->params);
    (void)make_error(request->id, invalid_request("x"));
  } else if (auto* notification = std::get_if<IncomingNotification>(&message)) {
    decode_params(notification->method, notification->params, line.size());
  } else if (auto* response = std::get_if<IncomingResponse>(&message)) {
    if (!response->result.is_null()) decode_params("", response->result, line.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const auto newline = input.find('\n');
    std::string_view line = input.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) one_message(line);
    if (newline == std::string_view::npos) break;
    input.remove_prefix(newline + 1);
  }
  return 0;
}
