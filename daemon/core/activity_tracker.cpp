#include "daemon/core/activity_tracker.h"

namespace leancache::core {

ActivityTracker::ActivityTracker() : start_(Clock::now()), last_activity_(start_) {}

ActivityTracker::Scope::Scope(ActivityTracker* tracker) : tracker_(tracker) {
  tracker_->active_.fetch_add(1);
  tracker_->Touch();
}

ActivityTracker::Scope::~Scope() {
  tracker_->Touch();
  tracker_->served_.fetch_add(1);
  tracker_->active_.fetch_sub(1);
}

void ActivityTracker::Touch() {
  std::lock_guard<std::mutex> lock(mu_);
  last_activity_ = Clock::now();
}

bool ActivityTracker::IdleFor(std::chrono::seconds timeout) const {
  if (active_.load() != 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return Clock::now() - last_activity_ >= timeout;
}

double ActivityTracker::uptime_seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

}  // namespace leancache::core
