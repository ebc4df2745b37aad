// LGZ encoder: olean image(s) -> raw LGZ stream, byte-identical to leantar 0.1.19 (ltar.md §8.5).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace leancache::lgz {

// Encodes 1 olean, or the 3 files of a module (.olean, .olean.server, .olean.private; v2 only,
// chained at consecutive 64 KiB-aligned bases), into one raw LGZ stream.
// Errors (InvalidArgument): wrong file count, bad or inconsistent headers, objects LGZ cannot
// carry (closures, struct arrays, externals, strings with interior NULs, scalar arrays with
// element size > 1), malformed layout (pointers that are not to an earlier object start,
// objects overrunning the file, non-zero reference counts, inconsistent sizes).
// Inputs that encode but would not decode to the same bytes (see EncodeOleansVerified) are NOT
// detected here: this function reproduces leantar, including its lossy cases.
absl::StatusOr<std::string> WriteLgz(absl::Span<const std::string_view> files);

}  // namespace leancache::lgz
