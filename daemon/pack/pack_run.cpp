#include "daemon/pack/pack_run.h"

#include "absl/strings/str_cat.h"
#include "daemon/pack/git_state.h"
#include "daemon/store/blob_store.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace leancache::pack {

std::optional<PackReport> RunPackStep(const core::LocalCache& local,
                                      const project::ProjectKeys& project,
                                      const PackRunFlags& flags, core::EventSink& sink) {
  auto fail = [&sink](const absl::Status& status) -> std::optional<PackReport> {
    if (absl::IsCancelled(status)) {
      sink.Done(130);
      return std::nullopt;
    }
    sink.Err(absl::StrCat("uncaught exception: ", status.message()));
    sink.Done(1);
    return std::nullopt;
  };
  auto sha = GitHead(project.request.project_root);
  if (!sha.ok()) return fail(sha.status());

  std::unique_ptr<store::BlobStore> blob_store;
  if (local.index != nullptr) {
    auto opened = store::BlobStore::Open(project.cache_dir, local.index);
    if (!opened.ok()) return fail(opened.status());
    blob_store = std::move(*opened);
  }
  sink.Out("Compressing cache");
  PackOptions options;
  options.force = flags.force;
  options.unpacked_only = flags.unpacked_only;
  options.git_sha = *sha;
  options.store = blob_store.get();
  options.cancelled = [&sink] { return sink.cancelled(); };
  auto report = PackModules(project.scope, project.workspace->root(), project.workspace->mathlib_dir(),
                            project.cache_dir, options);
  if (!report.ok()) return fail(report.status());
  spdlog::info("pack {}: {} packed, {} already present, {} without build outputs",
               project.request.project_root.string(), report->packed, report->existing,
               report->not_packable);
  if (flags.verbose) {
    for (const PackedArchive& a : report->archives) {
      sink.Out(absl::StrCat("packing ", a.source_display, " as ", a.archive));
    }
  }
  return std::move(*report);
}

std::string PackSummaryJson(const PackReport& report, int exit_code) {
  nlohmann::json summary = {{"packed", report.packed},
                            {"existing", report.existing},
                            {"not_packable", report.not_packable},
                            {"listed", report.archives.size()},
                            {"exit_code", exit_code}};
  return summary.dump();
}

}  // namespace leancache::pack
