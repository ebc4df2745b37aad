#include "daemon/get/get_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "daemon/core/progress_hub.h"
#include "daemon/get/unpack_plan.h"
#include "daemon/stats/pending_runs.h"
#include "daemon/stats/stats_book.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"
#include "common/hash/lean_hash.h"

namespace leancache::get {
namespace {

// What the report needs to know about the finished run.
struct Totals {
  size_t misses = 0;  // archives no source had
  uint64_t unpacked = 0, unpack_failed = 0, evicted = 0, evicted_bytes = 0;
  int64_t ms = 0;
  int exit_code = 0;
};

// The failure lines, the original's warnings and closing lines; sets the exit code.
void ReportLines(const JobContext& ctx, const GetPlan& plan, bool root_changed, Totals& t) {
  const GetFlags& flags = ctx.flags;
  core::EventSink& sink = ctx.sink;
  JobState& job = *ctx.job;
  for (const auto& e : job.errors) sink.Err(e);
  if (flags.download && t.misses > 0) {
    sink.Err("Warning: some files were not found in the cache.");
    sink.Err("This usually means that your local checkout of mathlib4 has diverged from upstream.");
    sink.Err("If you push your commits to a branch of the mathlib4 repository, CI will build the oleans and they will be available later.");
    sink.Err("Alternatively, if you already have pushed your commits to a branch, this may mean the CI build has failed part-way through building.");
  }
  if (flags.unpack && flags.download) sink.Out(absl::StrCat("Decompressed ", t.unpacked, " file(s)"));
  if (t.unpack_failed > 0) {
    sink.Out(absl::StrCat(t.unpack_failed, " decompression(s) failed"));
    t.exit_code = 1;
  }
  if (job.download_failed > 0) {
    sink.Out(absl::StrCat(job.download_failed.load(), " download(s) failed"));
    sink.Out(absl::StrCat("Downloading ", job.download_failed.load(), " files failed"));
    t.exit_code = 1;
  }
  if (t.exit_code == 0) {
    const auto& root = ctx.project.request.project_root;
    if (flags.unpack && root_changed) {
      if (auto st = WriteRootHashRecord(root, ctx.project.keys->root_hash); !st.ok()) {
        sink.Err(absl::StrCat("warning: cannot record the root hash: ", st.message()));
      }
    }
    if (!flags.download) {
      if (!plan.to_unpack_now.empty()) {
        sink.Out(absl::StrCat("Decompressed in ", t.ms, " ms"));
        sink.Out("Completed successfully!");
      }
    } else if (flags.unpack) {
      sink.Out(absl::StrCat("Completed successfully in ", t.ms, " ms!"));
    } else {
      sink.Out("Downloaded all files successfully!");
    }
  }
  if (t.evicted > 0) {  // [bounded cache] say when the cap made this run evict archives
    sink.Out(absl::StrCat("Note: evicted ", t.evicted, " archive(s) (", stats::HumanBytes(t.evicted_bytes), ") from ",
                          ctx.store->dir().string(), " to stay under its size cap of ", stats::HumanBytes(ctx.cap),
                          "; a later get downloads again the ones it needs"));
  }
}

// The JSON summary the stream ends with.
std::string Summary(const JobContext& ctx, const GetPlan& plan, const Totals& t) {
  const JobState& job = *ctx.job;
  nlohmann::json summary = {{"modules", ctx.items.size()},
                            {"missing_before", plan.missing.size()},
                            {"downloaded", job.downloaded.load()},
                            {"download_failed", job.download_failed.load()},
                            {"not_found", t.misses},
                            {"bytes_downloaded", job.bytes.load()},
                            {"unpacked", t.unpacked},
                            {"unpack_failed", t.unpack_failed},
                            {"already_unpacked", plan.already},
                            {"root_hash", hash::Hex16(ctx.project.keys->root_hash)},
                            {"milliseconds", t.ms},
                            {"exit_code", t.exit_code}};
  summary["archives_evicted"] = t.evicted;  // [bounded cache]
  summary["bytes_evicted"] = t.evicted_bytes;
  summary["cache_size_cap"] = ctx.cap;
  return summary.dump();
}

// [stats] this run, into the index (lifetime and last get).
void RecordStats(const JobContext& ctx, const GetPlan& plan, const Totals& t) {
  const GetFlags& flags = ctx.flags;
  JobState& job = *ctx.job;
  const size_t items = ctx.items.size(), cached = plan.already + plan.to_unpack_now.size();
  job.stats.Add(stats::Counter::kHits, flags.download ? items - plan.missing.size() : cached);
  job.stats.Add(stats::Counter::kMisses, flags.download ? plan.missing.size() : items - cached);
  job.stats.Add(stats::Counter::kDownloaded, job.downloaded.load());
  job.stats.Add(stats::Counter::kNotFound, t.misses);
  job.stats.Add(stats::Counter::kBytesDownloaded, job.bytes.load());
  job.stats.Add(stats::Counter::kUnpacked, t.unpacked);
  job.stats.Add(stats::Counter::kArchivesEvicted, t.evicted);
  job.stats.Add(stats::Counter::kBytesEvicted, t.evicted_bytes);
  const char* word = !flags.download ? (flags.force_unpack ? "unpack!" : "unpack")
                     : flags.force_download ? "get!" : !flags.unpack ? "get-" : "get";
  if (auto st = stats::RecordRun(*ctx.local.index, job.stats.ToRecord(word, ctx.started_unix_ms, t.ms)); !st.ok()) {
    spdlog::warn("cannot record statistics: {}", st.ToString());
  }
}

// Records what this project uses (for a safe `clean`) and when: two write transactions the
// user need not wait for.
void RecordUse(const JobContext& ctx, const GetPlan& plan) {
  const std::string root = ctx.project.request.project_root.string();
  std::vector<uint64_t> used;
  used.reserve(ctx.items.size());
  for (const auto& item : ctx.items) used.push_back(item.key);
  if (!plan.memo_hit) {  // a hit: recorded already
    if (auto added = ctx.store->AddUser(used, root); !added.ok()) {
      spdlog::warn("get: cannot record that {} uses its archives: {}", root, std::string(added.status().message()));
    }
  }
  if (auto touched = ctx.store->Touch(used); !touched.ok()) {
    spdlog::warn("get: cannot record the last use of {}'s archives: {}", root, std::string(touched.status().message()));
  }
}

}  // namespace

void FinishGet(JobContext& ctx, GetPlan& plan, const DownloadOutcome& outcome, bool root_changed) {
  JobState& job = *ctx.job;
  Totals t;
  for (const auto* item : outcome.remaining) t.misses += outcome.last_missed.count(item);
  t.unpacked = job.unpacked;
  t.unpack_failed = job.unpack_failed;
  t.evicted = job.evicted.archives.load();
  t.evicted_bytes = job.evicted.bytes.load();
  t.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ctx.started).count();
  ReportLines(ctx, plan, root_changed, t);
  FinishPlanMemo(ctx, plan, t.exit_code == 0);
  auto stats_hold = stats::PendingRuns::Begin(ctx.observers.pending_runs);  // `stats` waits for the record
  ctx.sink.Done(t.exit_code, Summary(ctx, plan, t));
  RecordStats(ctx, plan, t);
  stats_hold.Release();
  const auto& root = ctx.project.request.project_root;
  if (ctx.observers.progress_hub) {  // editor Watch: the job ended, watchers rescan
    v1::Progress end;
    end.set_phase("done"), end.set_files_total(plan.missing.size()), end.set_files_ok(job.downloaded);
    end.set_unpacked(t.unpacked), end.set_unpack_failed(t.unpack_failed), end.set_files_failed(job.download_failed);
    ctx.observers.progress_hub->Publish(root.string(), end);
  }
  spdlog::debug("get: done in {:.1f} ms", std::chrono::duration<double, std::milli>(Clock::now() - ctx.started).count());
  RecordUse(ctx, plan);
}

}  // namespace leancache::get
