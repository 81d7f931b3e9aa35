// A model provider's `base_url`, split with Boost.URL (RFC 3986: IPv6 literals such as
// `http://[::1]:8080/v1`, percent-encoding, userinfo) into what the HTTP client needs.
#pragma once

#include <optional>
#include <string>

namespace appserver {

struct ProviderUrl {
  bool tls = false;         // https
  std::string host;         // to resolve / connect / verify: no brackets, decoded ("::1", "api.openai.com")
  std::string port;         // "8080", or the scheme's default ("443" / "80")
  std::string host_header;  // the Host header: as written, brackets and a non-default port kept
  std::string path;         // encoded, without a trailing slash ("/v1"; "" for none)
};

/// nullopt unless `base_url` is an absolute http:// or https:// URL with a host.
std::optional<ProviderUrl> parse_provider_url(const std::string& base_url);

}  // namespace appserver
