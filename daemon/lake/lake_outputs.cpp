#include "daemon/lake/lake_outputs.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"
#include "common/fs/fd.h"

namespace leancache::lake {

absl::Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes, bool fsync) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
  fs::AtomicFile::Options options;
  options.mode = 0644;
  options.fsync = fsync;
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
    std::string text = RenderCacheOutput(origin, *data);
    if (absl::StatusOr<std::string> old = fs::ReadFile(path.string(), text.size() + 1); old.ok() && *old == text) {
      continue;  // unchanged: a no-op get writes nothing
    }
    if (absl::Status s = WriteFileAtomically(path, text, /*fsync=*/false); !s.ok()) return s;
    ++written;
  }
  return written;
}

}  // namespace leancache::lake
