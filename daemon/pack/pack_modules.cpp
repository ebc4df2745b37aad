#include "daemon/pack/pack_modules.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"
#include "common/ltar/writer.h"
#include "daemon/pack/archive_plan.h"
#include "daemon/store/blob_store.h"
#include "common/ltar/header.h"
#include "common/parallel/parallel_for.h"

namespace leancache::pack {
namespace {

namespace fs = std::filesystem;

// True if `path` exists and starts with a valid ltar header.
bool HasValidArchive(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ltar::ReadHeader(fd, path.string()).ok();
  ::close(fd);
  return ok;
}

bool AlreadyPacked(uint64_t key, const fs::path& path, store::BlobStore* store) {
  if (store != nullptr) return store->Has(key);
  return HasValidArchive(path);
}

struct Job {
  const std::pair<const std::string, keys::ModuleEntry>* module;
  ArchivePlan plan;
};

// Writes one archive: through the blob store when there is one, else atomically in place.
absl::Status PackOne(const Job& job, const fs::path& cache_dir, const PackOptions& options) {
  const keys::ModuleEntry& entry = job.module->second;
  std::vector<ltar::PackItem> items;
  items.reserve(job.plan.files.size() + 1);
  if (!options.git_sha.empty()) {
    items.push_back({ltar::PackSource::Kind::kComment, 0, GitComment(options.git_sha)});
  }
  for (const std::string& name : job.plan.files) {
    items.push_back({ltar::PackSource::Kind::kFile, 0, name});
  }
  const std::vector<std::string> bases = {job.plan.base.string()};
  const fs::path final_path = cache_dir / (hash::Hex16(entry.key) + ".ltar");
  if (options.store == nullptr) {
    auto built = ltar::PackArchive(final_path.string(), bases, job.plan.trace, items);
    if (!built.ok()) {
      return absl::Status(built.status().code(), absl::StrCat("packing ", entry.source_display,
                                                              " as ", final_path.string(), ": ",
                                                              built.status().message()));
    }
    return absl::OkStatus();
  }
  auto temp = options.store->TempPathFor(entry.key);
  if (!temp.ok()) return temp.status();
  auto built = ltar::PackArchive(temp->string(), bases, job.plan.trace, items);
  if (!built.ok()) {
    std::error_code ec;
    fs::remove(*temp, ec);
    return absl::Status(built.status().code(), absl::StrCat("packing ", entry.source_display, " as ",
                                                            final_path.string(), ": ",
                                                            built.status().message()));
  }
  auto adopted = options.store->Adopt(*temp, entry.key, "pack");
  if (!adopted.ok()) return adopted.status();
  return absl::OkStatus();
}

}  // namespace

std::string GitComment(const std::string& sha) { return absl::StrCat("git=mathlib4@", sha); }

absl::StatusOr<PackReport> PackModules(
    const std::vector<const std::pair<const std::string, keys::ModuleEntry>*>& scope,
    const fs::path& project_root, const fs::path& mathlib_dir, const fs::path& cache_dir,
    const PackOptions& options) {
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot create ", cache_dir.string(), ": ", ec.message()));
  }
  PackReport report;
  std::vector<Job> jobs;
  for (const auto* module : scope) {
    const keys::ModuleEntry& entry = module->second;
    auto plan = PlanModuleArchive(entry, project_root, mathlib_dir);
    if (!plan.ok()) {
      if (absl::IsNotFound(plan.status())) {
        ++report.not_packable;
        continue;
      }
      return plan.status();
    }
    PackedArchive out{entry.source_display, module->first, entry.key,
                      hash::Hex16(entry.key) + ".ltar", false};
    if (!options.force && AlreadyPacked(entry.key, cache_dir / out.archive, options.store)) {
      ++report.existing;
      if (!options.unpacked_only) report.archives.push_back(std::move(out));
      continue;
    }
    jobs.push_back({module, std::move(*plan)});
  }

  // Two modules with the same key would write the same archive: pack each key once.
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    return a.module->second.key < b.module->second.key;
  });
  std::vector<Job*> unique_jobs;
  for (Job& job : jobs) {
    if (unique_jobs.empty() || unique_jobs.back()->module->second.key != job.module->second.key) {
      unique_jobs.push_back(&job);
    }
  }

  std::mutex mu;
  absl::Status first_error;
  parallel::ParallelFor(unique_jobs.size(), options.threads, [&](size_t i) {
    absl::Status st = options.cancelled && options.cancelled() ? absl::CancelledError("pack cancelled")
                                                               : PackOne(*unique_jobs[i], cache_dir, options);
    if (st.ok()) return true;
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.ok()) first_error = st;
    return false;
  });
  if (!first_error.ok()) return first_error;

  for (const Job& job : jobs) {
    const keys::ModuleEntry& entry = job.module->second;
    report.archives.push_back({entry.source_display, job.module->first, entry.key,
                               hash::Hex16(entry.key) + ".ltar", true});
  }
  report.packed = unique_jobs.size();
  std::sort(report.archives.begin(), report.archives.end(),
            [](const PackedArchive& a, const PackedArchive& b) {
              return a.source_display < b.source_display;
            });
  return report;
}

}  // namespace leancache::pack
