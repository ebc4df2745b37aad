#pragma once
// The negative cache as a get job uses it (index/negative_cache.h): per download round, which
// of the archives still missing that round's source answered "not found" less than the time to
// live ago (those are not requested again), and recording this round's fresh "not found"
// answers. `get!` and `get --refresh` neither consult it (they ask the server again) but do
// record what they learn.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "daemon/sources/source_chain.h"

namespace leancache::index {
class Index;
}
namespace leancache::sources {
struct Config;
}

namespace leancache::get {

class RecentMisses {
 public:
  // `index` null: nothing is consulted or recorded. A bad TTL setting is logged and turns
  // the cache off for this job (the request still works).
  RecentMisses(index::Index* index, const sources::Config& config,
               const std::map<std::string, std::string>& env,
               const std::map<std::string, std::string>& options, bool force_download);

  struct Known {
    std::vector<bool> missing;       // per hash16: the source recently said "not found"
    size_t count = 0;                // how many are true
    std::optional<int64_t> oldest_ms;  // the oldest of those checks (unix ms)
  };
  // Looks `hash16s` up for `round`. Never fails (an index error means "unknown").
  Known Lookup(const sources::Round& round, const std::vector<std::string>& hash16s) const;

  // "N file(s) not on the server at URL (checked M min ago); ..." for a Lookup result.
  static std::string Message(const sources::Round& round, const Known& known, int64_t now_ms);

  // Notes a fresh "not found" for `hash16` (thread-safe), recorded by EndRound.
  void Missed(const std::string& hash16);
  // Records this round's notes for `round`'s source.
  void EndRound(const sources::Round& round);

  static int64_t NowMs();

 private:
  index::Index* index_;
  int64_t ttl_ms_ = 0;
  bool bypass_ = false;
  std::mutex mu_;
  std::vector<std::string> fresh_;
};

}  // namespace leancache::get
