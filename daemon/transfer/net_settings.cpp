#include "daemon/transfer/net_settings.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cstdint>
#include <initializer_list>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "daemon/transfer/redact.h"

namespace leancache::transfer {
namespace {

using Env = std::map<std::string, std::string>;

// The first of `names` set to a non-blank value in `env`.
std::optional<std::string> First(const Env& env, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = env.find(name);
    if (it == env.end()) continue;
    std::string v(absl::StripAsciiWhitespace(it->second));
    if (!v.empty()) return v;
  }
  return std::nullopt;
}

// One part of a URL parsed by libcurl ("" when absent or unparsable).
std::string UrlPart(CURLU* u, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, 0) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

std::optional<std::uint32_t> Ipv4(std::string_view text) {
  in_addr addr{};
  std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

bool MatchesEntry(std::string_view entry, std::string_view host) {
  if (entry == "*") return true;
  size_t slash = entry.find('/');
  if (slash != std::string_view::npos) {  // IPv4 CIDR
    int bits = 0;
    std::optional<std::uint32_t> net = Ipv4(entry.substr(0, slash));
    std::optional<std::uint32_t> ip = Ipv4(host);
    if (!net || !ip || !absl::SimpleAtoi(std::string(entry.substr(slash + 1)), &bits) || bits < 0 || bits > 32) {
      return false;
    }
    std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (*net & mask) == (*ip & mask);
  }
  if (!entry.empty() && entry.front() == '[') {  // [v6]:port or [v6]
    size_t close = entry.find(']');
    entry = entry.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else if (size_t colon = entry.rfind(':');
             colon != std::string_view::npos && entry.find(':') == colon) {
    entry = entry.substr(0, colon);  // host:port -> host
  }
  while (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
  if (entry.empty()) return false;
  if (host == entry) return true;
  return host.size() > entry.size() && host.substr(host.size() - entry.size()) == entry &&
         host[host.size() - entry.size() - 1] == '.';
}

}  // namespace

NetSettings NetSettingsFromEnv(const Env& env, const NetSettings& fallback) {
  NetSettings out = fallback;
  std::optional<std::string> http = First(env, {"http_proxy"});
  std::optional<std::string> https = First(env, {"https_proxy", "HTTPS_PROXY"});
  std::optional<std::string> all = First(env, {"all_proxy", "ALL_PROXY"});
  if (http || https || all) {
    out.http_proxy = http.value_or("");
    out.https_proxy = https.value_or("");
    out.all_proxy = all.value_or("");
  }
  if (std::optional<std::string> no = First(env, {"no_proxy", "NO_PROXY"})) out.no_proxy = *no;
  std::optional<std::string> bundle = First(env, {"CURL_CA_BUNDLE"});
  std::optional<std::string> file = First(env, {"SSL_CERT_FILE"});
  std::optional<std::string> dir = First(env, {"SSL_CERT_DIR"});
  if (bundle) {
    out.ca_file = *bundle;
    out.ca_path.clear();
  } else if (file || dir) {
    out.ca_file = file.value_or("");
    out.ca_path = dir.value_or("");
  }
  return out;
}

bool NoProxyMatches(std::string_view no_proxy, std::string_view host_in) {
  std::string host = absl::AsciiStrToLower(std::string(host_in));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  while (!host.empty() && host.back() == '.') host.pop_back();
  for (absl::string_view raw : absl::StrSplit(std::string(no_proxy), absl::ByAnyChar(", "), absl::SkipEmpty())) {
    std::string entry = absl::AsciiStrToLower(raw);
    if (MatchesEntry(entry, host)) return true;
  }
  return false;
}

Route RouteFor(std::string_view url, const NetSettings& net) {
  Route route;
  std::string scheme, host, port;
  if (CURLU* u = curl_url()) {
    std::string s(url);
    if (curl_url_set(u, CURLUPART_URL, s.c_str(), 0) == CURLUE_OK) {
      scheme = absl::AsciiStrToLower(UrlPart(u, CURLUPART_SCHEME));
      host = UrlPart(u, CURLUPART_HOST);
      port = UrlPart(u, CURLUPART_PORT);  // only when the URL names one
    }
    curl_url_cleanup(u);
  }
  route.host = port.empty() ? host : host + ":" + port;
  const std::string& scheme_proxy = scheme == "https" ? net.https_proxy
                                    : scheme == "http" ? net.http_proxy
                                                       : net.all_proxy;
  std::string proxy = scheme_proxy.empty() ? net.all_proxy : scheme_proxy;
  if (proxy.empty() || NoProxyMatches(net.no_proxy, host)) return route;
  route.proxy = proxy;
  route.proxy_display = RedactUrl(proxy);
  return route;
}

}  // namespace leancache::transfer
