#pragma once
// The unpack side of one `get` job: archives are queued as they become available (already in
// CACHEDIR, fetched from the shared cache, or just downloaded) and unpacked on the daemon's
// unpack pool while downloads go on. Each queued archive stays pinned under the cache size cap
// until it is unpacked; outputs are placed through the job's OutputPlacer (daemon/outstore);
// a damaged archive is removed from the store so the next get downloads it again.

#include <filesystem>
#include <functional>
#include <memory>

#include "common/ltar/unpacker.h"
#include "daemon/get/get_context.h"
#include "daemon/get/output_placer.h"

namespace leancache::get {

class UnpackQueue : public std::enable_shared_from_this<UnpackQueue> {
 public:
  // A queue for the job `ctx` (which must outlive every Drain()); `placer` writes the outputs.
  static std::shared_ptr<UnpackQueue> Create(const JobContext& ctx, std::shared_ptr<OutputPlacer> placer);

  // Queues `item`'s archive (thread-safe); counted in the job's unpacked / unpack_failed.
  void Queue(const Item& item);

  // Returns once every queued archive has been unpacked, calling `tick` every ~200 ms meanwhile.
  void Drain(const std::function<void()>& tick);

 private:
  UnpackQueue(const JobContext& ctx, std::shared_ptr<OutputPlacer> placer);
  void UnpackOne(const Item& item);
  void SweepOutputDirs(const std::vector<std::string>& written);

  std::shared_ptr<JobState> job_;
  std::shared_ptr<store::BlobStore> store_;
  std::shared_ptr<OutputPlacer> placer_;
  UnpackPool* pool_;
  evict::CacheQuota* quota_;
  std::filesystem::path project_root_, mathlib_dir_;
  ltar::OutputDirs out_dirs_;  // resolved once per directory and job
};

}  // namespace leancache::get
