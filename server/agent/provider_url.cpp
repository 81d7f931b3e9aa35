// Provider URLs through Boost.URL; see provider_url.hpp.
#include "server/agent/provider_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace appserver {

std::optional<ProviderUrl> parse_provider_url(const std::string& base_url) {
  auto parsed = boost::urls::parse_absolute_uri(base_url);
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& u = *parsed;
  ProviderUrl out;
  if (u.scheme_id() == boost::urls::scheme::https) out.tls = true;
  else if (u.scheme_id() != boost::urls::scheme::http) return std::nullopt;
  out.host = u.host_address();  // decoded; an IP-literal without its brackets
  if (out.host.empty()) return std::nullopt;
  out.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : (out.tls ? "443" : "80");
  out.host_header = u.encoded_host_and_port();
  out.path = u.encoded_path();
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  return out;
}

}  // namespace appserver
