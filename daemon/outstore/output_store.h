#pragma once
// OutputStore: build outputs unpacked once per machine, content-addressed by the SHA-256 of the
// archive they came from, and placed into each project's build directories by reflink where the
// file system allows it (placement.h). A second project that needs the same archives then costs
// clones instead of decompression, and on a reflink file system almost no disk space.
//
// Layout under the store root (default $XDG_CACHE_HOME/leancache/outputs, store_settings.h):
//   objects/<sha256 hex>/files/...  the archive's outputs (read-only files, paths as in the
//                                   archive, relative to its base directory)
//   objects/<sha256 hex>/list       "leancache-outstore 1\n<bytes>\n" then one relative path
//                                   per line, in placement order: the trace LAST
//   tmp/                            entries being built, and entries being deleted
// An entry is built in tmp/ and renamed into objects/ whole, so objects/ only ever holds complete
// entries; a crash leaves a directory in tmp/ that SweepTemps removes. Everything in the store can
// be rebuilt from the archives, so deleting any entry at any time is safe: a placement that loses
// its entry fails and the caller unpacks from the archive instead.
//
// Thread-safe; several daemons may share one root.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::outstore {

// One complete entry of the store.
struct Entry {
  std::filesystem::path dir;       // objects/<sha>
  std::vector<std::string> files;  // relative paths below dir/files, the trace last
  uint64_t bytes = 0;              // sum of the files' sizes
};

class OutputStore {
 public:
  // The store at `root` (created with objects/ and tmp/ if missing), one instance per root and
  // process. Errors: the directories cannot be created.
  static absl::StatusOr<OutputStore*> At(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path ObjectsDir() const { return root_ / "objects"; }
  std::filesystem::path TempDir() const { return root_ / "tmp"; }

  // The entry for the archive with SHA-256 `sha_hex` (64 lowercase hex digits), if it is
  // complete; marks it used now (its directory's mtime, the LRU order of Prune).
  // Errors: NotFound when absent; DataLoss for an unreadable list.
  absl::StatusOr<Entry> Find(const std::string& sha_hex);

  // Find, or else unpack the archive at `archive` (whose SHA-256 is `sha_hex`) into a new entry.
  // Errors: the unpacker's (a corrupt archive, disk full), naming the archive.
  absl::StatusOr<Entry> Ensure(const std::filesystem::path& archive, const std::string& sha_hex);

  // Bytes of the entries this process knows of (counted once from disk on first use, then kept
  // up to date by Ensure and the prune functions of store_prune.h).
  uint64_t KnownBytes();
  void AddKnownBytes(int64_t delta);
  // Forgets the count, so the next KnownBytes() counts again (after another process changed it).
  void ResetKnownBytes();

 private:
  explicit OutputStore(std::filesystem::path root) : root_(std::move(root)) {}
  absl::StatusOr<Entry> Build(const std::filesystem::path& archive, const std::string& sha_hex);

  std::filesystem::path root_;
  std::atomic<int64_t> known_bytes_{-1};  // -1: not counted yet
};

// Reads the list of the entry in `dir`. Errors: NotFound, DataLoss (malformed).
absl::StatusOr<Entry> ReadEntry(const std::filesystem::path& dir);

// True if `name` is 64 lowercase hex digits (an entry name).
bool IsEntryName(std::string_view name);

}  // namespace leancache::outstore
