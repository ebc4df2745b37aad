#pragma once
// A small publish/subscribe hub that carries the progress of `get` jobs to editor watchers.
// Publishers (get jobs) name the project root they work on; each subscriber (a Watch stream)
// receives the progress of its own project only. Publishing never blocks on a slow subscriber:
// each subscription keeps a bounded queue and, when it is full, the oldest progress update is
// dropped (progress is a snapshot, only the newest matters).
//
// Close() is called once when the daemon shuts down: every waiting subscriber wakes up at once
// and sees closed(), so long-lived streams end without holding up the server's shutdown.
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "leancache/v1/cache.pb.h"

namespace leancache::core {

class ProgressHub {
 public:
  // How many undelivered updates a subscription keeps before dropping the oldest.
  static constexpr size_t kQueueLimit = 64;

  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // Waits up to `timeout` for the next update. nullopt: timeout, or the hub was closed.
    std::optional<v1::Progress> Next(std::chrono::milliseconds timeout);
    // Every update queued now, without waiting.
    std::vector<v1::Progress> Drain();
    // True once the hub was closed (the daemon is shutting down).
    bool closed() const;
    // How many updates were dropped because the queue was full.
    size_t dropped() const;

   private:
    friend class ProgressHub;
    Subscription(ProgressHub* hub, std::string project) : hub_(hub), project_(std::move(project)) {}
    ProgressHub* hub_;
    const std::string project_;
    std::deque<v1::Progress> queue_;  // guarded by hub_->mu_
    size_t dropped_ = 0;              // guarded by hub_->mu_
  };

  ProgressHub() = default;
  ProgressHub(const ProgressHub&) = delete;
  ProgressHub& operator=(const ProgressHub&) = delete;

  // Starts receiving the updates published for `project_root` (compared as given; callers pass
  // the absolute project root the request named). The subscription must not outlive the hub.
  std::unique_ptr<Subscription> Subscribe(const std::string& project_root);
  // Delivers `progress` to every subscription of `project_root`. Cheap when nobody listens.
  void Publish(const std::string& project_root, const v1::Progress& progress);
  // Wakes every subscriber and makes all later waits return at once. Idempotent.
  void Close();
  bool closed() const;
  // Number of live subscriptions (for tests and status).
  size_t subscribers() const;

 private:
  void Unsubscribe(Subscription* sub);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Subscription*> subs_;
  bool closed_ = false;
};

}  // namespace leancache::core
