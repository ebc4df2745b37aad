// LakeBlobStore: a directory of content-addressed Lake blobs (layer 2, next to daemon/store).
// Each blob is named by `name_of(hash, ext)`: "<hash16>.<ext>" in Lake's cache dir artifacts/
// (LakeName), or "<hash16>.art" in the loopback service's store (ServiceName). The hash is
// Lake's content hash, ByteArray.hash of the bytes (spec lean-hash.md §A.1).
//
// Blobs enter only through Adopt(): the bytes are verified against the hash, SHA-256 is
// computed, the file is made read-only (0444, like Lake's), fsynced and renamed into place, so a
// file under its final name is always complete and verified. Each blob has a record in the
// daemon index's `blobs` table under this directory (keyed by the Lake hash: size, SHA-256,
// origin, added/last access, users) and so counts in the index's blob bytes with the Mathlib
// archives; eviction (daemon/lake/lake_evict.h) removes records and files together. Several
// extensions of one hash (same bytes) share one record; each has its own file (Lake copies too).
//
// Thread-safe; several stores (and processes) may serve the same directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/fs/owned_file.h"
#include "daemon/index/index.h"

namespace leancache::lakestore {

struct LakeBlobInfo {
  uint64_t lake_hash = 0;
  uint64_t size = 0;
  std::string sha256_hex;
  std::filesystem::path path;
};

class LakeBlobStore {
 public:
  using NameFn = std::function<std::string(uint64_t hash, std::string_view ext)>;
  // "<hash16>.<ext>" (Lake's artifacts/ dir).
  static std::string LakeName(uint64_t hash, std::string_view ext);
  // "<hash16>.art" whatever the extension (a remote/service store).
  static std::string ServiceName(uint64_t hash, std::string_view ext);

  // Opens (creating it, 0755) the directory `dir`; made absolute and canonical. `index` must
  // outlive the store. Errors: the directory cannot be created or resolved.
  static absl::StatusOr<std::unique_ptr<LakeBlobStore>> Open(const std::filesystem::path& dir,
                                                             index::Index* index,
                                                             NameFn name_of = LakeName);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path PathOf(uint64_t lake_hash, std::string_view ext) const;

  // Verifies ByteArray.hash(bytes of temp_path) == lake_hash, computes SHA-256, fsyncs, renames
  // into place read-only (0444), records it (adding `user`, a project root or user name, when
  // non-empty; `origin` is where the bytes came from); idempotent when an equal blob is present.
  // On mismatch: DataLoss naming expected and actual hash, temp file removed, nothing stored.
  // The temp file is consumed (removed or renamed) in every case.
  absl::StatusOr<LakeBlobInfo> Adopt(uint64_t lake_hash, std::string_view ext,
                                     const std::filesystem::path& temp_path, std::string_view user,
                                     std::string_view origin = "");

  // For bulk arrivals (a get of thousands of small artifacts): Adopt without the per-blob
  // directory fsync and index write. The caller must later call SyncDir() and RecordAll() with
  // the returned infos (until then the blobs are present but unrecorded; Find records such a
  // file on the spot after verifying it, so a crash in between loses nothing). The temp file's
  // data must already be durable (the transport fsyncs every delivered GET), so it is not
  // fsynced again: a crash can at worst lose the read-only mode, never the bytes.
  absl::StatusOr<LakeBlobInfo> AdoptDeferred(uint64_t lake_hash, std::string_view ext,
                                             const std::filesystem::path& temp_path);
  // Records many adopted blobs in one index transaction (user added, origin set on new records).
  absl::Status RecordAll(const std::vector<LakeBlobInfo>& blobs, std::string_view user, std::string_view origin);
  // fsyncs the store's directory (makes deferred renames durable).
  absl::Status SyncDir();

  // A present blob (size re-checked against the record), else NotFound. A file without a record
  // (Lake wrote it itself) is verified and recorded on the spot; one whose bytes do not match
  // its name is DataLoss (and left alone). Size mismatch with the record: DataLoss.
  absl::StatusOr<LakeBlobInfo> Find(uint64_t lake_hash, std::string_view ext);

  // A new empty temp file inside the store's directory for a download of `lake_hash` (same file
  // system, unique, O_EXCL, an AtomicFile-style ".lctmp.<pid>.*" name the temp sweep knows).
  absl::StatusOr<fs::OwnedFile> NewTemp(uint64_t lake_hash);

  // Sets last access to now and adds `user` (if non-empty) for each recorded hash.
  absl::StatusOr<size_t> Touch(absl::Span<const uint64_t> hashes, std::string_view user);

  // All records of this directory, by hash.
  absl::StatusOr<std::vector<std::pair<uint64_t, index::BlobRecord>>> List();

  // Deletes every file of each hash ("<hash16>.*" in the directory) then the records. Returns
  // the bytes freed (record sizes of the hashes whose files were deleted).
  absl::StatusOr<uint64_t> Remove(absl::Span<const uint64_t> hashes);

  // The directory as the index's cache-dir key.
  const std::string& index_key() const { return dir_key_; }

 private:
  LakeBlobStore(std::filesystem::path dir, index::Index* index, NameFn name_of)
      : dir_(std::move(dir)), dir_key_("lake:" + dir_.string()), index_(index), name_of_(std::move(name_of)) {}
  // Adopt up to the rename; `deferred` skips the file's fsync, the directory fsync and the record.
  absl::StatusOr<LakeBlobInfo> AdoptImpl(uint64_t lake_hash, std::string_view ext,
                                         const std::filesystem::path& temp_path, std::string_view user,
                                         std::string_view origin, bool deferred);
  absl::StatusOr<LakeBlobInfo> Record(uint64_t lake_hash, const std::filesystem::path& path, uint64_t size,
                                      const index::Sha256& sha, std::string_view user, std::string_view origin);

  std::filesystem::path dir_;
  std::string dir_key_;
  index::Index* index_;
  NameFn name_of_;
};

}  // namespace leancache::lakestore
