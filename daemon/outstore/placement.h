#pragma once
// Placing one output-store entry into a project: every file is cloned (reflink, else an
// in-kernel copy, else read/write: common/fs/clone_file.h) into a temporary file beside its
// target, and only when all of them are written are they renamed into place, the trace LAST —
// the guarantees of the unpacker (common/ltar/unpacker.h): after a crash the old trace still
// says "not unpacked", and no target is ever a partial file. The placed files are the
// project's own: a reflink shares extents copy-on-write, so a build rewriting a file in one
// project never changes the store or another project. (Hard links would not guarantee that,
// so they are not offered.)

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/fs/clone_file.h"
#include "daemon/outstore/output_store.h"

namespace leancache::outstore {

struct PlaceOptions {
  fs::CloneOptions clone;
};

struct PlaceResult {
  std::vector<std::string> written;  // target paths, in rename order (the trace last)
  std::array<size_t, 3> by_method{};  // files per fs::CloneMethod
};

// Places `entry` below the directory `base` (created if missing; paths confined to it).
// Errors: a missing or unreadable store file (NotFound / I/O: the entry was pruned meanwhile),
// a target that cannot be written (ENOSPC, permissions), naming the path; on error no target
// has been created or replaced and the directories this call created are removed again.
absl::StatusOr<PlaceResult> Place(const Entry& entry, const std::filesystem::path& base,
                                  const PlaceOptions& options);

}  // namespace leancache::outstore
