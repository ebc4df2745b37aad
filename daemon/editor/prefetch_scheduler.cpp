#include "daemon/editor/prefetch_scheduler.h"

namespace leancache::editor {

PrefetchScheduler::Turn::~Turn() {
  if (owner_ != nullptr) owner_->Release();
}

PrefetchScheduler::Turn& PrefetchScheduler::Turn::operator=(Turn&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) owner_->Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

bool PrefetchScheduler::IsNext(const Waiter& w) const {
  for (const auto& other : waiters_) {
    if (other.priority > w.priority || (other.priority == w.priority && other.seq < w.seq)) return false;
  }
  return true;
}

PrefetchScheduler::Turn PrefetchScheduler::Acquire(int priority, const std::function<bool()>& give_up,
                                                   const std::function<void(size_t)>& on_wait,
                                                   std::chrono::milliseconds poll) {
  std::unique_lock<std::mutex> lock(mu_);
  auto me = waiters_.insert(waiters_.end(), Waiter{priority, next_seq_++});
  bool told = false;
  while (busy_ || !IsNext(*me)) {
    if (!told && on_wait) {
      size_t ahead = busy_ ? 1 : 0;
      for (const auto& w : waiters_) {
        if (&w != &*me && (w.priority > me->priority || (w.priority == me->priority && w.seq < me->seq))) ++ahead;
      }
      told = true;
      lock.unlock();
      on_wait(ahead);
      lock.lock();
      continue;
    }
    cv_.wait_for(lock, poll);
    if (give_up && give_up()) {
      waiters_.erase(me);
      cv_.notify_all();
      return Turn();
    }
  }
  waiters_.erase(me);
  busy_ = true;
  return Turn(this);
}

void PrefetchScheduler::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy_ = false;
  }
  cv_.notify_all();
}

size_t PrefetchScheduler::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiters_.size();
}

}  // namespace leancache::editor
