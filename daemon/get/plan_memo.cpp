#include "daemon/get/plan_memo.h"

#include <set>

namespace leancache::get {

bool PlanMemo::Current(const std::string& memo_key,
                       const std::shared_ptr<const keys::KeyResult>& keys) {
  std::shared_ptr<watch::WatchSet> watch;
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(memo_key);
    if (it == entries_.end()) return false;
    if (it->second.keys != keys) {  // a different key graph: sources changed
      entries_.erase(it);
      return false;
    }
    watch = it->second.watch;
    generation = it->second.generation;
  }
  auto now = watch->TrustedGeneration();
  if (now && *now == generation) return true;
  Forget(memo_key);
  return false;
}

std::optional<PlanMemo::Ticket> PlanMemo::Begin(std::string memo_key,
                                                std::shared_ptr<const keys::KeyResult> keys,
                                                const std::vector<std::string>& files,
                                                const std::vector<std::filesystem::path>& dirs) {
  auto covered = watch::DirWatchHub::DirsCovering(files);
  covered.insert(dirs.begin(), dirs.end());
  Ticket ticket;
  ticket.memo_key = std::move(memo_key);
  ticket.keys = std::move(keys);
  ticket.watch = watches_->Watch(covered);
  auto generation = ticket.watch->TrustedGeneration();
  if (!generation) return std::nullopt;
  ticket.generation = *generation;
  return ticket;
}

void PlanMemo::Record(Ticket ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_ && !entries_.count(ticket.memo_key)) entries_.clear();
  std::string key = ticket.memo_key;
  entries_[key] = std::move(ticket);
}

void PlanMemo::Forget(const std::string& memo_key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(memo_key);
}

}  // namespace leancache::get
