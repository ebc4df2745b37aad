#pragma once
// The system daemon's blob store (see daemon/multiuser/README.md):
//
//   <dir>/blobs/<hash16>.ltar              trusted archives, 0644 in a 0755 directory: any reader
//                                          may open() them directly (read without copying)
//   <dir>/quarantine/<uid>/<hash16>.ltar   untrusted writes, 0600 in 0700 directories: served
//                                          only to their writer, through ReadBlob
//   <dir>/incoming/                        WriteBlob streams in progress (0700)
//
// Trust is decided by the caller (TrustPolicy); this class only keeps the two kinds apart and
// enforces the rules: every admitted file matches its announced size and SHA-256 and parses as
// an ltar archive; a trusted archive is never replaced (the first trusted copy of a key wins);
// a trusted write promotes quarantined copies with the same SHA-256 (their writers get the
// trusted file now) and drops the other quarantined copies of that key (never servable again);
// quarantined bytes per uid stay within a quota.
//
// Thread-safe. One process owns a store directory at a time.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace leancache::multiuser {

struct BlobEntry {
  std::filesystem::path path;
  uint64_t size = 0;
  std::string sha256;  // lowercase hex
  bool trusted = false;
};

struct AdmitResult {
  bool stored = false;       // a new file was kept
  bool quarantined = false;  // the caller's copy is (now or already) in its quarantine
  size_t promoted = 0;       // quarantined copies with the same SHA-256 this trusted write confirmed
  std::string message;
};

// A WriteBlob's claim about the stream that follows.
struct BlobClaim {
  uint64_t key = 0;
  uint64_t size = 0;
  std::string sha256;  // lowercase hex, 64 digits
};

class SharedStore {
 public:
  // Creates the layout under `dir` (modes as above) and deletes leftovers in incoming/.
  // Errors: a directory cannot be created or its mode set.
  static absl::StatusOr<std::unique_ptr<SharedStore>> Open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }

  // The trusted archive for `key`, else `uid`'s own quarantined one, else nullopt. I/O errors
  // while hashing count as "not found" (logged).
  std::optional<BlobEntry> Find(uint64_t key, uid_t uid);

  // Creates an empty private file in incoming/ for one WriteBlob stream.
  absl::StatusOr<std::filesystem::path> NewIncoming();

  // Verifies `temp` (size, SHA-256 and ltar parse against `claim`) and admits it as trusted or
  // into `uid`'s quarantine. `temp` is always gone afterwards. Errors: DataLoss (size or digest
  // differs), InvalidArgument (not an ltar archive), ResourceExhausted (quarantine quota: the
  // message says how much is used and allowed), I/O errors naming the path.
  absl::StatusOr<AdmitResult> Admit(const std::filesystem::path& temp, const BlobClaim& claim,
                                    uid_t uid, bool trusted, uint64_t quarantine_quota);

  // Bytes currently quarantined for `uid`.
  uint64_t QuarantinedBytes(uid_t uid) const;

 private:
  explicit SharedStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path TrustedPath(uint64_t key) const;
  std::filesystem::path QuarantinePath(uid_t uid, uint64_t key) const;
  // SHA-256 of an admitted file, cached by (size, mtime).
  std::optional<BlobEntry> Describe(const std::filesystem::path& path, bool trusted);
  void RemoveQuarantinedCopies(uint64_t key, const std::string& sha256, size_t* removed);

  struct Cached {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    std::string sha256;
  };
  std::filesystem::path dir_;
  std::mutex admit_mu_;          // one admission at a time (quota and "first trusted wins")
  std::mutex cache_mu_;
  std::map<std::string, Cached> digests_;
};

}  // namespace leancache::multiuser
