#include "daemon/sources/network_session.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace leancache::sources {

namespace {

using transfer::ReachCause;

// What the user should look at, by cause.
std::string Hint(const transfer::HostFailure& f) {
  switch (f.cause) {
    case ReachCause::kResolveHost:
      return "check the network, a proxy (https_proxy) or MATHLIB_CACHE_GET_URL";
    case ReachCause::kConnectHost:
    case ReachCause::kConnectTimeout:
      return f.proxy.empty() ? "check the network, a firewall, a proxy (https_proxy) or MATHLIB_CACHE_GET_URL"
                             : "check that the proxy runs and https_proxy / http_proxy / ALL_PROXY";
    case ReachCause::kTlsHandshake:
      return "check for a proxy or firewall in the way, or the server's TLS setup";
    case ReachCause::kTlsUntrusted:
      return "check the clock, a TLS-intercepting proxy, or the CA bundle (SSL_CERT_FILE, "
             "CURL_CA_BUNDLE, config ca_bundle)";
    case ReachCause::kCaBundle:
      return "check SSL_CERT_FILE / CURL_CA_BUNDLE / SSL_CERT_DIR or the config's ca_bundle";
    case ReachCause::kResolveProxy:
    case ReachCause::kConnectProxy:
      return "check that the proxy runs and https_proxy / http_proxy / ALL_PROXY (or the config's "
             "proxy)";
    case ReachCause::kProxyAuth:
      return "check the user and password in the proxy URL";
    case ReachCause::kProxyTunnel:
      return "check the proxy's log and access rules, or no_proxy";
    case ReachCause::kTimeBudget:
      return "raise LEANCACHE_REQUEST_TIMEOUT or the config's request_timeout (seconds)";
    case ReachCause::kNone: break;
  }
  return "check the network";
}

}  // namespace

absl::StatusOr<std::shared_ptr<transfer::Session>> MakeTransferSession(const Config& config,
                                                                       const Env& env) {
  transfer::NetSettings fallback;
  fallback.all_proxy = config.proxy;
  fallback.no_proxy = config.no_proxy;
  fallback.ca_file = config.ca_bundle;
  fallback.ca_path = config.ca_path;
  uint64_t seconds = config.request_timeout_seconds;
  if (std::optional<std::string> v = NonEmptyEnv(env, "LEANCACHE_REQUEST_TIMEOUT")) {
    if (!absl::SimpleAtoi(*v, &seconds) || seconds < 1 || seconds > 604800) {
      return absl::InvalidArgumentError(absl::StrCat(
          "LEANCACHE_REQUEST_TIMEOUT=", *v, ": must be a number of seconds in 1..604800"));
    }
  }
  return std::make_shared<transfer::Session>(transfer::NetSettingsFromEnv(env, fallback),
                                             std::chrono::seconds(seconds));
}

std::string UnreachableLine(const transfer::HostFailure& f) {
  if (f.cause == ReachCause::kTimeBudget) {
    return absl::StrCat("gave up on ", f.host, ": ", transfer::ReachCauseText(f.cause), " (", f.detail,
                        ") — ", Hint(f));
  }
  std::string who = transfer::IsProxyCause(f.cause) ? absl::StrCat("proxy ", f.proxy, " (for ", f.host, ")")
                    : f.proxy.empty()               ? f.host
                                                    : absl::StrCat(f.host, " via proxy ", f.proxy);
  return absl::StrCat("cannot reach ", who, ": ", transfer::ReachCauseText(f.cause), " — ", Hint(f));
}

bool OfflineRequested(const std::map<std::string, std::string>& options, const Env& env) {
  if (auto it = options.find("offline"); it != options.end()) {
    std::string v = AsciiLower(TrimAscii(it->second));
    if (v.empty() || v == "1" || v == "true" || v == "yes") return true;
  }
  return EnvFlag(env, "LEANCACHE_OFFLINE");
}

std::vector<std::string> OfflineMissingLines(const std::vector<std::string>& names) {
  constexpr size_t kMaxListed = 100;
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat("Offline (--offline / LEANCACHE_OFFLINE): not downloading ", names.size(),
                               " file(s) missing from the cache:"));
  for (size_t i = 0; i < names.size() && i < kMaxListed; ++i) lines.push_back("  " + names[i]);
  if (names.size() > kMaxListed) {
    lines.push_back(absl::StrCat("  ... and ", names.size() - kMaxListed, " more"));
  }
  return lines;
}

}  // namespace leancache::sources
