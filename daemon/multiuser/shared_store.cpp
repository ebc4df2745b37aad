#include "daemon/multiuser/shared_store.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/fs/fd.h"
#include "common/ltar/archive.h"
#include "daemon/store/blob_name.h"
#include "daemon/store/file_digest.h"
#include "spdlog/spdlog.h"

namespace leancache::multiuser {
namespace {

absl::Status EnsureDir(const std::filesystem::path& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return fs::ErrnoError(errno, absl::StrCat("create ", dir.string()));
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return fs::ErrnoError(errno, absl::StrCat("stat ", dir.string()));
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir.string(), " is not a directory"));
  }
  if ((st.st_mode & 07777) != mode && ::chmod(dir.c_str(), mode) != 0) {
    return fs::ErrnoError(errno, absl::StrCat("chmod ", dir.string()));
  }
  return absl::OkStatus();
}

// After a rename into `dir`: the blob is in place either way; a failed directory fsync only
// means it may not survive a crash, so it is logged, not turned into a refusal.
void SyncAfterRename(const std::filesystem::path& dir) {
  if (absl::Status st = fs::FsyncDir(dir.string()); !st.ok()) {
    spdlog::warn("shared store: {} (the new blob may not survive a crash)", std::string(st.message()));
  }
}

std::string HumanBytes(uint64_t n) {
  if (n >= (uint64_t{1} << 30)) return absl::StrFormat("%.1f GiB", n / double(uint64_t{1} << 30));
  if (n >= (uint64_t{1} << 20)) return absl::StrFormat("%.1f MiB", n / double(uint64_t{1} << 20));
  if (n >= 1024) return absl::StrFormat("%.1f KiB", n / 1024.0);
  return absl::StrCat(n, " bytes");
}

}  // namespace

absl::StatusOr<std::unique_ptr<SharedStore>> SharedStore::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("create shared store ", dir.string()));
  std::filesystem::path canonical = std::filesystem::canonical(dir, ec);
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("resolve shared store ", dir.string()));
  // Readers must be able to traverse the store to open trusted blobs in place.
  if (auto st = EnsureDir(canonical, 0755); !st.ok()) return st;
  if (auto st = EnsureDir(canonical / "blobs", 0755); !st.ok()) return st;
  if (auto st = EnsureDir(canonical / "quarantine", 0700); !st.ok()) return st;
  if (auto st = EnsureDir(canonical / "incoming", 0700); !st.ok()) return st;
  for (auto it = std::filesystem::directory_iterator(canonical / "incoming", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::error_code rm;
    std::filesystem::remove(it->path(), rm);
  }
  return std::unique_ptr<SharedStore>(new SharedStore(canonical));
}

std::filesystem::path SharedStore::TrustedPath(uint64_t key) const {
  return dir_ / "blobs" / store::BlobFileName(key);
}

std::filesystem::path SharedStore::QuarantinePath(uid_t uid, uint64_t key) const {
  return dir_ / "quarantine" / std::to_string(uid) / store::BlobFileName(key);
}

std::optional<BlobEntry> SharedStore::Describe(const std::filesystem::path& path, bool trusted) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  BlobEntry entry{path, static_cast<uint64_t>(st.st_size), "", trusted};
  {
    std::lock_guard lock(cache_mu_);
    auto it = digests_.find(path.string());
    if (it != digests_.end() && it->second.size == entry.size && it->second.mtime_ns == mtime_ns) {
      entry.sha256 = it->second.sha256;
      return entry;
    }
  }
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    spdlog::warn("cannot open shared blob {}: {}", path.string(), std::strerror(errno));
    return std::nullopt;
  }
  auto digest = store::DigestFile(fd.get(), path.string());
  if (!digest.ok()) {
    spdlog::warn("{}", std::string(digest.status().message()));
    return std::nullopt;
  }
  entry.size = digest->size;
  entry.sha256 = store::Sha256Hex(digest->sha256);
  std::lock_guard lock(cache_mu_);
  digests_[path.string()] = {entry.size, mtime_ns, entry.sha256};
  return entry;
}

std::optional<BlobEntry> SharedStore::Find(uint64_t key, uid_t uid) {
  if (auto trusted = Describe(TrustedPath(key), true)) return trusted;
  return Describe(QuarantinePath(uid, key), false);
}

absl::StatusOr<std::filesystem::path> SharedStore::NewIncoming() {
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint64_t r = 0;
    if (::getrandom(&r, sizeof r, 0) != static_cast<ssize_t>(sizeof r)) r ^= ::getpid() + attempt;
    std::filesystem::path path = dir_ / "incoming" / absl::StrFormat("%016x.part", r);
    fs::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.valid()) return path;
    if (errno != EEXIST) return fs::ErrnoError(errno, absl::StrCat("create ", path.string()));
  }
  return absl::InternalError(absl::StrCat("cannot create a temp file in ", (dir_ / "incoming").string()));
}

uint64_t SharedStore::QuarantinedBytes(uid_t uid) const {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir_ / "quarantine" / std::to_string(uid), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += st.st_size;
  }
  return total;
}

void SharedStore::RemoveQuarantinedCopies(uint64_t key, const std::string& sha256, size_t* removed) {
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir_ / "quarantine", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::filesystem::path copy = it->path() / store::BlobFileName(key);
    auto entry = Describe(copy, false);
    if (!entry) continue;
    // A different copy could never be served again (the trusted one wins): it only holds quota.
    if (::unlink(copy.c_str()) == 0) {
      if (entry->sha256 == sha256) ++*removed;
      std::lock_guard lock(cache_mu_);
      digests_.erase(copy.string());
    }
  }
}

absl::StatusOr<AdmitResult> SharedStore::Admit(const std::filesystem::path& temp,
                                               const BlobClaim& claim, uid_t uid, bool trusted,
                                               uint64_t quarantine_quota) {
  const std::string name = store::BlobFileName(claim.key);
  auto drop = [&temp](absl::Status status) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    return status;
  };
  // Verification first, outside the lock: size and digest as announced, and a whole archive.
  {
    fs::Fd fd(::open(temp.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return drop(fs::ErrnoError(errno, absl::StrCat("open ", temp.string())));
    auto digest = store::DigestFile(fd.get(), temp.string());
    if (!digest.ok()) return drop(digest.status());
    if (digest->size != claim.size) {
      return drop(absl::DataLossError(absl::StrCat(name, ": received ", digest->size,
                                                   " bytes, the writer announced ", claim.size)));
    }
    if (store::Sha256Hex(digest->sha256) != claim.sha256) {
      return drop(absl::DataLossError(absl::StrCat(name, ": SHA-256 of the received bytes is ",
                                                   store::Sha256Hex(digest->sha256),
                                                   ", the writer announced ", claim.sha256)));
    }
    if (::fsync(fd.get()) != 0) return drop(fs::ErrnoError(errno, absl::StrCat("fsync ", temp.string())));
  }
  if (auto parsed = ltar::Archive::ReadFile(temp.string()); !parsed.ok()) {
    return drop(absl::InvalidArgumentError(
        absl::StrCat(name, " is not a valid ltar archive: ", parsed.status().message())));
  }

  std::lock_guard lock(admit_mu_);
  AdmitResult result;
  auto existing = Describe(TrustedPath(claim.key), true);
  if (existing) {
    (void)drop(absl::OkStatus());
    if (existing->sha256 == claim.sha256) {
      result.message = absl::StrCat(name, " is already in the shared cache");
      if (trusted) RemoveQuarantinedCopies(claim.key, claim.sha256, &result.promoted);
    } else {
      result.message = absl::StrCat("the shared cache already holds a trusted ", name,
                                    " with different content; this copy was not kept");
    }
    return result;
  }

  if (trusted) {
    if (::chmod(temp.c_str(), 0644) != 0) return drop(fs::ErrnoError(errno, absl::StrCat("chmod ", temp.string())));
    const std::filesystem::path final_path = TrustedPath(claim.key);
    if (::rename(temp.c_str(), final_path.c_str()) != 0) {
      return drop(fs::ErrnoError(errno, absl::StrCat("rename ", temp.string(), " to ", final_path.string())));
    }
    SyncAfterRename(final_path.parent_path());
    RemoveQuarantinedCopies(claim.key, claim.sha256, &result.promoted);
    result.stored = true;
    result.message = absl::StrCat(name, " stored in the shared cache");
    if (result.promoted > 0) {
      absl::StrAppend(&result.message, " (confirms ", result.promoted, " quarantined cop",
                      result.promoted == 1 ? "y" : "ies", ")");
    }
    return result;
  }

  const std::filesystem::path final_path = QuarantinePath(uid, claim.key);
  auto own = Describe(final_path, false);
  if (own && own->sha256 == claim.sha256) {
    (void)drop(absl::OkStatus());
    result.quarantined = true;
    result.message = absl::StrCat(name, " is already in your quarantine");
    return result;
  }
  const uint64_t used = QuarantinedBytes(uid);
  const uint64_t after = used - (own ? own->size : 0) + claim.size;
  if (after > quarantine_quota) {
    return drop(absl::ResourceExhaustedError(absl::StrCat(
        "quarantine quota exceeded for uid ", uid, ": ", HumanBytes(used), " of ",
        HumanBytes(quarantine_quota), " used, ", name, " needs ", HumanBytes(claim.size),
        "; ask the administrator to list you in \"trusted_writers\" or to raise "
        "\"quarantine_quota_bytes\"")));
  }
  if (auto st = EnsureDir(final_path.parent_path(), 0700); !st.ok()) return drop(st);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    return drop(fs::ErrnoError(errno, absl::StrCat("rename ", temp.string(), " to ", final_path.string())));
  }
  SyncAfterRename(final_path.parent_path());
  result.stored = true;
  result.quarantined = true;
  result.message = absl::StrCat(name, " quarantined: served only back to you until a trusted "
                                      "writer stores the same bytes");
  return result;
}

}  // namespace leancache::multiuser
