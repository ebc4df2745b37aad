#include "daemon/pack/staging.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"
#include "daemon/store/blob_name.h"
#include "daemon/store/blob_store.h"

namespace leancache::pack {
namespace {

namespace fsys = std::filesystem;

// Streams `from` into `out` in chunks.
absl::Status CopyInto(const fsys::path& from, fs::AtomicFile& out) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(from.string(), " not found"));
  std::string buffer(1 << 20, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize got = in.gcount();
    if (got <= 0) break;
    if (auto st = out.Write(std::string_view(buffer.data(), static_cast<size_t>(got))); !st.ok()) {
      return st;
    }
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", from.string()));
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckStagingDir(const fsys::path& dir) {
  std::error_code ec;
  if (!fsys::is_directory(dir, ec)) {
    return absl::InvalidArgumentError("--staging-dir must be a directory");
  }
  return absl::OkStatus();
}

absl::Status CopyFileAtomic(const fsys::path& from, const fsys::path& to) {
  fs::AtomicFile::Options options;
  options.fsync = false;
  auto out = fs::AtomicFile::Create(to.string(), options);
  if (!out.ok()) return out.status();
  if (auto st = CopyInto(from, *out); !st.ok()) return st;
  return out->Commit();
}

absl::StatusOr<size_t> StageArchives(const fsys::path& cache_dir, const std::vector<std::string>& names,
                                     const fsys::path& staging_dir) {
  size_t copied = 0;
  for (const std::string& name : names) {
    if (auto st = CopyFileAtomic(cache_dir / name, staging_dir / name); !st.ok()) {
      return absl::Status(st.code(), absl::StrCat("cannot stage ", name, " into ",
                                                  staging_dir.string(), ": ", st.message()));
    }
    ++copied;
  }
  return copied;
}

absl::StatusOr<UnstageReport> UnstageArchives(const fsys::path& staging_dir, const fsys::path& cache_dir,
                                              bool force, store::BlobStore* store) {
  std::error_code ec;
  std::vector<fsys::path> found;
  for (fsys::recursive_directory_iterator it(staging_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".ltar") found.push_back(it->path());
  }
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot read --staging-dir ", staging_dir.string(), ": ",
                                            ec.message()));
  }
  std::sort(found.begin(), found.end());
  fsys::create_directories(cache_dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot create ", cache_dir.string(), ": ", ec.message()));
  }
  UnstageReport report;
  for (const fsys::path& src : found) {
    const std::string name = src.filename().string();
    const fsys::path dest = cache_dir / name;
    if (!force && fsys::exists(dest, ec)) {
      ++report.skipped_existing;
      continue;
    }
    auto key = store != nullptr ? store::ParseBlobFileName(name) : std::nullopt;
    if (!key) {
      if (auto st = CopyFileAtomic(src, dest); !st.ok()) return st;
      ++report.copied;
      continue;
    }
    auto temp = store->TempPathFor(*key);
    if (!temp.ok()) return temp.status();
    // TempPathFor created the file; overwrite it through an atomic copy onto that name.
    if (auto st = CopyFileAtomic(src, *temp); !st.ok()) {
      fsys::remove(*temp, ec);
      return st;
    }
    auto adopted = store->Adopt(*temp, *key, absl::StrCat("unstage:", src.string()));
    if (!adopted.ok()) {
      if (absl::IsInvalidArgument(adopted.status())) {
        report.rejected.push_back(absl::StrCat(src.string(), ": ", adopted.status().message()));
        continue;
      }
      return adopted.status();
    }
    ++report.copied;
  }
  return report;
}

}  // namespace leancache::pack
