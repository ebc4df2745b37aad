// Whether an archive file is sound in itself: it parses, and its trace and every entry decode
// (within the default caps) — everything unpacking needs except writing the outputs. Used to
// tell a damaged archive from a failure on the output side (disk full, permissions) after an
// unpack failed, so only damaged archives are dropped from the cache.
#pragma once

#include <filesystem>

#include "absl/status/status.h"

namespace leancache::verify {

// OK if the archive at `path` parses and decodes completely. Errors: the reader's and
// decoder's errors (NotFound, InvalidArgument, DataLoss, ResourceExhausted), naming the archive.
absl::Status ArchiveDecodes(const std::filesystem::path& path);

}  // namespace leancache::verify
