#include "daemon/core/progress_hub.h"

#include <algorithm>

namespace leancache::core {

ProgressHub::Subscription::~Subscription() { hub_->Unsubscribe(this); }

std::optional<v1::Progress> ProgressHub::Subscription::Next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(hub_->mu_);
  hub_->cv_.wait_for(lock, timeout, [this] { return !queue_.empty() || hub_->closed_; });
  if (queue_.empty()) return std::nullopt;
  v1::Progress p = std::move(queue_.front());
  queue_.pop_front();
  return p;
}

std::vector<v1::Progress> ProgressHub::Subscription::Drain() {
  std::lock_guard<std::mutex> lock(hub_->mu_);
  std::vector<v1::Progress> out(std::make_move_iterator(queue_.begin()),
                                std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool ProgressHub::Subscription::closed() const { return hub_->closed(); }

size_t ProgressHub::Subscription::dropped() const {
  std::lock_guard<std::mutex> lock(hub_->mu_);
  return dropped_;
}

std::unique_ptr<ProgressHub::Subscription> ProgressHub::Subscribe(const std::string& project_root) {
  std::unique_ptr<Subscription> sub(new Subscription(this, project_root));
  std::lock_guard<std::mutex> lock(mu_);
  subs_.push_back(sub.get());
  return sub;
}

void ProgressHub::Publish(const std::string& project_root, const v1::Progress& progress) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    bool any = false;
    for (Subscription* sub : subs_) {
      if (sub->project_ != project_root) continue;
      if (sub->queue_.size() >= kQueueLimit) {
        sub->queue_.pop_front();
        ++sub->dropped_;
      }
      sub->queue_.push_back(progress);
      any = true;
    }
    if (!any) return;
  }
  cv_.notify_all();
}

void ProgressHub::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool ProgressHub::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

size_t ProgressHub::subscribers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subs_.size();
}

void ProgressHub::Unsubscribe(Subscription* sub) {
  std::lock_guard<std::mutex> lock(mu_);
  subs_.erase(std::remove(subs_.begin(), subs_.end(), sub), subs_.end());
}

}  // namespace leancache::core
