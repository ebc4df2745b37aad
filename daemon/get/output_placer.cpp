#include "daemon/get/output_placer.h"

#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "daemon/evict/cache_quota.h"
#include "daemon/index/index.h"
#include "daemon/outstore/placement.h"
#include "daemon/outstore/store_prune.h"
#include "daemon/sources/config.h"
#include "daemon/store/blob_store.h"
#include "spdlog/spdlog.h"

namespace leancache::get {

std::unique_ptr<OutputPlacer> OutputPlacer::ForJob(const sources::Config& config,
                                                   const std::map<std::string, std::string>& env,
                                                   index::Index* index, store::BlobStore& blobs,
                                                   evict::CacheQuota* quota, uint64_t cap) {
  auto settings = outstore::ResolveStoreSettings(config.extra, env);
  outstore::OutputStore* store = nullptr;
  if (!settings.ok()) {
    spdlog::warn("output store off for this request: {}", settings.status().ToString());
    settings = outstore::StoreSettings{outstore::StoreMode::kOff, {}};
  } else if (settings->mode != outstore::StoreMode::kOff && index != nullptr) {
    auto opened = outstore::OutputStore::At(settings->root);
    if (opened.ok()) {
      store = *opened;
    } else {
      spdlog::warn("output store at {} not usable: {}", settings->root.string(), opened.status().ToString());
    }
  }
  return std::unique_ptr<OutputPlacer>(new OutputPlacer(*std::move(settings), store, index, blobs, quota, cap));
}

OutputPlacer::~OutputPlacer() {
  if (placed_ == 0 && fallbacks_ == 0) return;
  spdlog::info("output store {}: placed {} archive(s) ({} new in the store), files by reflink {}, by copy {}; "
               "{} unpacked directly after a store failure",
               settings_.root.string(), placed_.load(), built_.load(), reflinked_.load(), copied_.load(),
               fallbacks_.load());
}

absl::StatusOr<ltar::UnpackResult> OutputPlacer::Unpack(const std::filesystem::path& archive, uint64_t key,
                                                        const std::filesystem::path& base,
                                                        const ltar::UnpackOptions& options) {
  bool use_store = store_ != nullptr;
  if (use_store && settings_.mode == outstore::StoreMode::kAuto) {
    std::error_code ec;
    std::filesystem::path probe_dir = std::filesystem::exists(base, ec) ? base : base.parent_path();
    use_store = outstore::ReflinkWorks(store_->root(), probe_dir);
  }
  if (use_store) {
    auto placed = ThroughStore(archive, key, base);
    if (placed.ok()) return placed;
    ++fallbacks_;
    spdlog::debug("output store: {}; unpacking {} directly", placed.status().ToString(), archive.string());
  }
  return ltar::UnpackArchiveFile(archive.string(), {base.string()}, options);
}

absl::StatusOr<ltar::UnpackResult> OutputPlacer::ThroughStore(const std::filesystem::path& archive, uint64_t key,
                                                              const std::filesystem::path& base) {
  auto record = index_->GetBlob(blobs_.dir().string(), key);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return absl::NotFoundError(absl::StrCat("no index record for ", archive.string()));
  const auto& sha = (*record)->sha256;
  const std::string sha_hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(sha.data()), sha.size()));
  auto found = store_->Find(sha_hex);
  const bool built = !found.ok();
  auto entry = built ? store_->Ensure(archive, sha_hex) : std::move(found);
  if (!entry.ok()) return entry.status();
  auto placed = outstore::Place(*entry, base, outstore::PlaceOptions{});
  if (!placed.ok()) {
    // A store file that vanished or cannot be read: drop the entry, the next get rebuilds it.
    if (absl::IsNotFound(placed.status())) {
      if (auto removed = outstore::RemoveEntry(*store_, sha_hex); !removed.ok()) {
        spdlog::warn("output store: cannot drop the broken entry {}: {}", sha_hex, removed.status().ToString());
      }
    }
    return placed.status();
  }
  ++placed_;
  if (built) {
    ++built_;
    KeepUnderCap();
  }
  reflinked_ += placed->by_method[static_cast<size_t>(fs::CloneMethod::kReflink)];
  copied_ += placed->by_method[static_cast<size_t>(fs::CloneMethod::kKernelCopy)] +
             placed->by_method[static_cast<size_t>(fs::CloneMethod::kReadWrite)];
  ltar::UnpackResult result;
  result.written = std::move(placed->written);
  result.bytes_written = entry->bytes;
  return result;
}

void OutputPlacer::KeepUnderCap() {
  if (cap_ == 0 || quota_ == nullptr) return;
  auto usage = quota_->UsageOf(blobs_);
  const uint64_t archives = usage.ok() ? usage->archive_bytes + usage->reserved_bytes : 0;
  const uint64_t room = archives >= cap_ ? 0 : cap_ - archives;
  if (store_->KnownBytes() <= room) return;
  static std::mutex mu;  // one pruning pass at a time
  std::lock_guard<std::mutex> lock(mu);
  if (store_->KnownBytes() <= room) return;
  auto pruned = outstore::Prune(*store_, nullptr, room - room / 10);  // some slack against thrashing
  if (pruned.ok()) {
    spdlog::info("output store: pruned {} entr(y/ies) ({} bytes) to stay under the cache size cap",
                 pruned->entries, pruned->bytes);
  } else {
    spdlog::warn("output store: cannot prune: {}", pruned.status().ToString());
  }
}

}  // namespace leancache::get
