#pragma once
// What the transfers of one client request share: the request's proxy/CA settings, its circuit
// breaker, and its total time budget. Created per request by the job that submits the
// transfers; the transport reads it for every attempt.

#include <chrono>

#include "daemon/transfer/host_breaker.h"
#include "daemon/transfer/net_settings.h"

namespace leancache::transfer {

struct Session {
  using Clock = std::chrono::steady_clock;

  // `budget` 0 = no total time limit.
  Session(NetSettings settings, std::chrono::seconds total_budget)
      : net(std::move(settings)),
        budget(total_budget),
        deadline(total_budget.count() > 0 ? Clock::now() + total_budget : Clock::time_point::max()) {}

  const NetSettings net;
  const std::chrono::seconds budget;
  const Clock::time_point deadline;  // time_point::max() when there is no budget
  HostBreaker breaker;

  bool Expired(Clock::time_point now) const { return now >= deadline; }
};

}  // namespace leancache::transfer
