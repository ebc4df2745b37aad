#include "daemon/transfer/reach_failure.h"

#include <curl/curl.h>

namespace leancache::transfer {

ReachCause ClassifyReach(const AttemptFacts& f) {
  // Only the proxy answers CONNECT, so a 401 there is the proxy's too (tinyproxy answers wrong
  // credentials with 401); a 401 to a plain proxied GET may be the server's own.
  if (f.via_proxy && (f.http_status == 407 || f.connect_status == 407 || f.connect_status == 401)) {
    return ReachCause::kProxyAuth;
  }
  if (f.http_status > 0) return ReachCause::kNone;  // the server (or proxy) answered
  switch (f.curl_code) {
    case CURLE_COULDNT_RESOLVE_HOST: return ReachCause::kResolveHost;
    case CURLE_COULDNT_RESOLVE_PROXY: return ReachCause::kResolveProxy;
    case CURLE_COULDNT_CONNECT:
      if (!f.via_proxy) return ReachCause::kConnectHost;
      // The proxy answered CONNECT with an error: it could not (or would not) reach the host.
      return f.connect_status > 0 ? ReachCause::kProxyTunnel : ReachCause::kConnectProxy;
    case CURLE_OPERATION_TIMEDOUT:
      if (f.request_sent) return ReachCause::kNone;  // a stall after connecting: transient
      if (!f.name_resolved && !f.via_proxy) return ReachCause::kResolveHost;
      return ReachCause::kConnectTimeout;
    case CURLE_SSL_CONNECT_ERROR: return ReachCause::kTlsHandshake;
    case CURLE_PEER_FAILED_VERIFICATION: return ReachCause::kTlsUntrusted;
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM: return ReachCause::kCaBundle;
    case CURLE_RECV_ERROR:
      // curl 7.88 reports a non-2xx answer to CONNECT this way.
      return f.via_proxy && f.connect_status >= 300 ? ReachCause::kProxyTunnel : ReachCause::kNone;
    default: return ReachCause::kNone;
  }
}

bool IsProxyCause(ReachCause cause) {
  return cause == ReachCause::kResolveProxy || cause == ReachCause::kConnectProxy ||
         cause == ReachCause::kProxyAuth;
}

bool IsPermanentCause(ReachCause cause) {
  return cause == ReachCause::kResolveHost || cause == ReachCause::kResolveProxy ||
         cause == ReachCause::kTlsUntrusted || cause == ReachCause::kCaBundle ||
         cause == ReachCause::kProxyAuth || cause == ReachCause::kTimeBudget;
}

std::string ReachCauseText(ReachCause cause) {
  switch (cause) {
    case ReachCause::kNone: return "reachable";
    case ReachCause::kResolveHost: return "could not resolve host";
    case ReachCause::kConnectHost: return "could not connect (refused or unreachable)";
    case ReachCause::kConnectTimeout: return "connection timed out";
    case ReachCause::kTlsHandshake: return "TLS handshake failed";
    case ReachCause::kTlsUntrusted: return "TLS certificate not trusted";
    case ReachCause::kCaBundle: return "the CA bundle cannot be used";
    case ReachCause::kResolveProxy: return "could not resolve proxy";
    case ReachCause::kConnectProxy: return "proxy refused the connection";
    case ReachCause::kProxyAuth: return "proxy authentication failed";
    case ReachCause::kProxyTunnel: return "the proxy could not open a tunnel to the host";
    case ReachCause::kTimeBudget: return "the request's time budget ran out";
  }
  return "unreachable";
}

}  // namespace leancache::transfer
