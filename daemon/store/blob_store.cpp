#include "daemon/store/blob_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>
#include <unordered_set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/clock/unix_ms.h"
#include "common/fs/fd.h"
#include "daemon/store/blob_name.h"
#include "daemon/store/file_digest.h"
#include "common/ltar/header.h"
#include "spdlog/spdlog.h"

namespace leancache::store {
namespace {

constexpr size_t kScanBatch = 256;  // records per index transaction while scanning


uint32_t RandomU32() {
  uint32_t v = 0;
  if (::getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) {
    v = static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return v;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BlobStore>> BlobStore::Open(const std::filesystem::path& cache_dir,
                                                           index::Index* index) {
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("create cache directory ", cache_dir.string()));
  std::filesystem::path dir = std::filesystem::canonical(cache_dir, ec);
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("resolve cache directory ", cache_dir.string()));
  std::unique_ptr<BlobStore> store(new BlobStore(dir, index));
  store->dir_key_ = dir.string();
  return store;
}

std::filesystem::path BlobStore::Path(uint64_t key) const { return dir_ / BlobFileName(key); }

absl::StatusOr<index::BlobRecord> BlobStore::Examine(uint64_t key) const {
  std::string path = Path(key).string();
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::ErrnoError(errno, absl::StrCat("open ", path));
  absl::StatusOr<ltar::Header> header = ltar::ReadHeader(fd.get(), path);
  if (!header.ok()) return header.status();
  absl::StatusOr<FileDigest> digest = DigestFile(fd.get(), path);
  if (!digest.ok()) return digest.status();
  index::BlobRecord record;
  record.size = digest->size;
  record.sha256 = digest->sha256;
  record.added_ms = record.last_access_ms = clock::UnixMs();
  return record;
}

bool BlobStore::Has(uint64_t key) {
  std::string path = Path(key).string();
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return false;
  absl::StatusOr<std::optional<index::BlobRecord>> record = index_->GetBlob(dir_key_, key);
  if (!record.ok()) {
    spdlog::warn("index lookup for {} failed: {}", path, std::string(record.status().message()));
    return false;
  }
  if (*record) return (*record)->size == static_cast<uint64_t>(st.st_size);
  // Put there by another tool (or a crash between rename and index write): admit it if valid.
  absl::StatusOr<index::BlobRecord> found = Examine(key);
  if (!found.ok()) {
    spdlog::debug("{} is not usable: {}", path, std::string(found.status().message()));
    return false;
  }
  if (absl::Status s = index_->PutBlob(dir_key_, key, *found); !s.ok()) {
    spdlog::warn("indexing {} failed: {}", path, std::string(s.message()));
    return false;
  }
  return true;
}

absl::StatusOr<std::filesystem::path> BlobStore::TempPathFor(uint64_t key) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::filesystem::path path =
        dir_ / absl::StrFormat("%s.%d.%08x.part", BlobFileName(key), ::getpid(), RandomU32());
    fs::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.valid()) return path;
    if (errno != EEXIST) return fs::ErrnoError(errno, absl::StrCat("create ", path.string()));
  }
  return absl::InternalError(absl::StrCat("cannot create a unique temp file in ", dir_.string()));
}

absl::StatusOr<index::BlobRecord> BlobStore::Adopt(const std::filesystem::path& temp, uint64_t key,
                                                   std::string_view origin) {
  const std::string temp_name = temp.string();
  auto fail = [&](absl::Status status) {
    ::unlink(temp_name.c_str());
    return status;
  };
  fs::Fd fd(::open(temp_name.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail(fs::ErrnoError(errno, absl::StrCat("open ", temp_name)));
  absl::StatusOr<ltar::Header> header = ltar::ReadHeader(fd.get(), temp_name);
  if (!header.ok()) return fail(header.status());
  if (::fsync(fd.get()) != 0) return fail(fs::ErrnoError(errno, absl::StrCat("fsync ", temp_name)));
  absl::StatusOr<FileDigest> digest = DigestFile(fd.get(), temp_name);
  if (!digest.ok()) return fail(digest.status());
  fd.Reset();

  const std::string final_name = Path(key).string();
  if (::rename(temp_name.c_str(), final_name.c_str()) != 0) {
    return fail(fs::ErrnoError(errno, absl::StrCat("rename ", temp_name, " to ", final_name)));
  }
  if (absl::Status s = fs::FsyncDir(dir_.string()); !s.ok()) {
    // The archive is complete under its name either way; only durability across a power loss
    // is in doubt, and a lost rename just means a re-download.
    spdlog::warn("{}", std::string(s.message()));
  }

  index::BlobRecord record;
  record.size = digest->size;
  record.sha256 = digest->sha256;
  record.origin = std::string(origin);
  record.added_ms = record.last_access_ms = clock::UnixMs();
  absl::StatusOr<std::optional<index::BlobRecord>> previous = index_->GetBlob(dir_key_, key);
  if (previous.ok() && *previous) record.users = (*previous)->users;
  if (absl::Status s = index_->PutBlob(dir_key_, key, record); !s.ok()) {
    // The file stays: it is valid, and Has() indexes it when it next looks.
    return absl::Status(s.code(), absl::StrCat("recording ", final_name, " in the index: ", s.message()));
  }
  return record;
}

absl::StatusOr<size_t> BlobStore::RemoveStaleParts(std::chrono::seconds max_age) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir_, ec);
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("list ", dir_.string()));
  const auto now = std::chrono::system_clock::now();
  size_t removed = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("list ", dir_.string()));
    if (!IsPartialFileName(it->path().filename().string())) continue;
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto mtime = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    if (now - mtime <= max_age) continue;
    if (::unlink(it->path().c_str()) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      spdlog::warn("cannot remove stale partial download {}: {}", it->path().string(), strerror(errno));
    }
  }
  return removed;
}

absl::StatusOr<ScanReport> BlobStore::EnsureScanned() {
  std::lock_guard lock(scan_mu_);
  ScanReport report;
  absl::StatusOr<std::optional<int64_t>> marker = index_->CacheDirScannedAt(dir_key_);
  if (!marker.ok()) return marker.status();
  if (*marker) return report;
  report.scanned = true;

  // Archive names first, so the digests are not interleaved with directory reads.
  std::vector<uint64_t> keys;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir_, ec);
  if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("list ", dir_.string()));
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return fs::ErrnoError(ec.value(), absl::StrCat("list ", dir_.string()));
    if (std::optional<uint64_t> key = ParseBlobFileName(it->path().filename().string())) {
      keys.push_back(*key);
    }
  }
  std::sort(keys.begin(), keys.end());

  absl::StatusOr<std::vector<std::pair<uint64_t, index::BlobRecord>>> known = index_->ListBlobs(dir_key_);
  if (!known.ok()) return known.status();
  std::unordered_set<uint64_t> on_disk(keys.begin(), keys.end());
  absl::flat_hash_map<uint64_t, index::BlobRecord> known_by_key;
  for (auto& [key, record] : *known) {
    if (!on_disk.count(key)) {
      absl::StatusOr<bool> removed = index_->RemoveBlob(dir_key_, key);
      if (!removed.ok()) return removed.status();
      ++report.dropped_records;
    } else {
      known_by_key.emplace(key, std::move(record));
    }
  }

  std::vector<std::pair<uint64_t, index::BlobRecord>> batch;
  auto flush = [&]() -> absl::Status {
    absl::Status s = index_->PutBlobs(dir_key_, batch);
    batch.clear();
    return s;
  };
  for (uint64_t key : keys) {
    absl::StatusOr<index::BlobRecord> found = Examine(key);
    auto previous = known_by_key.find(key);
    if (!found.ok()) {
      if (absl::IsNotFound(found.status())) continue;  // deleted meanwhile
      spdlog::info("not indexing {}: {}", Path(key).string(), std::string(found.status().message()));
      ++report.invalid;
      if (previous != known_by_key.end()) {
        absl::StatusOr<bool> removed = index_->RemoveBlob(dir_key_, key);
        if (!removed.ok()) return removed.status();
      }
      continue;
    }
    ++report.indexed;
    if (previous != known_by_key.end() && previous->second.size == found->size &&
        previous->second.sha256 == found->sha256) {
      continue;  // already recorded correctly; keep its origin, times and users
    }
    batch.emplace_back(key, *std::move(found));
    if (batch.size() >= kScanBatch) {
      if (absl::Status s = flush(); !s.ok()) return s;
    }
  }
  if (absl::Status s = flush(); !s.ok()) return s;

  absl::StatusOr<size_t> removed = RemoveStaleParts(kStalePartAge);
  if (!removed.ok()) return removed.status();
  report.removed_parts = *removed;

  if (absl::Status s = index_->MarkCacheDirScanned(dir_key_, clock::UnixMs()); !s.ok()) return s;
  spdlog::info("indexed cache directory {}: {} archives, {} unusable, {} stale partial files removed",
               dir_.string(), report.indexed, report.invalid, report.removed_parts);
  return report;
}

absl::StatusOr<size_t> BlobStore::Touch(absl::Span<const uint64_t> keys) {
  const int64_t now = clock::UnixMs();
  return index_->UpdateBlobs(dir_key_, keys, [now](index::BlobRecord& r) {
    r.last_access_ms = std::max(r.last_access_ms, now);
  });
}

absl::StatusOr<size_t> BlobStore::AddUser(absl::Span<const uint64_t> keys, std::string_view project) {
  std::string user(project);
  return index_->UpdateBlobs(dir_key_, keys, [&user](index::BlobRecord& r) { r.users.insert(user); });
}

absl::Status BlobStore::Remove(uint64_t key) {
  absl::StatusOr<bool> removed = index_->RemoveBlob(dir_key_, key);
  if (!removed.ok()) return removed.status();
  std::string path = Path(key).string();
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return fs::ErrnoError(errno, absl::StrCat("remove ", path));
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> BlobStore::RemoveMany(absl::Span<const uint64_t> keys) {
  uint64_t freed = 0;
  std::vector<uint64_t> gone;
  gone.reserve(keys.size());
  absl::Status failure;
  for (uint64_t key : keys) {
    std::string path = Path(key).string();
    struct stat st;
    uint64_t size = ::lstat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    if (::unlink(path.c_str()) == 0) {
      freed += size;
    } else if (errno != ENOENT) {
      failure = fs::ErrnoError(errno, absl::StrCat("remove ", path));
      break;
    }
    gone.push_back(key);
  }
  absl::StatusOr<size_t> removed = index_->RemoveBlobs(dir_key_, gone);
  if (!removed.ok()) return removed.status();
  if (!failure.ok()) return failure;
  return freed;
}

absl::StatusOr<std::vector<uint64_t>> BlobStore::ListKeys() {
  absl::StatusOr<std::vector<std::pair<uint64_t, index::BlobRecord>>> records = index_->ListBlobs(dir_key_);
  if (!records.ok()) return records.status();
  std::vector<uint64_t> keys;
  keys.reserve(records->size());
  for (const auto& [key, record] : *records) keys.push_back(key);
  return keys;
}

absl::Status BlobStore::Verify(uint64_t key) {
  std::string path = Path(key).string();
  absl::StatusOr<std::optional<index::BlobRecord>> record = index_->GetBlob(dir_key_, key);
  if (!record.ok()) return record.status();
  if (!*record) return absl::NotFoundError(absl::StrCat(path, ": no index record"));
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fs::ErrnoError(errno, absl::StrCat("open ", path));
  absl::StatusOr<FileDigest> digest = DigestFile(fd.get(), path);
  if (!digest.ok()) return digest.status();
  if (digest->size != (*record)->size) {
    return absl::DataLossError(absl::StrCat(path, ": size ", digest->size, ", recorded ", (*record)->size));
  }
  if (digest->sha256 != (*record)->sha256) {
    return absl::DataLossError(absl::StrCat(path, ": SHA-256 ", Sha256Hex(digest->sha256), ", recorded ",
                                            Sha256Hex((*record)->sha256)));
  }
  return absl::OkStatus();
}

}  // namespace leancache::store
