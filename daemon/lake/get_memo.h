// "This `lake get` had nothing to do": a Lake get that found its mapping's outputs files already
// written and every artifact present is remembered, per Lake cache dir, package, revision,
// service and scope, with an inotify watch over the directories it checked (outputs/<pkg>,
// revisions/<pkg>, artifacts/). While nothing there changed, the same get again answers from the
// memo: no mapping parse, no outputs rendering, no artifact lookups (watch::WatchMemo).
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "daemon/watch/watch_memo.h"

namespace leancache::lake {

// What the memo keeps of a current get: the numbers it printed and the artifacts whose last use
// it recorded (touched again when that was long ago, so the LRU order stays right).
struct CurrentGet {
  size_t artifacts = 0;          // artifact names in the mapping (the "N artifacts" line)
  std::vector<uint64_t> hashes;  // distinct artifact hashes
  int64_t touched_ms = 0;        // when their last use was last recorded
  std::vector<std::string> warnings;  // the mapping's warnings, printed again on a hit
};

// One per daemon (LocalCache::lake_gets).
class LakeGetMemo : public watch::WatchMemo<CurrentGet> {
 public:
  using WatchMemo::WatchMemo;
};

// The memo key of a get: everything that selects what it checks.
std::string LakeGetKey(const std::filesystem::path& cache_dir, const std::string& package, const std::string& rev,
                       const std::string& service, const std::string& scope, const std::string& user);

// The directories a get of `package` checks in the Lake cache at `cache_dir`.
std::set<std::filesystem::path> LakeGetDirs(const std::filesystem::path& cache_dir, const std::string& package);

// Recorded last uses older than this are refreshed by a memo hit.
inline constexpr int64_t kTouchRefreshMs = 10 * 60 * 1000;

}  // namespace leancache::lake
