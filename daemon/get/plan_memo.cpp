#include "daemon/get/plan_memo.h"

namespace leancache::get {

bool PlanMemo::Current(const std::string& memo_key,
                       const std::shared_ptr<const keys::KeyResult>& keys) {
  std::optional<std::shared_ptr<const keys::KeyResult>> recorded = memo_.Current(memo_key);
  if (!recorded) return false;
  if (*recorded != keys) {  // a different key graph: sources changed
    memo_.Forget(memo_key);
    return false;
  }
  return true;
}

std::optional<PlanMemo::Ticket> PlanMemo::Begin(std::string memo_key,
                                                std::shared_ptr<const keys::KeyResult> keys,
                                                const std::vector<std::string>& files,
                                                const std::vector<std::filesystem::path>& dirs) {
  auto covered = watch::DirWatchHub::DirsCovering(files);
  covered.insert(dirs.begin(), dirs.end());
  auto watch = memo_.Begin(std::move(memo_key), covered);
  if (!watch) return std::nullopt;
  return Ticket{std::move(*watch), std::move(keys)};
}

void PlanMemo::Record(Ticket ticket) { memo_.Record(std::move(ticket.watch), std::move(ticket.keys)); }

void PlanMemo::Forget(const std::string& memo_key) { memo_.Forget(memo_key); }

}  // namespace leancache::get
