#include "daemon/evict/cache_quota.h"

#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/evict/eviction_policy.h"
#include "spdlog/spdlog.h"

namespace leancache::evict {
namespace {

// Extra room an eviction pass frees beyond what the request needs, so the next few downloads
// fit without another pass: 1/64 of the cap, at most 64 MiB.
uint64_t Slack(uint64_t cap) { return std::min<uint64_t>(cap / 64, uint64_t{64} << 20); }

// A pass that could not free enough is not repeated sooner than this (each pass reads every
// record of the CACHEDIR); waiters are woken by releases anyway.
constexpr std::chrono::milliseconds kShortPassPause{20};

}  // namespace

// ---- Pin ----

Pin& Pin::operator=(Pin&& other) noexcept {
  if (this != &other) {
    Release();
    quota_ = std::exchange(other.quota_, nullptr);
    dir_ = std::move(other.dir_);
    key_ = other.key_;
  }
  return *this;
}

void Pin::Release() {
  if (quota_ != nullptr) quota_->Unpin(dir_, key_);
  quota_ = nullptr;
}

// ---- Reservation ----

Reservation::Reservation(CacheQuota* quota, store::BlobStore* store, uint64_t cap, uint64_t key,
                         EvictionCounters* counters)
    : quota_(quota), store_(store), dir_(store->dir().string()), cap_(cap), counters_(counters) {
  pin_ = quota->PinKey(*store, key);
}

Reservation::~Reservation() {
  {
    std::lock_guard lock(quota_->mu_);
    auto it = quota_->dirs_.find(dir_);
    if (it != quota_->dirs_.end() && cap_ != 0) {
      it->second.reserved -= std::min(it->second.reserved, bytes_);
      it->second.wanted -= std::min(it->second.wanted, wanted_);
    }
    bytes_ = 0;
    wanted_ = 0;
  }
  pin_.Release();  // notifies
}

bool Reservation::GrowTo(uint64_t total) {
  std::lock_guard lock(quota_->mu_);
  if (committed_ || total <= bytes_) return true;
  if (cap_ == 0) return true;  // nothing is accounted without a cap
  CacheQuota::Dir& dir = quota_->dirs_[dir_];
  // Growth never yields to other downloads' refused growth (that would let them starve each
  // other); only new reservations do.
  absl::StatusOr<bool> ok = quota_->TryReserveLocked(*store_, dir, total - bytes_, cap_, 0, counters_);
  if (!ok.ok()) {
    spdlog::warn("cache quota for {}: {}", dir_, ok.status().ToString());
    return false;
  }
  if (*ok) {
    bytes_ = total;
    dir.wanted -= std::min(dir.wanted, wanted_);
    wanted_ = 0;
  } else if (total <= cap_ && total - bytes_ > wanted_) {
    dir.wanted += total - bytes_ - wanted_;  // hold room back for this download
    wanted_ = total - bytes_;
  }
  return *ok;
}

void Reservation::Commit(uint64_t actual) {
  {
    std::lock_guard lock(quota_->mu_);
    if (committed_) return;
    committed_ = true;
    CacheQuota::Dir& dir = quota_->dirs_[dir_];
    if (cap_ != 0) {
      dir.reserved -= std::min(dir.reserved, bytes_);
      dir.wanted -= std::min(dir.wanted, wanted_);
    }
    wanted_ = 0;
    if (dir.loaded) {
      dir.archive_bytes += actual;
      dir.archive_count += 1;
    }
    bytes_ = 0;
  }
  quota_->released_.notify_all();
}

uint64_t Reservation::bytes() const {
  std::lock_guard lock(quota_->mu_);
  return bytes_;
}

// ---- CacheQuota ----

absl::Status CacheQuota::LoadLocked(store::BlobStore& store, Dir& dir) {
  if (dir.loaded) return absl::OkStatus();
  auto records = index_->ListBlobs(store.dir().string());
  if (!records.ok()) return records.status();
  dir.archive_bytes = 0;
  dir.archive_count = records->size();
  for (const auto& [key, record] : *records) dir.archive_bytes += record.size;
  dir.loaded = true;
  return absl::OkStatus();
}

absl::StatusOr<EvictReport> CacheQuota::EvictLocked(store::BlobStore& store, Dir& dir, uint64_t target,
                                                    const UsedFn& used) {
  EvictReport report;
  const std::string dir_key = store.dir().string();
  auto records = index_->ListBlobs(dir_key);
  if (!records.ok()) return records.status();
  dir.loaded = true;
  dir.archive_bytes = 0;
  dir.archive_count = records->size();
  for (const auto& [key, record] : *records) dir.archive_bytes += record.size;
  if (dir.archive_bytes + dir.reserved <= target) return report;
  const uint64_t need = dir.archive_bytes + dir.reserved - target;

  std::map<std::string, bool> root_present;  // per pass: one stat per project root
  auto users_present = [&root_present](const index::BlobRecord& record) {
    for (const std::string& root : record.users) {
      auto it = root_present.find(root);
      if (it == root_present.end()) {
        std::error_code ec;
        it = root_present.emplace(root, std::filesystem::is_directory(root, ec)).first;
      }
      if (it->second) return true;
    }
    return false;
  };
  const UsedFn& classify = used ? used : used_;
  std::vector<Candidate> candidates;
  candidates.reserve(records->size());
  for (const auto& [key, record] : *records) {
    if (dir.pins.count(key)) {
      ++report.pinned_skipped;
      continue;
    }
    bool in_use = classify ? classify(key, record) : users_present(record);
    candidates.push_back({key, record.size, record.last_access_ms, in_use});
  }
  SortForEviction(candidates);
  std::vector<Candidate> victims = PickVictims(candidates, need, nullptr);
  std::vector<uint64_t> keys;
  keys.reserve(victims.size());
  uint64_t bytes = 0;
  for (const Candidate& v : victims) {
    keys.push_back(v.key);
    bytes += v.size;
    report.used_by_projects += v.used_by_project ? 1 : 0;
  }
  if (!keys.empty()) {
    absl::StatusOr<uint64_t> removed = store.RemoveMany(keys);
    if (!removed.ok()) {
      // Part of the files may be gone; the next pass re-reads the index.
      dir.loaded = false;
      return removed.status();
    }
    dir.archive_bytes -= std::min(dir.archive_bytes, bytes);
    dir.archive_count -= std::min<uint64_t>(dir.archive_count, keys.size());
    report.archives = keys.size();
    report.bytes = bytes;
    spdlog::info("evicted {} archive(s), {} bytes, from {} to stay under its size cap ({} used by projects, {} pinned)",
                 report.archives, report.bytes, dir_key, report.used_by_projects, report.pinned_skipped);
  }
  report.reached_target = dir.archive_bytes + dir.reserved <= target;
  return report;
}

absl::StatusOr<bool> CacheQuota::TryReserveLocked(store::BlobStore& store, Dir& dir, uint64_t extra,
                                                  uint64_t cap, uint64_t held_back, EvictionCounters* counters) {
  if (cap == 0) return true;
  if (absl::Status s = LoadLocked(store, dir); !s.ok()) return s;
  if (extra > cap) return false;
  held_back = std::min(held_back, cap - extra);
  if (dir.archive_bytes + dir.reserved + held_back + extra <= cap) {
    dir.reserved += extra;
    return true;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - dir.last_short_pass < kShortPassPause) return false;
  const uint64_t room = cap - extra - held_back;
  const uint64_t target = room > Slack(cap) ? room - Slack(cap) : 0;
  absl::StatusOr<EvictReport> report = EvictLocked(store, dir, target, nullptr);
  if (!report.ok()) return report.status();
  if (counters != nullptr) {
    counters->archives += report->archives;
    counters->bytes += report->bytes;
    counters->used_by_projects += report->used_by_projects;
  }
  if (dir.archive_bytes + dir.reserved + held_back + extra <= cap) {
    dir.reserved += extra;
    return true;
  }
  dir.last_short_pass = now;
  return false;
}

absl::StatusOr<std::unique_ptr<Reservation>> CacheQuota::Reserve(store::BlobStore& store, uint64_t key,
                                                                 uint64_t bytes, uint64_t cap,
                                                                 std::chrono::milliseconds max_wait,
                                                                 const std::function<bool()>& cancelled,
                                                                 EvictionCounters* counters) {
  if (cap != 0 && bytes > cap) {
    return absl::ResourceExhaustedError(absl::StrCat("an archive of ", bytes, " bytes does not fit under the cache size cap of ",
                                                     cap, " bytes for ", store.dir().string()));
  }
  std::unique_ptr<Reservation> reservation(new Reservation(this, &store, cap, key, counters));
  if (cap == 0) return reservation;
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  std::unique_lock lock(mu_);
  Dir& dir = dirs_[store.dir().string()];
  while (true) {
    absl::StatusOr<bool> ok = TryReserveLocked(store, dir, bytes, cap, dir.wanted, counters);
    if (!ok.ok()) return ok.status();
    if (*ok) {
      reservation->bytes_ = bytes;
      return reservation;
    }
    if (cancelled && cancelled()) return absl::CancelledError("cancelled while waiting for room in the cache");
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "no room for ", bytes, " more bytes under the cache size cap of ", cap, " bytes in ", store.dir().string(),
          ": ", dir.archive_bytes, " bytes of archives and ", dir.reserved,
          " bytes of downloads in flight, and the archives running requests use cannot be evicted"));
    }
    released_.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(100)));
  }
}

Pin CacheQuota::PinKey(const store::BlobStore& store, uint64_t key) {
  std::string dir = store.dir().string();
  std::lock_guard lock(mu_);
  dirs_[dir].pins[key] += 1;
  return Pin(this, std::move(dir), key);
}

bool CacheQuota::IsPinned(const store::BlobStore& store, uint64_t key) {
  std::lock_guard lock(mu_);
  auto it = dirs_.find(store.dir().string());
  return it != dirs_.end() && it->second.pins.count(key) > 0;
}

void CacheQuota::Unpin(const std::string& dir, uint64_t key) {
  {
    std::lock_guard lock(mu_);
    auto it = dirs_.find(dir);
    if (it == dirs_.end()) return;
    auto pin = it->second.pins.find(key);
    if (pin != it->second.pins.end() && --pin->second <= 0) it->second.pins.erase(pin);
    it->second.last_short_pass = {};  // something may have become evictable
  }
  released_.notify_all();
}

absl::StatusOr<EvictReport> CacheQuota::EvictTo(store::BlobStore& store, uint64_t target, const UsedFn& used) {
  std::lock_guard lock(mu_);
  Dir& dir = dirs_[store.dir().string()];
  return EvictLocked(store, dir, target, used);
}

absl::StatusOr<Usage> CacheQuota::UsageOf(store::BlobStore& store) {
  std::lock_guard lock(mu_);
  Dir& dir = dirs_[store.dir().string()];
  if (absl::Status s = LoadLocked(store, dir); !s.ok()) return s;
  return Usage{dir.archive_bytes, dir.archive_count, dir.reserved, dir.pins.size()};
}

uint64_t CacheQuota::ExpectedSize(store::BlobStore& store, uint64_t cap) {
  uint64_t mean = 64 << 10;
  {
    std::lock_guard lock(mu_);
    Dir& dir = dirs_[store.dir().string()];
    if (LoadLocked(store, dir).ok() && dir.archive_count > 0) mean = dir.archive_bytes / dir.archive_count;
  }
  mean = std::max<uint64_t>(mean, 4 << 10);
  if (cap != 0) mean = std::min<uint64_t>(mean, std::max<uint64_t>(cap / 8, 1));
  return mean;
}

}  // namespace leancache::evict
