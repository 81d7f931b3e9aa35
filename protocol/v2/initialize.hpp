// `initialize` request of the v2 protocol (Codex 0.169 `InitializeParams` / `InitializeResponse`).
#pragma once

#include "protocol/describe_json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace appserver::protocol::v2 {

struct ClientInfo {
  std::string name;
  std::optional<std::string> title;
  std::string version;
};
PROTOCOL_STRUCT(ClientInfo, (name, title, version))

/// Capabilities a client declares; fields this server does not act on are ignored.
struct InitializeCapabilities {
  std::optional<bool> experimentalApi;
  std::optional<std::vector<std::string>> optOutNotificationMethods;
};
PROTOCOL_STRUCT(InitializeCapabilities, (experimentalApi, optOutNotificationMethods))

struct InitializeParams {
  ClientInfo clientInfo;
  std::optional<InitializeCapabilities> capabilities;
};
PROTOCOL_STRUCT(InitializeParams, (clientInfo, capabilities))

/// `userAgent` is `<client name>/<server version> (<os>; <arch>) (<client name>; <client version>)`.
struct InitializeResponse {
  std::string userAgent;
  std::string codexHome;
  std::string platformFamily;
  std::string platformOs;
};
PROTOCOL_STRUCT(InitializeResponse, (userAgent, codexHome, platformFamily, platformOs))

/// Params of requests that take none (`{}`); any members are ignored.
struct EmptyParams {};
PROTOCOL_STRUCT(EmptyParams, ())

}  // namespace appserver::protocol::v2
