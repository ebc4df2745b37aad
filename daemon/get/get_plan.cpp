#include "daemon/get/get_plan.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/get/unpack_plan.h"
#include "spdlog/spdlog.h"

namespace leancache::get {
namespace {

// Starts the memo's part of the plan: a hit skips the checks; a miss gets a ticket that watches
// the traces, the root-hash record and CACHEDIR while they are checked.
void ConsultMemo(const JobContext& ctx, bool force_unpack, GetPlan& plan) {
  PlanMemo* memo = ctx.local.plan_memo;
  if (memo == nullptr || ctx.flags.force_download || force_unpack) return;
  const auto& project = ctx.project;
  const auto& root = project.request.project_root;
  plan.memo_key = absl::StrCat(root.string(), "\n", project.cache_dir.string(), "\n", ctx.flags.download,
                               ctx.flags.unpack, "\n", absl::StrJoin(project.roots, ","), "\n", ctx.items.size());
  plan.memo_hit = memo->Current(plan.memo_key, project.keys);
  if (plan.memo_hit) return;
  std::vector<std::string> watched_files;
  watched_files.reserve(ctx.items.size() + 1);
  for (const auto& item : ctx.items) watched_files.push_back(TracePath(*item.entry).string());
  watched_files.push_back(RootHashRecordPath(root).string());
  plan.ticket = memo->Begin(plan.memo_key, project.keys, watched_files, {project.cache_dir});
}

}  // namespace

GetPlan PlanGet(const JobContext& ctx, bool force_unpack) {
  GetPlan plan;
  ConsultMemo(ctx, force_unpack, plan);
  const GetFlags& flags = ctx.flags;
  if (plan.memo_hit) {
    if (flags.unpack) plan.already = ctx.items.size();
  } else {
    for (const auto& item : ctx.items) {
      bool present = !flags.force_download && ctx.store->Has(item.key);
      if (!present) {
        if (flags.download) plan.missing.push_back(&item);
        continue;
      }
      if (!flags.unpack) continue;
      if (!force_unpack && AlreadyUnpacked(ctx.store->Path(item.key), *item.entry, *ctx.local.dep_hashes)) {
        ++plan.already;
        continue;
      }
      plan.to_unpack_now.push_back(&item);
    }
  }
  spdlog::debug("get: planned {} modules in {:.1f} ms ({} missing, {} to unpack, {} current)", ctx.items.size(),
                std::chrono::duration<double, std::milli>(Clock::now() - ctx.started).count(), plan.missing.size(),
                plan.to_unpack_now.size(), plan.already);
  return plan;
}

void AnnouncePlan(const JobContext& ctx, const GetPlan& plan) {
  const size_t to_unpack = plan.to_unpack_now.size(), already = plan.already;
  const std::string current = already > 0 ? absl::StrCat(" (", already, " already decompressed)") : "";
  if (ctx.flags.download) {
    if (to_unpack > 0) ctx.sink.Out(absl::StrCat("Decompressing ", to_unpack, " already-cached file(s)", current));
  } else if (to_unpack == 0 && already > 0) {
    ctx.sink.Out(absl::StrCat("Already decompressed ", already, " file(s)"));
  } else if (to_unpack == 0) {
    ctx.sink.Out("No cache files to decompress");
  } else {
    ctx.sink.Out(absl::StrCat("Decompressing ", to_unpack, " file(s)", current));
  }
}

void FinishPlanMemo(const JobContext& ctx, GetPlan& plan, bool succeeded) {
  PlanMemo* memo = ctx.local.plan_memo;
  if (plan.ticket && succeeded && plan.missing.empty() && plan.to_unpack_now.empty()) {
    memo->Record(std::move(*plan.ticket));
  } else if (memo != nullptr && !plan.memo_key.empty() && !plan.memo_hit) {
    memo->Forget(plan.memo_key);
  }
}

}  // namespace leancache::get
