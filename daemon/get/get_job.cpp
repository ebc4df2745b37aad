#include "daemon/get/get_job.h"

#include <chrono>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock/unix_ms.h"
#include "common/fs/temp_sweep.h"
#include "daemon/get/download_rounds.h"
#include "daemon/get/downstream_checks.h"
#include "daemon/get/get_context.h"
#include "daemon/get/get_plan.h"
#include "daemon/get/get_report.h"
#include "daemon/get/job_progress.h"
#include "daemon/get/output_placer.h"
#include "daemon/get/unpack_plan.h"
#include "daemon/get/unpack_queue.h"
#include "daemon/sources/config.h"
#include "spdlog/spdlog.h"
#include "common/hash/lean_hash.h"

namespace leancache::get {
namespace {

// The project's blob store (CACHEDIR), scanned once per daemon life.
absl::StatusOr<std::shared_ptr<store::BlobStore>> OpenStore(const core::LocalCache& local,
                                                            const project::ProjectKeys& project) {
  auto store = store::BlobStore::Open(project.cache_dir, local.index);
  if (!store.ok()) return store.status();
  if (auto scan = (*store)->EnsureScanned(); !scan.ok()) {
    spdlog::warn("scan of {} failed: {}", project.cache_dir.string(), scan.status().ToString());
  }
  return std::shared_ptr<store::BlobStore>(std::move(*store));
}

// One Item per module in the project's scope, in scope order.
std::vector<Item> ItemsInScope(const project::ProjectKeys& project) {
  std::vector<Item> items;
  items.reserve(project.scope.size());
  for (const auto* entry : project.scope) {
    items.push_back({entry->first, &entry->second, entry->second.key, hash::Hex16(entry->second.key)});
  }
  return items;
}

// [reliability] A get that re-unpacks a module which is already current (its archive was
// downloaded again) and is killed leaves temporaries beside outputs no later get rewrites. So
// the first get of each project in a daemon's life also walks the project's build trees
// (.lake/build and .lake/packages/*/.lake/build) once; the temporaries of live processes stay.
void SweepProjectOnce(const std::filesystem::path& project_root) {
  static std::mutex mu;
  static std::set<std::string> swept;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!swept.insert(project_root.string()).second) return;
  }
  const auto started = Clock::now();
  std::vector<std::filesystem::path> roots = {project_root / ".lake" / "build"};
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(project_root / ".lake" / "packages", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    roots.push_back(it->path() / ".lake" / "build");
  }
  size_t removed = 0;
  for (const auto& root : roots) {
    auto n = fs::RemoveAbandonedTempsBelow(root.string());
    if (n.ok()) removed += *n; else spdlog::debug("temp sweep: {}", n.status().ToString());
  }
  spdlog::log(removed > 0 ? spdlog::level::info : spdlog::level::debug,
              "removed {} temporary file(s) of interrupted unpacks below {} ({:.1f} ms)", removed,
              project_root.string(), std::chrono::duration<double, std::milli>(Clock::now() - started).count());
}

}  // namespace

void RunGetJob(const core::LocalCache& local, const core::Network& network,
               const core::JobObservers& observers, const project::ProjectKeys& project,
               const GetFlags& flags, core::EventSink& sink) {
  const auto started = Clock::now();
  if (flags.download) {
    auto check = CheckDownstream(*project.workspace);
    for (const auto& l : check.stdout_lines) sink.Out(l);
    for (const auto& l : check.stderr_lines) sink.Err(l);
    if (!check.ok) return sink.Done(1);
  }
  auto store = OpenStore(local, project);
  if (!store.ok()) {
    sink.Err(absl::StrCat("uncaught exception: ", store.status().message()));
    return sink.Done(1);
  }
  // [bounded cache] the size cap (config, or LEANCACHE_MAX_CACHE_SIZE).
  auto cap = sources::EffectiveCacheCap(*network.config, project.request.env);
  if (!cap.ok()) {
    sink.Err(std::string(cap.status().message()));
    return sink.Done(1);
  }
  const int64_t started_unix_ms = clock::UnixMs();
  JobContext ctx{local, network, observers, project, flags, sink, std::move(*store), *cap, started,
                 started_unix_ms, std::make_shared<JobState>(), ItemsInScope(project)};
  for (const auto& root : project.roots) {
    if (!project.keys->modules.count(root)) sink.Out(absl::StrCat(root, " is not covered by the olean cache."));
  }

  const auto& project_root = project.request.project_root;
  if (flags.unpack) SweepProjectOnce(project_root);
  auto previous_root = ReadRootHashRecord(project_root);
  const bool root_changed = !previous_root || *previous_root != project.keys->root_hash;
  const bool force_unpack = flags.force_unpack || (root_changed && flags.unpack);

  // [output store] unpack once per machine, clone into each project (daemon/outstore)
  std::shared_ptr<OutputPlacer> placer =
      OutputPlacer::ForJob(*network.config, project.request.env, local.index, *ctx.store, local.quota, ctx.cap);
  auto unpack = UnpackQueue::Create(ctx, std::move(placer));
  GetPlan plan = PlanGet(ctx, force_unpack);
  AnnouncePlan(ctx, plan);
  for (const auto* item : plan.to_unpack_now) unpack->Queue(*item);

  DownloadOutcome outcome;
  absl::Status setup = absl::OkStatus();
  if (flags.download) {
    auto downloaded = DownloadMissing(ctx, unpack, plan.missing);
    if (downloaded.ok()) outcome = std::move(*downloaded); else setup = downloaded.status();
  }
  unpack->Drain([&] { SendProgress(ctx, "unpack", plan.missing.size()); });
  if (!setup.ok()) {
    FinishPlanMemo(ctx, plan, /*succeeded=*/false);
    sink.Err(std::string(setup.message()));
    return sink.Done(1);
  }
  if (outcome.cancelled || sink.cancelled()) {
    sink.Err("cancelled");
    return sink.Done(130);
  }
  FinishGet(ctx, plan, outcome, root_changed);
}

}  // namespace leancache::get
