#pragma once
// Proxy and CA settings of one client request, applied to each of its transfers the way curl
// applies its environment (never the daemon's own environment): which proxy a URL goes through,
// which hosts bypass it, which CA bundle/directory verifies TLS peers.

#include <map>
#include <string>
#include <string_view>

namespace leancache::transfer {

struct NetSettings {
  std::string http_proxy;   // proxy for http:// URLs ("" = none)
  std::string https_proxy;  // proxy for https:// URLs
  std::string all_proxy;    // proxy for URLs the two above do not cover
  std::string no_proxy;     // comma-separated hosts/domains/IPs/CIDRs that go direct ("*" = all)
  std::string ca_file;      // PEM bundle to trust instead of the system store ("" = default)
  std::string ca_path;      // directory of hashed CA certificates ("" = default)

  bool operator==(const NetSettings&) const = default;
};

// The settings curl would use for environment `env`, with `fallback` (the daemon's config file)
// for what the environment leaves unset. Blank values count as unset. Proxies: http_proxy
// (lowercase only, as curl), https_proxy|HTTPS_PROXY, all_proxy|ALL_PROXY — when any of them is
// set the environment's proxies replace the fallback's; no_proxy|NO_PROXY, else the fallback's.
// CAs: CURL_CA_BUNDLE (CA file), else SSL_CERT_FILE (file) and SSL_CERT_DIR (directory); when
// any is set they replace the fallback's CA settings.
NetSettings NetSettingsFromEnv(const std::map<std::string, std::string>& env,
                               const NetSettings& fallback = {});

// Where one URL goes: its host and the proxy (if any) in between.
struct Route {
  std::string host;           // "cache.mathlib.org", "127.0.0.1:9" (port only when explicit)
  std::string proxy;          // proxy URL as given, credentials included ("" = direct)
  std::string proxy_display;  // proxy URL without credentials, for messages
};

// The route of `url` under `net`: the scheme's proxy unless the host matches no_proxy.
Route RouteFor(std::string_view url, const NetSettings& net);

// Whether `host` (a name or IP literal, no port) matches the no_proxy list as curl matches it:
// "*" matches everything; an entry matches the host itself and, as a domain, its subdomains
// (a leading '.' is optional); "a.b.c.d/n" matches IPv4 addresses in that network. Case-
// insensitive; ports in entries are ignored.
bool NoProxyMatches(std::string_view no_proxy, std::string_view host);

}  // namespace leancache::transfer
