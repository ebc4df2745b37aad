#pragma once
// The per-request circuit breaker: once a host (or the proxy in front of it) is found
// unreachable, every other transfer of the same request to it fails at once instead of each
// one waiting out its own resolver timeout and retries. Thread-safe.
//
// Opening rule: a permanent cause (IsPermanentCause) opens the breaker at its first occurrence;
// a connect or handshake failure opens it unless the host answered earlier in this request (then
// it is a transient failure of a live host and the normal retries apply).

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "daemon/transfer/net_settings.h"
#include "daemon/transfer/reach_failure.h"

namespace leancache::transfer {

// Why a host or proxy is considered unreachable for the rest of the request.
struct HostFailure {
  std::string host;   // the host the transfer was for ("cache.mathlib.org", "127.0.0.1:9")
  std::string proxy;  // the proxy, credentials removed ("" = direct)
  ReachCause cause = ReachCause::kNone;
  std::string detail;  // libcurl's own words (secrets scrubbed), for logs
};

class HostBreaker {
 public:
  // Records that `route` answered with an HTTP response.
  void Answered(const Route& route);

  // Records a reach failure of an attempt on `route`. Returns true when the breaker is now open
  // for it (the caller then fails the transfer without retrying).
  bool Failed(const Route& route, HostFailure failure);

  // The failure that blocks `route` (its proxy or its host), if the breaker is open for it.
  std::optional<HostFailure> Blocking(const Route& route) const;

  // Failures that opened the breaker since the last call, in order (one per host or proxy).
  std::vector<HostFailure> TakeNew();

 private:
  static std::string HostKey(const Route& route);
  static std::string ProxyKey(const Route& route);

  mutable std::mutex mu_;
  std::unordered_set<std::string> answered_;
  std::unordered_map<std::string, HostFailure> open_;
  std::vector<HostFailure> new_;
};

}  // namespace leancache::transfer
