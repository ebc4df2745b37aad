#include "daemon/get/unpack_queue.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/fs/temp_sweep.h"
#include "daemon/get/unpack_plan.h"
#include "daemon/get/unpack_pool.h"
#include "daemon/stats/error_kind.h"
#include "daemon/verify/archive_decode.h"
#include "spdlog/spdlog.h"

namespace leancache::get {

std::shared_ptr<UnpackQueue> UnpackQueue::Create(const JobContext& ctx, std::shared_ptr<OutputPlacer> placer) {
  return std::shared_ptr<UnpackQueue>(new UnpackQueue(ctx, std::move(placer)));
}

UnpackQueue::UnpackQueue(const JobContext& ctx, std::shared_ptr<OutputPlacer> placer)
    : job_(ctx.job),
      store_(ctx.store),
      placer_(std::move(placer)),
      pool_(ctx.local.unpack_pool),
      quota_(ctx.local.quota),
      project_root_(ctx.project.request.project_root),
      mathlib_dir_(ctx.project.workspace->mathlib_dir()) {}

void UnpackQueue::Queue(const Item& item) {
  job_->unpack_pending++;
  // [bounded cache] the archive stays pinned (never evicted) until it is unpacked.
  auto pin = quota_ ? std::make_shared<evict::Pin>(quota_->PinKey(*store_, item.key)) : nullptr;
  pool_->Submit([self = shared_from_this(), item, pin] {
    self->UnpackOne(item);
    self->job_->unpack_pending--;
  });
}

void UnpackQueue::Drain(const std::function<void()>& tick) {
  auto last_tick = Clock::now();
  while (job_->unpack_pending.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (Clock::now() - last_tick > std::chrono::milliseconds(200)) {
      tick();
      last_tick = Clock::now();
    }
  }
}

void UnpackQueue::UnpackOne(const Item& item) {
  auto archive = store_->Path(item.key);
  ltar::UnpackOptions options;
  options.force = true;  // the skip decision was made by the planner
  options.dirs = &out_dirs_;
  auto base = UnpackBase(*item.entry, project_root_, mathlib_dir_);
  auto result = placer_->Unpack(archive, item.key, base, options);
  if (result.ok()) {
    job_->unpacked++;
    job_->stats.Add(stats::Counter::kBytesUnpacked, result->bytes_written);  // [stats]
    SweepOutputDirs(result->written);
    return;
  }
  job_->unpack_failed++;
  job_->stats.AddError(stats::ClassifyUnpackFailure(result.status()));  // [stats]
  // A damaged archive must not be served again: drop it so the next get re-downloads it.
  // [reliability] A sound archive whose outputs could not be written (disk full, permissions)
  // is kept.
  std::string removal;
  if (!verify::ArchiveDecodes(archive).ok()) {
    absl::Status removed = store_->Remove(item.key);
    removal = removed.ok() ? "; archive removed" : absl::StrCat("; damaged archive not removed: ", removed.message());
  }
  job_->AddError(absl::StrCat(item.module, " (", archive.string(), "): ", result.status().message(), removal));
}

// [reliability] A daemon killed mid-unpack leaves AtomicFile temporaries next to the outputs it
// was writing. The module is then not current, so a later get unpacks it again: the first unpack
// of a job into each directory removes the temporaries of dead processes there (one readdir per
// directory and job).
void UnpackQueue::SweepOutputDirs(const std::vector<std::string>& written) {
  for (const auto& f : written) {
    std::string dir = std::filesystem::path(f).parent_path().string();
    {
      std::lock_guard<std::mutex> lock(job_->mu);
      if (!job_->swept_dirs.insert(dir).second) continue;
    }
    auto removed = fs::RemoveAbandonedTemps(dir);
    if (!removed.ok()) {
      spdlog::debug("temp sweep: {}", removed.status().ToString());
    } else if (*removed > 0) {
      spdlog::info("removed {} temporary file(s) of an interrupted unpack in {}", *removed, dir);
    }
  }
}

}  // namespace leancache::get
