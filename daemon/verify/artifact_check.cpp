#include "daemon/verify/artifact_check.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/fs/confined_path.h"
#include "common/fs/fd.h"
#include "common/ltar/entry_decoder.h"
#include "common/ltar/unpacker.h"
#include "common/parallel/parallel_for.h"

namespace leancache::verify {
namespace {

// Per-target outcome, filled by the worker threads.
struct TargetResult {
  std::vector<ArtifactProblem> problems;
  size_t files = 0;
};

TargetResult CheckTarget(const ModuleTarget& target) {
  TargetResult out;
  absl::StatusOr<ltar::Archive> archive = ltar::Archive::ReadFile(target.archive.string());
  if (!archive.ok()) {
    ArtifactProblem p;
    p.kind = ArtifactProblem::Kind::kUnchecked;
    p.module = target.module;
    p.path = p.archive = target.archive;
    p.reason = absl::StrCat("archive cannot be read: ", archive.status().message());
    out.problems.push_back(std::move(p));
    return out;
  }
  out.problems = CompareArchiveWithDisk(*archive, target.base, target.module, target.archive, &out.files);
  return out;
}

}  // namespace

const char* ArtifactProblemKindName(ArtifactProblem::Kind kind) {
  switch (kind) {
    case ArtifactProblem::Kind::kMissing: return "missing";
    case ArtifactProblem::Kind::kDiffers: return "differs";
    case ArtifactProblem::Kind::kUnchecked: return "unchecked";
  }
  return "?";
}

std::vector<ArtifactProblem> CompareArchiveWithDisk(const ltar::Archive& archive,
                                                    const std::filesystem::path& base,
                                                    const std::string& module,
                                                    const std::filesystem::path& archive_path,
                                                    size_t* files_checked) {
  std::vector<ArtifactProblem> problems;
  size_t files = 0;
  auto problem = [&](ArtifactProblem::Kind kind, std::filesystem::path path, std::string reason) {
    ArtifactProblem p;
    p.kind = kind;
    p.module = module;
    p.path = std::move(path);
    p.archive = archive_path;
    p.reason = std::move(reason);
    problems.push_back(std::move(p));
  };
  ltar::DecodeBudget budget{ltar::Limits(), 0};
  for (const ltar::Entry& e : archive.entries()) {
    if (e.kind != ltar::Entry::Kind::kFile) continue;
    std::vector<ltar::EntryPath> outs = ltar::OutputPaths(e);
    std::vector<std::string> targets;
    bool usable = true;
    for (const ltar::EntryPath& out : outs) {
      if (out.base != 0) {
        problem(ArtifactProblem::Kind::kUnchecked, archive_path,
                absl::StrCat("entry ", out.name, " has base index ", out.base, "; only base 0 is unpacked"));
        usable = false;
        break;
      }
      absl::StatusOr<std::string> path = fs::ResolveConfinedPath(base.string(), out.name, false);
      if (!path.ok()) {
        problem(ArtifactProblem::Kind::kUnchecked, archive_path, std::string(path.status().message()));
        usable = false;
        break;
      }
      targets.push_back(*path);
    }
    if (!usable) continue;
    absl::StatusOr<std::vector<std::string>> contents = ltar::DecodeEntry(archive, e, budget);
    if (!contents.ok()) {
      problem(ArtifactProblem::Kind::kUnchecked, archive_path,
              absl::StrCat("cannot decode: ", contents.status().message()));
      continue;
    }
    for (size_t i = 0; i < targets.size() && i < contents->size(); ++i) {
      ++files;
      const std::string& expected = (*contents)[i];
      absl::StatusOr<std::string> actual = fs::ReadFile(targets[i], expected.size() + 1);
      if (!actual.ok()) {
        if (absl::IsNotFound(actual.status())) {
          problem(ArtifactProblem::Kind::kMissing, targets[i], "not on disk");
        } else if (absl::IsResourceExhausted(actual.status())) {
          problem(ArtifactProblem::Kind::kDiffers, targets[i],
                  absl::StrCat("larger than the ", expected.size(), " bytes in the archive"));
        } else {
          problem(ArtifactProblem::Kind::kDiffers, targets[i], std::string(actual.status().message()));
        }
        continue;
      }
      if (*actual != expected) {
        problem(ArtifactProblem::Kind::kDiffers, targets[i],
                actual->size() == expected.size()
                    ? absl::StrCat("content differs from the archive (", expected.size(), " bytes)")
                    : absl::StrCat(actual->size(), " bytes, the archive has ", expected.size()));
      }
    }
  }
  if (files_checked != nullptr) *files_checked = files;
  return problems;
}

absl::StatusOr<ArtifactReport> CheckArtifacts(const std::vector<ModuleTarget>& targets,
                                              const ArtifactCheckOptions& options) {
  ArtifactReport report;
  std::vector<TargetResult> results(targets.size());
  const bool finished = parallel::ParallelFor(targets.size(), std::max(1u, options.threads), [&](size_t i) {
    if (options.cancelled && options.cancelled()) return false;
    results[i] = CheckTarget(targets[i]);
    return true;
  });
  if (!finished) return absl::CancelledError("verify cancelled");

  report.modules_checked = targets.size();
  for (size_t i = 0; i < targets.size(); ++i) {
    report.files_checked += results[i].files;
    if (results[i].problems.empty()) continue;
    ++report.modules_with_problems;
    for (auto& p : results[i].problems) report.problems.push_back(std::move(p));
    if (!options.repair) continue;
    ltar::UnpackOptions unpack;
    unpack.force = true;
    auto again = ltar::UnpackArchiveFile(targets[i].archive.string(), {targets[i].base.string()}, unpack);
    if (again.ok()) ++report.modules_repaired;
  }
  return report;
}

}  // namespace leancache::verify
