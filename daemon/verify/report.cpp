#include "daemon/verify/report.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"

namespace leancache::verify {
namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::vector<std::string> Paths(const std::vector<std::filesystem::path>& paths) {
  std::vector<std::string> out;
  out.reserve(paths.size());
  for (const auto& p : paths) out.push_back(p.string());
  return out;
}

}  // namespace

std::vector<std::string> CacheReportLines(const CacheDirReport& r, bool repair) {
  std::vector<std::string> lines;
  for (const auto& p : r.problems) {
    lines.push_back(absl::StrCat("  ", Upper(BlobProblemKindName(p.kind)), " ", p.path.string(), ": ",
                                 p.reason, p.repaired ? " (repaired)" : ""));
  }
  if (!r.unrecorded.empty()) {
    lines.push_back(absl::StrCat("  ", r.unrecorded.size(), " valid archive(s) not recorded in the index",
                                 repair ? absl::StrCat(", ", r.unrecorded_indexed, " recorded now")
                                        : " (recorded when next used, or by verify --repair)"));
  }
  if (!r.temp_orphaned.empty()) {
    lines.push_back(absl::StrCat("  ", r.temp_orphaned.size(),
                                 " temp file(s) left by a process that is gone, e.g. ",
                                 r.temp_orphaned.front().string(),
                                 repair ? absl::StrCat(" (", r.temp_removed, " removed)")
                                        : " (verify --repair removes them)"));
  }
  if (!r.temp_live.empty()) {
    lines.push_back(absl::StrCat("  ", r.temp_live.size(), " download(s) in progress"));
  }
  size_t corrupt = 0, missing = 0, unusable = 0;
  for (const auto& p : r.problems) {
    switch (p.kind) {
      case BlobProblem::Kind::kCorrupt: ++corrupt; break;
      case BlobProblem::Kind::kMissing: ++missing; break;
      case BlobProblem::Kind::kUnusable: ++unusable; break;
    }
  }
  lines.push_back(absl::StrCat("Archives in ", r.dir.string(), ": ", r.intact, " of ", r.recorded,
                               " recorded intact (", r.bytes_checked, " bytes hashed), ", corrupt,
                               " corrupt, ", missing, " missing, ", unusable, " unusable"));
  return lines;
}

std::vector<std::string> ArtifactReportLines(const ProjectScope& scope, const ArtifactReport& r,
                                             bool repair) {
  std::vector<std::string> lines;
  for (const auto& p : r.problems) {
    lines.push_back(absl::StrCat("  ", Upper(ArtifactProblemKindName(p.kind)), " ", p.path.string(), " (",
                                 p.module, "): ", p.reason));
  }
  std::string line = absl::StrCat("Unpacked modules in ", scope.project_root, ": ", r.modules_checked,
                                  " of ", scope.modules, " checked (", r.files_checked, " files), ",
                                  r.modules_with_problems, " with problems");
  if (repair && r.modules_with_problems > 0) absl::StrAppend(&line, ", ", r.modules_repaired, " unpacked again");
  if (scope.not_unpacked > 0) absl::StrAppend(&line, "; ", scope.not_unpacked, " not unpacked yet");
  if (scope.no_archive > 0) absl::StrAppend(&line, "; ", scope.no_archive, " without a local archive");
  lines.push_back(line);
  return lines;
}

size_t UnresolvedProblems(const CacheDirReport& cache, const std::optional<ArtifactReport>& artifacts,
                          bool repair) {
  size_t n = cache.unresolved();
  if (artifacts) {
    size_t bad = artifacts->modules_with_problems;
    n += repair ? bad - std::min(bad, artifacts->modules_repaired) : bad;
  }
  return n;
}

nlohmann::json ReportJson(const CacheDirReport& cache, const ProjectScope& scope,
                          const std::optional<ArtifactReport>& artifacts, bool repair, int exit_code) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : cache.problems) {
    problems.push_back({{"kind", BlobProblemKindName(p.kind)},
                        {"path", p.path.string()},
                        {"reason", p.reason},
                        {"repaired", p.repaired}});
  }
  nlohmann::json doc = {
      {"cache_dir", cache.dir.string()},
      {"repair", repair},
      {"archives",
       {{"recorded", cache.recorded},
        {"intact", cache.intact},
        {"bytes_hashed", cache.bytes_checked},
        {"problems", problems},
        {"unrecorded", Paths(cache.unrecorded)},
        {"unrecorded_indexed", cache.unrecorded_indexed},
        {"temp_files_in_progress", cache.temp_live.size()},
        {"temp_files_orphaned", Paths(cache.temp_orphaned)},
        {"temp_files_removed", cache.temp_removed}}},
      {"exit_code", exit_code}};
  nlohmann::json project = {{"root", scope.project_root},
                            {"modules", scope.modules},
                            {"without_archive", scope.no_archive},
                            {"not_unpacked", scope.not_unpacked}};
  if (!scope.skipped_reason.empty()) project["skipped"] = scope.skipped_reason;
  if (artifacts) {
    nlohmann::json bad = nlohmann::json::array();
    for (const auto& p : artifacts->problems) {
      bad.push_back({{"kind", ArtifactProblemKindName(p.kind)},
                     {"module", p.module},
                     {"path", p.path.string()},
                     {"archive", p.archive.string()},
                     {"reason", p.reason}});
    }
    project["modules_checked"] = artifacts->modules_checked;
    project["files_checked"] = artifacts->files_checked;
    project["modules_with_problems"] = artifacts->modules_with_problems;
    project["modules_repaired"] = artifacts->modules_repaired;
    project["problems"] = bad;
  }
  doc["project"] = project;
  size_t corrupt = 0;
  for (const auto& p : cache.problems) corrupt += p.kind != BlobProblem::Kind::kMissing;
  doc["corrupt_archives"] = corrupt;
  doc["unresolved"] = UnresolvedProblems(cache, artifacts, repair);
  return doc;
}

}  // namespace leancache::verify
