#include "daemon/lakesvc/revision_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/fs/temp_sweep.h"
#include "spdlog/spdlog.h"

namespace leancache::lakesvc {
namespace {

constexpr char kIncoming[] = ".incoming";

absl::Status FsyncFile(const std::filesystem::path& path) {
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::ErrnoError(errno, path.string());
  if (::fchmod(fd.get(), 0644) != 0 || ::fsync(fd.get()) != 0) return fs::ErrnoError(errno, path.string());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RevisionStore> RevisionStore::Open(const std::filesystem::path& root) {
  std::error_code ec;
  std::filesystem::create_directories(root / kIncoming, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", (root / kIncoming).string(), ": ", ec.message()));
  ::chmod((root / kIncoming).c_str(), 0700);
  if (auto swept = fs::RemoveAbandonedTemps((root / kIncoming).string()); !swept.ok()) {
    spdlog::warn("lake service: {}", swept.status().ToString());
  }
  return RevisionStore(root);
}

std::filesystem::path RevisionStore::PathOf(const ObjectPath& rev) const {
  std::filesystem::path p = root_;
  for (const std::string& c : rev.scope) p /= c;
  return p / rev.FileName();
}

absl::StatusOr<std::pair<fs::Fd, uint64_t>> RevisionStore::Open(const ObjectPath& rev) const {
  const std::filesystem::path path = PathOf(rev);
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) return absl::NotFoundError(absl::StrCat("no revision file ", rev.Suffix()));
    return fs::ErrnoError(errno, path.string());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fs::ErrnoError(errno, path.string());
  if (!S_ISREG(st.st_mode)) return absl::NotFoundError(absl::StrCat("no revision file ", rev.Suffix()));
  return std::make_pair(std::move(fd), static_cast<uint64_t>(st.st_size));
}

std::filesystem::path RevisionStore::NewTempPath() const {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string suffix(6, 'x');  // the sweep's name pattern wants exactly 6 characters
  for (char& c : suffix) c = kChars[rng() % (sizeof kChars - 1)];
  return fs::TempName((root_ / kIncoming).string(), ::getpid(), suffix);
}

absl::Status RevisionStore::Commit(const ObjectPath& rev, const std::filesystem::path& temp) const {
  const std::filesystem::path target = PathOf(rev);
  absl::Status status = FsyncFile(temp);
  std::error_code ec;
  if (status.ok()) {
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) status = absl::InternalError(absl::StrCat("cannot create ", target.parent_path().string(), ": ", ec.message()));
  }
  if (status.ok() && ::rename(temp.c_str(), target.c_str()) != 0) status = fs::ErrnoError(errno, target.string());
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
}

}  // namespace leancache::lakesvc
