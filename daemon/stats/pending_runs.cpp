#include "daemon/stats/pending_runs.h"

namespace leancache::stats {

PendingRuns::Hold& PendingRuns::Hold::operator=(Hold&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void PendingRuns::Hold::Release() {
  if (owner_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    --owner_->holds_;
  }
  owner_->idle_.notify_all();
  owner_ = nullptr;
}

PendingRuns::Hold PendingRuns::Begin(PendingRuns* pending) {
  if (pending == nullptr) return Hold();
  std::lock_guard<std::mutex> lock(pending->mu_);
  ++pending->holds_;
  return Hold(pending);
}

bool PendingRuns::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_.wait_for(lock, timeout, [this] { return holds_ == 0; });
}

}  // namespace leancache::stats
