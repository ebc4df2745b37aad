// Lake staging directories (`lake cache stage` / `unstage` / `put-staged`): a FLAT directory of
// regular files "<hash>.<ext>" plus the mapping file "outputs.jsonl". Lake joins the names in
// the mapping to the directory unchecked; we refuse anything that is not flat and regular, and
// every artifact name is checked by the mapping parser (artifact_name.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::lake {

inline constexpr std::string_view kStagedMappings = "outputs.jsonl";

struct StagingListing {
  std::filesystem::path mappings;     // <dir>/outputs.jsonl
  std::vector<std::string> files;     // every entry name (sorted), outputs.jsonl included
};

// Lists `dir` without following links. Errors: NotFound (no directory / no outputs.jsonl),
// InvalidArgument naming the first entry that is not a regular file (a subdirectory, a symlink,
// a device, ...).
absl::StatusOr<StagingListing> ListStagingDir(const std::filesystem::path& dir);

}  // namespace leancache::lake
