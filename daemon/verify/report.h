// How `leancache verify` shows its findings: one line per problem (kind in capitals, path,
// reason), short summary lines, and the --json summary document.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/verify/artifact_check.h"
#include "daemon/verify/blob_check.h"
#include "nlohmann/json.hpp"

namespace leancache::verify {

// What was found in the project besides the artifact comparison itself.
struct ProjectScope {
  std::string project_root;
  size_t modules = 0;        // modules in scope
  size_t no_archive = 0;     // no archive in CACHEDIR: nothing to compare
  size_t not_unpacked = 0;   // archive present, trace from another build: `get` unpacks it
  std::string skipped_reason;  // non-empty: the project part was not run, and why
};

// Lines for the user's stdout, in order.
std::vector<std::string> CacheReportLines(const CacheDirReport& report, bool repair);
std::vector<std::string> ArtifactReportLines(const ProjectScope& scope, const ArtifactReport& report,
                                             bool repair);

// Problems left after the run (after --repair, the ones it could not fix).
size_t UnresolvedProblems(const CacheDirReport& cache, const std::optional<ArtifactReport>& artifacts,
                          bool repair);

// The --json summary.
nlohmann::json ReportJson(const CacheDirReport& cache, const ProjectScope& scope,
                          const std::optional<ArtifactReport>& artifacts, bool repair, int exit_code);

}  // namespace leancache::verify
