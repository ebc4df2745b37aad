#pragma once
// Whether a failed transfer attempt never reached its server (or its proxy) — a dead name, a
// refused or black-holed connection, a TLS handshake that cannot succeed, a proxy that is down
// or refuses us — as opposed to a server that answered badly. Classified from libcurl's error
// codes and connection facts; plain data in, plain data out.

#include <string>

namespace leancache::transfer {

enum class ReachCause {
  kNone,            // the attempt reached the server (or failed for another reason)
  kResolveHost,     // CURLE_COULDNT_RESOLVE_HOST, or name resolution timed out
  kConnectHost,     // CURLE_COULDNT_CONNECT to the host (refused, unreachable network)
  kConnectTimeout,  // no connection within the connect timeout (black-holed host or proxy)
  kTlsHandshake,    // CURLE_SSL_CONNECT_ERROR: the handshake itself failed
  kTlsUntrusted,    // CURLE_PEER_FAILED_VERIFICATION: certificate not trusted / wrong name
  kCaBundle,        // CURLE_SSL_CACERT_BADFILE / CURLE_SSL_CERTPROBLEM: the CA settings are bad
  kResolveProxy,    // CURLE_COULDNT_RESOLVE_PROXY
  kConnectProxy,    // CURLE_COULDNT_CONNECT while going through a proxy: the proxy is down
  kProxyAuth,       // the proxy answered 407 (or 401 to CONNECT): credentials missing or wrong
  kProxyTunnel,     // the proxy refused or failed the CONNECT tunnel to the host
  kTimeBudget,      // not a network cause: the request's total time budget ran out
};

// What is known about one ended attempt.
struct AttemptFacts {
  int curl_code = 0;          // CURLcode
  long http_status = 0;       // CURLINFO_RESPONSE_CODE (0: no response)
  long connect_status = 0;    // CURLINFO_HTTP_CONNECTCODE: the proxy's answer to CONNECT
  bool via_proxy = false;     // the attempt was configured to go through a proxy
  bool request_sent = false;  // CURLINFO_PRETRANSFER_TIME_T > 0: connected (and TLS done)
  bool name_resolved = false; // CURLINFO_NAMELOOKUP_TIME_T > 0
};

// The cause, or kNone when the server (or the proxy's tunnel) answered, or when the failure is
// of another kind (reset, stall after connecting, HTTP errors, local I/O).
ReachCause ClassifyReach(const AttemptFacts& facts);

// Whether the cause is about the proxy rather than the host behind it.
bool IsProxyCause(ReachCause cause);

// Whether the cause cannot go away within one request (a name that does not resolve, an
// untrusted certificate, bad CA settings, rejected proxy credentials): it opens the breaker even
// for a host that answered earlier in the request.
bool IsPermanentCause(ReachCause cause);

// Short user-facing text: "could not resolve host", "connection refused", ...
std::string ReachCauseText(ReachCause cause);

}  // namespace leancache::transfer
