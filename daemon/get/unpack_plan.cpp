#include "daemon/get/unpack_plan.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/fs/atomic_file.h"

namespace leancache::get {
namespace {

std::optional<std::string> ReadSmallFile(const std::filesystem::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(limit, '\0');
  in.read(data.data(), static_cast<std::streamsize>(limit));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

}  // namespace

std::filesystem::path UnpackBase(const keys::ModuleEntry& entry,
                                 const std::filesystem::path& project_root,
                                 const std::filesystem::path& mathlib_dir) {
  if (entry.package_dir.lexically_normal() == mathlib_dir.lexically_normal()) return mathlib_dir;
  return project_root;
}

std::filesystem::path TracePath(const keys::ModuleEntry& entry) {
  return entry.package_dir / ".lake/build/lib/lean" / (entry.relative + ".trace");
}

bool AlreadyUnpacked(const std::filesystem::path& archive, const keys::ModuleEntry& entry,
                     DepHashCache& cache) {
  auto header = cache.ArchiveDepHash(archive);
  if (!header) return false;
  auto trace = cache.TraceDepHash(TracePath(entry));
  return trace && *trace == *header;
}

std::filesystem::path RootHashRecordPath(const std::filesystem::path& project_root) {
  return project_root / ".lake/build/.mathlib-cache-roothash";
}

std::optional<uint64_t> ReadRootHashRecord(const std::filesystem::path& project_root) {
  auto text = ReadSmallFile(RootHashRecordPath(project_root), 64);
  if (!text) return std::nullopt;
  std::string trimmed(absl::StripAsciiWhitespace(*text));
  uint64_t value = 0;
  if (trimmed.size() != 16 || !absl::SimpleHexAtoi(trimmed, &value)) return std::nullopt;
  return value;
}

absl::Status WriteRootHashRecord(const std::filesystem::path& project_root, uint64_t root_hash) {
  auto path = RootHashRecordPath(project_root);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
  }
  auto file = fs::AtomicFile::Create(path.string());
  if (!file.ok()) return file.status();
  if (auto st = file->Write(absl::StrFormat("%016x\n", root_hash)); !st.ok()) return st;
  return file->Commit();
}

}  // namespace leancache::get
