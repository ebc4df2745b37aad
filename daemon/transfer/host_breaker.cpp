#include "daemon/transfer/host_breaker.h"

namespace leancache::transfer {

// A host is keyed with its proxy: the same host reached directly and through a proxy are two
// routes that fail independently.
std::string HostBreaker::HostKey(const Route& route) { return route.host + " via " + route.proxy_display; }

std::string HostBreaker::ProxyKey(const Route& route) { return "proxy " + route.proxy_display; }

void HostBreaker::Answered(const Route& route) {
  std::lock_guard<std::mutex> lock(mu_);
  answered_.insert(HostKey(route));
}

bool HostBreaker::Failed(const Route& route, HostFailure failure) {
  if (failure.cause == ReachCause::kNone) return false;
  std::string key = IsProxyCause(failure.cause) ? ProxyKey(route) : HostKey(route);
  std::lock_guard<std::mutex> lock(mu_);
  if (open_.count(key) > 0) return true;
  if (!IsPermanentCause(failure.cause) && answered_.count(HostKey(route)) > 0) return false;
  new_.push_back(failure);
  open_.emplace(std::move(key), std::move(failure));
  return true;
}

std::optional<HostFailure> HostBreaker::Blocking(const Route& route) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!route.proxy.empty()) {
    if (auto it = open_.find(ProxyKey(route)); it != open_.end()) return it->second;
  }
  if (auto it = open_.find(HostKey(route)); it != open_.end()) return it->second;
  return std::nullopt;
}

std::vector<HostFailure> HostBreaker::TakeNew() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<HostFailure> out;
  out.swap(new_);
  return out;
}

}  // namespace leancache::transfer
