// zstd layer of the .ltar format (spec §6): level-19 streaming frames without content size or
// checksum (window 8 MiB), optionally with the embedded leangz v1 dictionary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::ltar {

// Compresses `data` into one zstd frame exactly as leantar 0.1.19 does for mode 0: level 19,
// source size not pledged (no content-size field, except for empty input), no checksum.
absl::StatusOr<std::string> ZstdCompress(std::string_view data);

// Same, with the prepared leangz v1 dictionary (modes 1/5): the frame carries dictID 0x5F4737D2.
absl::StatusOr<std::string> ZstdCompressWithDictionary(std::string_view data);

// Decompresses one or more concatenated zstd frames (with the leangz dictionary if
// `with_dictionary`). Errors: DataLoss if the input ends inside a frame or holds no frame,
// ResourceExhausted if the output would exceed `max_output_bytes`, InvalidArgument for any
// other zstd error. `what` names the entry in messages.
absl::StatusOr<std::string> ZstdDecompress(std::string_view frames, bool with_dictionary,
                                           uint64_t max_output_bytes, std::string_view what);

// ZstdDecompress into a buffer owned by the calling thread: the view stays valid until the
// thread's next call (no allocation or zero-fill per call once the buffer has grown).
absl::StatusOr<std::string_view> ZstdDecompressToScratch(std::string_view frames, bool with_dictionary,
                                                         uint64_t max_output_bytes, std::string_view what);

}  // namespace leancache::ltar
