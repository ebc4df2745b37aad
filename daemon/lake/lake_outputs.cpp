#include "daemon/lake/lake_outputs.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"

namespace leancache::lake {

absl::Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
  fs::AtomicFile::Options options;
  options.mode = 0644;
  absl::StatusOr<fs::AtomicFile> file = fs::AtomicFile::Create(path.string(), options);
  if (!file.ok()) return file.status();
  if (absl::Status s = file->Write(bytes); !s.ok()) return s;
  return file->Commit();
}

absl::StatusOr<size_t> WriteOutputs(const std::filesystem::path& cache_dir, std::string_view scope,
                                    const MappingFile& mappings, const OutputsOrigin& origin, bool overwrite) {
  std::map<uint64_t, const nlohmann::json*> latest;
  for (const auto& e : mappings.entries) latest[e.input_hash] = &e.outputs;
  size_t written = 0;
  for (const auto& [input, data] : latest) {
    std::filesystem::path path = OutputsFile(cache_dir, scope, input);
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(path, ec)) continue;
    if (absl::Status s = WriteFileAtomically(path, RenderCacheOutput(origin, *data)); !s.ok()) return s;
    ++written;
  }
  return written;
}

}  // namespace leancache::lake
