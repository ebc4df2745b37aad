#include "daemon/evict/eviction_policy.h"

#include <algorithm>
#include <tuple>

namespace leancache::evict {

void SortForEviction(std::vector<Candidate>& candidates) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.used_by_project, a.last_access_ms, a.key) <
           std::tie(b.used_by_project, b.last_access_ms, b.key);
  });
}

std::vector<Candidate> PickVictims(const std::vector<Candidate>& ordered, uint64_t need,
                                   const std::function<bool(uint64_t key)>& pinned) {
  std::vector<Candidate> victims;
  uint64_t freed = 0;
  for (const Candidate& c : ordered) {
    if (freed >= need) break;
    if (pinned && pinned(c.key)) continue;
    victims.push_back(c);
    freed += c.size;
  }
  return victims;
}

}  // namespace leancache::evict
