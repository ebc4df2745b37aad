// Writing Lake's local mapping records: outputs/<scope>/<inputHash16>.json (one CacheOutput per
// input hash, Lake's pretty JSON) and revisions/<scope>/<rev>.jsonl (a downloaded mapping, kept
// byte-for-byte as Lake keeps it). Every file is written to a temp name and renamed, so readers
// never see half a file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/lake/cache_layout.h"
#include "common/lake/mapping_file.h"

namespace leancache::lake {

// Writes one outputs file per entry of `mappings` (a later entry for the same input wins, as in
// Lake's map). With `overwrite` false an existing file is kept (Lake's writeFileIfNew). Returns
// how many files were written.
absl::StatusOr<size_t> WriteOutputs(const std::filesystem::path& cache_dir, std::string_view scope,
                                    const MappingFile& mappings, const OutputsOrigin& origin, bool overwrite);

// Atomically writes `bytes` to `path` (parents created, mode 0644).
absl::Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace leancache::lake
