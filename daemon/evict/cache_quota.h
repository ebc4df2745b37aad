#pragma once
// CacheQuota: the daemon-wide accountant of the bounded cache (issue 7.4). For every CACHEDIR
// it knows the bytes of the indexed archives plus the bytes reserved by downloads in flight,
// and keeps their sum under the size cap:
//   - a download reserves room before it writes (Reserve: an estimate before the request is
//     sent, Reservation::GrowTo when the Content-Length or the body outgrows it), evicting
//     archives by the policy in eviction_policy.h when the cap would be crossed;
//   - a reservation pins its key, and Pin() pins an archive while a request unpacks it: pinned
//     archives are never evicted;
//   - Reservation::Commit turns the reservation into the adopted archive's real size.
// The accounting starts from the index's blob records (sum of sizes) the first time a CACHEDIR
// is used and is re-read from the index on each eviction pass, so archives added or removed
// behind the quota's back (another process, `clean`) are picked up. With cap 0 nothing is
// accounted or evicted; reservations and pins still work (pins are cheap).
//
// Thread-safe. One instance per daemon (core::LocalCache::quota); it must outlive every
// Reservation and Pin it hands out. Eviction happens under the quota's lock (unlinks + one index
// write).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "daemon/index/index.h"
#include "daemon/store/blob_store.h"

namespace leancache::evict {

// Evictions made on someone's behalf (a get job's statistics). All fields are atomics.
struct EvictionCounters {
  std::atomic<uint64_t> archives{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> used_by_projects{0};  // of `archives`: ones a project still used
};

// Whether an archive counts as used by a registered project (eviction rule 3). Null means the
// hot-path answer: some project root in the record's user list is still a directory.
using UsedFn = std::function<bool(uint64_t key, const index::BlobRecord& record)>;

class CacheQuota;

// Holds `key` pinned while alive. Movable; an empty Pin pins nothing.
class Pin {
 public:
  Pin() = default;
  Pin(Pin&& other) noexcept { *this = std::move(other); }
  Pin& operator=(Pin&& other) noexcept;
  ~Pin() { Release(); }
  void Release();

 private:
  friend class CacheQuota;
  Pin(CacheQuota* quota, std::string dir, uint64_t key) : quota_(quota), dir_(std::move(dir)), key_(key) {}
  CacheQuota* quota_ = nullptr;
  std::string dir_;
  uint64_t key_ = 0;
};

// Room for one download in one CACHEDIR; pins its key. Destroying it returns the unused room.
class Reservation {
 public:
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  ~Reservation();

  // Grows the reservation to at least `total` bytes without waiting: evicts if needed. False
  // when the room cannot be found now (too much is pinned or reserved), or `total` exceeds the
  // cap. A refused growth is remembered: new reservations leave room for it until this one
  // grows, commits or goes. Always true without a cap. Safe to call from the network thread.
  [[nodiscard]] bool GrowTo(uint64_t total);

  // The download was adopted as an archive of `actual` bytes: it now counts as an indexed
  // archive and the reservation shrinks to 0. The key stays pinned until destruction.
  void Commit(uint64_t actual);

  uint64_t bytes() const;

 private:
  friend class CacheQuota;
  Reservation(CacheQuota* quota, store::BlobStore* store, uint64_t cap, uint64_t key,
              EvictionCounters* counters);
  CacheQuota* quota_;
  store::BlobStore* store_;
  std::string dir_;
  uint64_t cap_;
  uint64_t bytes_ = 0;       // guarded by the quota's lock
  uint64_t wanted_ = 0;      // growth refused so far and still wanted (quota's lock)
  bool committed_ = false;   // guarded by the quota's lock
  EvictionCounters* counters_;
  Pin pin_;
};

// What one eviction pass (or gc) did.
struct EvictReport {
  size_t archives = 0;
  uint64_t bytes = 0;
  size_t used_by_projects = 0;  // evicted although a project used them
  size_t pinned_skipped = 0;    // candidates left alone because a request pinned them
  bool reached_target = true;
};

// The accounted state of one CACHEDIR.
struct Usage {
  uint64_t archive_bytes = 0;  // indexed archives (as of the last resync + commits/evictions)
  uint64_t archives = 0;
  uint64_t reserved_bytes = 0; // downloads in flight
  size_t pinned = 0;           // distinct pinned keys
};

class CacheQuota {
 public:
  // `index` must outlive the quota.
  explicit CacheQuota(index::Index* index, UsedFn used = nullptr)
      : index_(index), used_(std::move(used)) {}
  CacheQuota(const CacheQuota&) = delete;
  CacheQuota& operator=(const CacheQuota&) = delete;

  // Reserves `bytes` for downloading `key` into `store` (which must outlive the reservation)
  // under `cap` (0 = no cap). Evicts as needed; when everything evictable is gone and the room
  // is still missing (pinned and reserved bytes fill the cap), waits for pins and reservations
  // to be released, up to `max_wait`, polling `cancelled` (may be null). `counters` (may be
  // null) receives the evictions this reservation causes, now and in GrowTo. Errors:
  // ResourceExhausted when `bytes` exceeds the cap or the wait timed out; Cancelled; index
  // errors.
  absl::StatusOr<std::unique_ptr<Reservation>> Reserve(store::BlobStore& store, uint64_t key,
                                                       uint64_t bytes, uint64_t cap,
                                                       std::chrono::milliseconds max_wait,
                                                       const std::function<bool()>& cancelled,
                                                       EvictionCounters* counters = nullptr);

  // Pins `key` of the CACHEDIR `store` serves until the returned Pin is released.
  Pin PinKey(const store::BlobStore& store, uint64_t key);
  bool IsPinned(const store::BlobStore& store, uint64_t key);

  // Evicts unpinned archives by the policy until the indexed archives plus reservations take
  // at most `target` bytes (re-reading the index first). `used` overrides the quota's own
  // "used by a project" answer (gc passes clean's). Errors: index or unlink failures.
  absl::StatusOr<EvictReport> EvictTo(store::BlobStore& store, uint64_t target, const UsedFn& used = nullptr);

  // The accounted usage of `store`'s CACHEDIR (read from the index on first use).
  absl::StatusOr<Usage> UsageOf(store::BlobStore& store);

  // The size to reserve for a download of unknown size into `store` under `cap`: the mean
  // archive size of the CACHEDIR (64 KiB when empty) but at least 4 KiB, and at most cap/8.
  uint64_t ExpectedSize(store::BlobStore& store, uint64_t cap);

 private:
  friend class Pin;
  friend class Reservation;
  struct Dir {
    bool loaded = false;
    uint64_t archive_bytes = 0;
    uint64_t archive_count = 0;
    uint64_t reserved = 0;
    // Growth that in-flight downloads asked for and were refused: new reservations leave this
    // much room, so a download that outgrew its estimate gets the space before new ones start
    // (growth itself does not yield to other growth).
    uint64_t wanted = 0;
    std::map<uint64_t, int> pins;
    std::chrono::steady_clock::time_point last_short_pass{};  // last pass that fell short
  };

  // All below: mu_ held.
  absl::Status LoadLocked(store::BlobStore& store, Dir& dir);
  // One eviction pass: re-reads the index, then evicts until archives + reserved <= target.
  absl::StatusOr<EvictReport> EvictLocked(store::BlobStore& store, Dir& dir, uint64_t target,
                                          const UsedFn& used);
  // Tries to add `extra` reserved bytes under `cap` while leaving `held_back` bytes free,
  // evicting if needed; no waiting.
  absl::StatusOr<bool> TryReserveLocked(store::BlobStore& store, Dir& dir, uint64_t extra, uint64_t cap,
                                        uint64_t held_back, EvictionCounters* counters);
  void Unpin(const std::string& dir, uint64_t key);

  index::Index* index_;
  UsedFn used_;
  std::mutex mu_;
  std::condition_variable released_;  // a pin or reservation went away
  std::map<std::string, Dir> dirs_;
};

}  // namespace leancache::evict
