#pragma once
// The commit manifest of `commit`/`commit!` (spec §8): the distinct cache keys of the project,
// ascending as unsigned 64-bit, in decimal, joined with "\n", with a trailing "\n" (empty input:
// empty text). Uploading it is the upload code's job.

#include <string>

#include "common/keys/key_graph.h"

namespace leancache::pack {

std::string CommitManifest(const keys::KeyResult& keys);

}  // namespace leancache::pack
