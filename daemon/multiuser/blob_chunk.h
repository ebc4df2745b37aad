#pragma once
// The chunk size of the blob RPCs, shared by the system daemon's handlers
// (service/blob_service.cpp) and the per-user daemon's client (upstream.cpp).

#include <cstddef>

namespace leancache::multiuser {

// Size of the data in one BlobChunk (well under the daemon's 16 MiB message limit).
inline constexpr size_t kBlobChunkBytes = 1 << 20;

}  // namespace leancache::multiuser
