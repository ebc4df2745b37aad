// BlobStore: the archives of one CACHEDIR, laid out exactly like Mathlib's cache tool
// (flat "<CACHEDIR>/<hash16>.ltar"), so an existing cache is reused and the original tool can
// read what we store. Each archive has a record in the index's `blobs` table (size, SHA-256,
// origin, times, users).
//
// Archives enter only through Adopt(): written to a temp file from TempPathFor(), checked
// (ltar header), fsynced, hashed and renamed into place, so a file under its final name is
// always complete. An archive counts as present (Has) only when its file exists and matches the
// indexed size; a zero-byte or truncated file never does. A valid archive that another tool put
// into CACHEDIR after the first scan is indexed the first time Has() sees it.
//
// Thread-safe; several BlobStore objects (and processes) may serve the same CACHEDIR.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "daemon/index/index.h"

namespace leancache::store {

// What EnsureScanned() did.
struct ScanReport {
  bool scanned = false;      // false: the index already knew this CACHEDIR, nothing was read
  size_t indexed = 0;        // valid archives recorded
  size_t invalid = 0;        // "<hash16>.ltar" files that are empty or have no ltar header
  size_t removed_parts = 0;  // stale "*.part" files deleted
  size_t dropped_records = 0;  // index records whose file no longer exists
};

class BlobStore {
 public:
  // Partial downloads older than this are deleted by EnsureScanned().
  static constexpr std::chrono::seconds kStalePartAge{3600};

  // Opens the store for `cache_dir` (created if missing; made absolute and canonical). The
  // index must outlive the store. Errors: the directory cannot be created or resolved.
  static absl::StatusOr<std::unique_ptr<BlobStore>> Open(const std::filesystem::path& cache_dir,
                                                         index::Index* index);

  const std::filesystem::path& dir() const { return dir_; }

  // "<CACHEDIR>/<hash16>.ltar".
  std::filesystem::path Path(uint64_t key) const;

  // True if the archive's file exists and matches its index record's size. A file without a
  // record is checked (header + SHA-256) and indexed on the spot. Index errors are logged and
  // count as "not present".
  bool Has(uint64_t key);

  // Creates a new empty file "<hash16>.ltar.<pid>.<random>.part" in CACHEDIR (O_EXCL) and
  // returns its path, for a download to write to before Adopt().
  absl::StatusOr<std::filesystem::path> TempPathFor(uint64_t key);

  // Admits the finished download `temp` (a file in CACHEDIR) as archive `key`: checks the ltar
  // header, fsyncs, computes SHA-256, renames it over Path(key), fsyncs the directory and
  // records it (origin = URL it came from; users of an earlier record are kept). On any failure
  // before the rename, `temp` is deleted and the error returned (InvalidArgument for a file that
  // is not an ltar archive). Returns the stored record.
  absl::StatusOr<index::BlobRecord> Adopt(const std::filesystem::path& temp, uint64_t key,
                                          std::string_view origin);

  // First time this index meets this CACHEDIR (no scan marker — a new or rebuilt index): indexes
  // every "<hash16>.ltar" (size + SHA-256; empty files and bad headers are left unindexed),
  // drops records of missing files, deletes "*.part" files older than kStalePartAge, then sets
  // the marker. Later calls only read the marker.
  absl::StatusOr<ScanReport> EnsureScanned();

  // Sets last access to now for each key that has a record (one transaction). Returns how many.
  absl::StatusOr<size_t> Touch(absl::Span<const uint64_t> keys);
  absl::StatusOr<size_t> Touch(uint64_t key) { return Touch(absl::MakeConstSpan(&key, 1)); }
  // Adds `project` (a project root) to the users of each key that has a record.
  absl::StatusOr<size_t> AddUser(absl::Span<const uint64_t> keys, std::string_view project);
  absl::StatusOr<size_t> AddUser(uint64_t key, std::string_view project) {
    return AddUser(absl::MakeConstSpan(&key, 1), project);
  }

  // Deletes the archive's record, then its file. Missing either is not an error.
  absl::Status Remove(uint64_t key);

  // [bounded cache] Eviction: deletes the files of `keys` first (so a concurrent Has() sees them
  // gone rather than re-indexing them), then their records in one transaction. Missing files or
  // records are not errors. Returns the bytes of the files actually deleted; errors: the first
  // unlink failure other than ENOENT (the records of the files already deleted are removed).
  absl::StatusOr<uint64_t> RemoveMany(absl::Span<const uint64_t> keys);

  // Keys of all archives recorded for this CACHEDIR, ascending (records only; use Has() to know
  // whether the file is still there).
  absl::StatusOr<std::vector<uint64_t>> ListKeys();

  // Recomputes the file's SHA-256 and compares it (and the size) with the record.
  // Errors: NotFound (no record or no file), DataLoss (size or digest differs).
  absl::Status Verify(uint64_t key);

  // Deletes "*.part" files in CACHEDIR last modified more than `max_age` ago. Returns the count.
  absl::StatusOr<size_t> RemoveStaleParts(std::chrono::seconds max_age);

 private:
  BlobStore(std::filesystem::path dir, index::Index* index) : dir_(std::move(dir)), index_(index) {}
  // Header check + digest of an archive already under its final name, for Has() and scans.
  absl::StatusOr<index::BlobRecord> Examine(uint64_t key) const;

  std::filesystem::path dir_;
  std::string dir_key_;  // dir_ as the index's CACHEDIR key
  index::Index* index_;
  std::mutex scan_mu_;
};

}  // namespace leancache::store
