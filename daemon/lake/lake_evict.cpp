#include "daemon/lake/lake_evict.h"

#include <algorithm>

#include "common/fs/fd.h"
#include "common/lake/cache_layout.h"
#include "common/lake/mapping_file.h"
#include "daemon/evict/eviction_policy.h"
#include "daemon/index/index.h"
#include "daemon/sources/config.h"

namespace leancache::lake {

std::set<uint64_t> LinkedHashes(const std::filesystem::path& cache_dir) {
  std::set<uint64_t> out;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(cache_dir / "outputs", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
    absl::StatusOr<std::string> text = fs::ReadFile(it->path().string(), 16 << 20);
    if (!text.ok()) continue;
    absl::StatusOr<CacheOutput> output = ParseCacheOutput(*text);
    if (!output.ok()) continue;
    std::vector<ArtifactName> names;
    if (!CollectArtifacts(output->data, &names).ok()) continue;
    for (const auto& n : names) out.insert(n.hash);
  }
  return out;
}

absl::StatusOr<LakeEvictReport> EvictLakeTo(const core::LocalCache& local, lakestore::LakeBlobStore& store,
                                            uint64_t cap) {
  LakeEvictReport report;
  if (cap == 0) return report;
  absl::StatusOr<index::IndexStats> stats = local.index->Stats();
  if (!stats.ok()) return stats.status();
  report.total_before = report.total_after = stats->blob_bytes;
  if (cap == 0 || stats->blob_bytes <= cap) return report;
  absl::StatusOr<std::vector<std::pair<uint64_t, index::BlobRecord>>> blobs = store.List();
  if (!blobs.ok()) return blobs.status();
  const std::set<uint64_t> linked = LinkedHashes(store.dir().parent_path());
  std::vector<evict::Candidate> candidates;
  for (const auto& [hash, rec] : *blobs) {
    bool user_alive = false;
    std::error_code ec;
    for (const auto& u : rec.users) user_alive = user_alive || std::filesystem::is_directory(u, ec);
    candidates.push_back({hash, rec.size, rec.last_access_ms, user_alive && linked.count(hash) > 0});
  }
  evict::SortForEviction(candidates);
  std::vector<evict::Candidate> victims =
      evict::PickVictims(candidates, stats->blob_bytes - cap, [](uint64_t) { return false; });
  std::vector<uint64_t> hashes;
  for (const auto& c : victims) {
    hashes.push_back(c.key);
    report.linked += c.used_by_project;
  }
  absl::StatusOr<uint64_t> freed = store.Remove(hashes);
  if (!freed.ok()) return freed.status();
  report.blobs = victims.size();
  report.bytes = *freed;
  report.total_after = stats->blob_bytes - std::min(*freed, stats->blob_bytes);
  return report;
}

absl::Status EnforceLakeCap(const core::LocalCache& local, const sources::Config& config,
                            lakestore::LakeBlobStore& store, const std::map<std::string, std::string>& env) {
  absl::StatusOr<uint64_t> cap = sources::EffectiveCacheCap(config, env);
  if (!cap.ok()) return cap.status();
  return EvictLakeTo(local, store, *cap).status();
}

}  // namespace leancache::lake
