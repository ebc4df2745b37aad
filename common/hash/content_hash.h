// File-content hash `Hc` of Mathlib's cache (spec: mathlib-cache.md §1.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::hash {

// Lean `String.crlfToLf`: replaces each "\r\n" with "\n", left to right, non-overlapping.
// A lone '\r' stays, so "\r\r\n" becomes "\r\n".
std::string CrlfToLf(std::string_view text);

// True when `bytes` is well-formed UTF-8 (as Lean's `String.validateUTF8`: no overlongs, no
// surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Hc(file) = StringHash(CrlfToLf(bytes)). Errors (InvalidArgument) when `bytes` is not valid
// UTF-8, like Lean's IO.FS.readFile; the caller adds the file name to the message.
absl::StatusOr<uint64_t> ContentHash(std::string_view bytes);

}  // namespace leancache::hash
