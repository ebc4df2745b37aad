#pragma once
// How a get job unpacks one archive: through the machine's output store (daemon/outstore) when
// the request's settings enable it for the target directory — unpack once into the store, then
// clone into the project — else straight from the archive, as the unpacker always did. Any
// failure of the store path falls back to the direct unpack, whose result (and error) the job
// sees, so the store can only save work, never fail a get.
//
// [bounded cache] The store counts against the cache size cap together with the archives: when a
// new entry makes archives + store exceed the cap, least recently used entries are pruned.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/ltar/unpacker.h"
#include "daemon/outstore/output_store.h"
#include "daemon/outstore/store_settings.h"

namespace leancache::index {
class Index;
}
namespace leancache::store {
class BlobStore;
}
namespace leancache::evict {
class CacheQuota;
}
namespace leancache::sources {
struct Config;
}

namespace leancache::get {

class OutputPlacer {
 public:
  // The placer for one job. A bad setting or an unusable store root is logged and turns the
  // store off for the job. `blobs`, `index` and `quota` (may be null) must outlive it.
  static std::unique_ptr<OutputPlacer> ForJob(const sources::Config& config,
                                              const std::map<std::string, std::string>& env,
                                              index::Index* index, store::BlobStore& blobs,
                                              evict::CacheQuota* quota, uint64_t cap);
  ~OutputPlacer();

  // Unpacks the archive at `archive` (key `key` of the job's CACHEDIR) into `base`. Thread-safe.
  absl::StatusOr<ltar::UnpackResult> Unpack(const std::filesystem::path& archive, uint64_t key,
                                            const std::filesystem::path& base,
                                            const ltar::UnpackOptions& options);

 private:
  OutputPlacer(outstore::StoreSettings settings, outstore::OutputStore* store, index::Index* index,
               store::BlobStore& blobs, evict::CacheQuota* quota, uint64_t cap)
      : settings_(std::move(settings)), store_(store), index_(index), blobs_(blobs), quota_(quota), cap_(cap) {}
  absl::StatusOr<ltar::UnpackResult> ThroughStore(const std::filesystem::path& archive, uint64_t key,
                                                  const std::filesystem::path& base);
  void KeepUnderCap();

  outstore::StoreSettings settings_;
  outstore::OutputStore* store_;  // null: the store is off for this job
  index::Index* index_;
  store::BlobStore& blobs_;
  evict::CacheQuota* quota_;
  uint64_t cap_;
  std::atomic<uint64_t> placed_{0}, built_{0}, reflinked_{0}, copied_{0}, fallbacks_{0};
};

}  // namespace leancache::get
