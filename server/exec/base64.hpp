// Base64 (RFC 4648, with padding) for command/exec's byte payloads, through Nettle. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace appserver {

std::string base64_encode(std::string_view bytes);
/// The bytes, or nullopt when `text` is not valid base64 (whitespace is ignored).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace appserver
