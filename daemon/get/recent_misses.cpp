#include "daemon/get/recent_misses.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/clock/unix_ms.h"
#include "daemon/index/negative_cache.h"
#include "daemon/sources/negative_cache_ttl.h"
#include "spdlog/spdlog.h"

namespace leancache::get {

RecentMisses::RecentMisses(index::Index* index, const sources::Config& config,
                           const std::map<std::string, std::string>& env,
                           const std::map<std::string, std::string>& options, bool force_download)
    : index_(index), bypass_(force_download || options.count("refresh") > 0) {
  auto ttl = sources::NegativeCacheTtlMs(config, env);
  if (ttl.ok()) {
    ttl_ms_ = *ttl;
  } else {
    spdlog::warn("negative cache off for this request: {}", ttl.status().ToString());
  }
}

int64_t RecentMisses::NowMs() { return clock::UnixMs(); }

RecentMisses::Known RecentMisses::Lookup(const sources::Round& round, const std::vector<std::string>& hash16s) const {
  Known known;
  known.missing.assign(hash16s.size(), false);
  if (index_ == nullptr || bypass_ || ttl_ms_ <= 0 || hash16s.empty()) return known;
  index::NegativeCache cache(*index_);
  auto found = cache.Lookup(round.UrlTemplate(), hash16s, NowMs(), ttl_ms_);
  if (!found.ok()) {
    spdlog::warn("negative cache lookup failed: {}", found.status().ToString());
    return known;
  }
  for (size_t i = 0; i < found->size(); ++i) {
    if (!(*found)[i]) continue;
    known.missing[i] = true;
    ++known.count;
    if (!known.oldest_ms || *(*found)[i] < *known.oldest_ms) known.oldest_ms = *(*found)[i];
  }
  return known;
}

std::string RecentMisses::Message(const sources::Round& round, const Known& known, int64_t now_ms) {
  const int64_t minutes = known.oldest_ms ? (now_ms - *known.oldest_ms) / 60000 : 0;
  return absl::StrCat(known.count, " file(s) not on the server at ", round.base_url, " (checked ", minutes,
                      " min ago); `get!` or `get --refresh` asks again");
}

void RecentMisses::Missed(const std::string& hash16) {
  std::lock_guard<std::mutex> lock(mu_);
  fresh_.push_back(hash16);
}

void RecentMisses::EndRound(const sources::Round& round) {
  std::vector<std::string> fresh;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fresh.swap(fresh_);
  }
  if (index_ == nullptr || ttl_ms_ <= 0 || fresh.empty()) return;
  index::NegativeCache cache(*index_);
  if (auto st = cache.RecordMisses(round.UrlTemplate(), fresh, NowMs()); !st.ok()) {
    spdlog::warn("cannot record {} miss(es) in the negative cache: {}", fresh.size(), st.ToString());
  }
}

}  // namespace leancache::get
