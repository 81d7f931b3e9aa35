// Base64 through Nettle's codec; see base64.hpp.
#include "server/exec/base64.hpp"

#include <nettle/base64.h>

#include <cstdint>

namespace appserver {

std::string base64_encode(std::string_view bytes) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(bytes.size()), '\0');
  base64_encode_raw(out.data(), bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  base64_decode_ctx ctx;
  base64_decode_init(&ctx);
  std::string out(BASE64_DECODE_LENGTH(text.size()), '\0');
  std::size_t length = out.size();
  if (!base64_decode_update(&ctx, &length, reinterpret_cast<std::uint8_t*>(out.data()), text.size(), text.data()) ||
      !base64_decode_final(&ctx))
    return std::nullopt;
  out.resize(length);
  return out;
}

}  // namespace appserver
