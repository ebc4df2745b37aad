#pragma once
// The Lake service's revision (mapping) files: <root>/<scope…>/<rev>.jsonl, raw (uriEncoded)
// scope components as directory names. Files appear only complete (temp file in <root>/.incoming,
// fsync, rename); a later PUT of the same revision replaces the file, as on S3. Misses are never
// recorded: a revision published upstream after a miss is found by the next request.

#include <filesystem>

#include "absl/status/statusor.h"
#include "common/fs/fd.h"
#include "daemon/lakesvc/request_path.h"

namespace leancache::lakesvc {

class RevisionStore {
 public:
  // Creates <root> and <root>/.incoming (0700) and removes temp files left there by dead
  // processes. Errors: the directories cannot be created.
  static absl::StatusOr<RevisionStore> Open(const std::filesystem::path& root);

  // The file of `rev` (kind kRevision), opened read-only, and its size. NotFound if absent.
  absl::StatusOr<std::pair<fs::Fd, uint64_t>> Open(const ObjectPath& rev) const;

  // A new unique temp path in <root>/.incoming (nothing created yet).
  std::filesystem::path NewTempPath() const;

  // Moves the complete file `temp` (on this file system) into place for `rev`, 0644, after
  // fsyncing it. The temp file is gone afterwards in every case.
  absl::Status Commit(const ObjectPath& rev, const std::filesystem::path& temp) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit RevisionStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path PathOf(const ObjectPath& rev) const;
  std::filesystem::path root_;
};

}  // namespace leancache::lakesvc
