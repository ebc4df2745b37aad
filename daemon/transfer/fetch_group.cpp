#include "daemon/transfer/fetch_group.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace leancache::transfer {

std::shared_future<Result> FetchGroup::Fetch(const std::string& key, GetRequest request,
                                             Finisher finish, CompletionFn done, bool* started,
                                             const std::function<bool()>& satisfied) {
  std::shared_ptr<Flight> flight;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = flights_.find(key);
    if (it != flights_.end()) {
      if (done) it->second->waiters.push_back(std::move(done));
      if (started != nullptr) *started = false;
      return it->second->future;
    }
    // A flight is removed only after its finisher ran, so a fetch that landed since the
    // caller's own check is visible to `satisfied` here: no second transfer of the same key.
    if (satisfied && satisfied()) {
      if (started != nullptr) *started = false;
      Result delivered;
      delivered.verdict = Verdict::kDelivered;
      if (done) done(delivered);
      std::promise<Result> ready;
      ready.set_value(delivered);
      return ready.get_future().share();
    }
    flight = std::make_shared<Flight>();
    flight->future = flight->promise.get_future().share();
    if (done) flight->waiters.push_back(std::move(done));
    flights_.emplace(key, flight);
  }
  if (started != nullptr) *started = true;
  std::shared_future<Result> future = flight->future;
  // The completion may run before SubmitGet returns (shut-down transport), so the id is stored
  // under the lock only if the flight is still registered.
  TransferId id = transport_.SubmitGet(
      std::move(request), [this, key, finish = std::move(finish)](const Result& r) {
        Land(key, finish, r);
      });
  std::lock_guard<std::mutex> lock(mu_);
  auto it = flights_.find(key);
  if (it != flights_.end() && it->second == flight) flight->id = id;
  return future;
}

void FetchGroup::Land(const std::string& key, const Finisher& finish, const Result& raw) {
  Result result = raw;
  if (finish) {
    try {
      result = finish(raw);
    } catch (const std::exception& e) {
      spdlog::error("fetch finisher for {} threw: {}", key, e.what());
      result.verdict = Verdict::kFailed;
      result.error = "fetch finisher threw: " + std::string(e.what());
    }
  }
  std::shared_ptr<Flight> flight;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = flights_.find(key);
    if (it == flights_.end()) return;
    flight = std::move(it->second);
    flights_.erase(it);
  }
  // From here on new callers start a fresh fetch; these waiters get this one's result. The
  // callbacks run before the future becomes ready, so a ready future implies they are done.
  for (const CompletionFn& fn : flight->waiters) {
    try {
      fn(result);
    } catch (...) {
      spdlog::error("fetch waiter callback for {} threw", key);
    }
  }
  flight->promise.set_value(result);
}

void FetchGroup::Cancel(const std::string& key) {
  TransferId id = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = flights_.find(key);
    if (it == flights_.end()) return;
    id = it->second->id;
  }
  if (id != 0) transport_.Cancel(id);
}

size_t FetchGroup::InFlight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return flights_.size();
}

}  // namespace leancache::transfer
