// Lake `.trace` files as leantar 0.1.19 understands them (spec §4.1, §5.1): choosing the
// container version and trace entry when packing, and reading the depHash of an existing trace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/ltar/format.h"

namespace leancache::ltar {

// What the writer stores for a trace file.
struct TracePlan {
  ContainerVersion version = ContainerVersion::kV1;
  uint64_t dep_hash = 0;  // goes into the header
  // v2/v3 only: the trace entry. kHashJson (value = dep_hash) or kZstd (payload = entry_text).
  Mode entry_mode = Mode::kHashJson;
  std::string entry_text;  // kZstd: the re-serialised v3 trace
};

// Analyses the text of a trace file:
//  * whole text is a u64 in Rust syntax ("+"? digits) -> v1, no trace entry;
//  * JSON object without "schemaVersion" -> v2, "depHash" must be a decimal string -> mode 3;
//  * JSON with "schemaVersion":"2025-09-10" -> v3, hex "depHash"; "trace"-level log entries
//    dropped; no outputs and no remaining log -> mode 3; else mode 0 with compact JSON in the
//    order schemaVersion, log (if any), depHash (16 hex), outputs (if any, keys sorted);
//    other top-level keys are dropped (leantar 0.1.19 normalisation).
// Errors: InvalidArgument "bad .trace file: ..." naming `what`.
absl::StatusOr<TracePlan> PlanTrace(std::string_view text, std::string_view what);

// Reads the depHash of an existing trace (decimal v1 text, v2 JSON with decimal depHash,
// v3 JSON with hex depHash). Errors: InvalidArgument if the text is none of these.
absl::StatusOr<uint64_t> TraceDepHash(std::string_view text);

// Rust `u64::from_str_radix` syntax: optional '+', then >= 1 digit of the radix, no overflow.
[[nodiscard]] bool ParseRustU64(std::string_view s, int radix, uint64_t* out);

// Canonical decimal: what a mode-2 entry unpacks to, so it round-trips only if
// `text == std::to_string(value)` (no '+', no leading zeros).
bool IsCanonicalDecimalU64(std::string_view text, uint64_t* value);

// File contents produced by modes 3 and 4.
std::string RenderHashJson(uint64_t dep_hash);
std::string RenderHashOutput(const HashOutput& h);

}  // namespace leancache::ltar
