// Lake's mapping files (`lake build -o`, a staging dir's outputs.jsonl, remote "<rev>.jsonl"):
// JSON Lines, line 1 the schema version as a JSON string, every later line a compact array
// `[<inputHash>, <outputs>, ...]` (spec lake-native-cache-2026.md §3.1, §5.3).
//
// Reading follows Lake: an empty line 1 is an error; a header that does not parse warns
// ("invalid header on line 1"); a date older than kMappingSchema warns ("unknown schema version
// ..."), a newer one passes silently; a line that is not such an array is skipped with a warning
// naming its number; a blank line ends the file; extra array elements are ignored.
//
// Unlike Lake, artifact names are checked (ParseArtifactName): a string output that is not a
// safe "<hex>.<ext>" name (e.g. "0.art/../../../proc/self/environ") is a problem naming the line.
// In strict mode (files we publish or import) every warning about an entry is an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/lake/artifact_name.h"
#include "nlohmann/json.hpp"

namespace leancache::lake {

// The mapping schema Lake writes (a Date, written as a JSON string).
inline constexpr std::string_view kMappingSchema = "2026-03-17";

struct MappingEntry {
  int line = 0;                        // 1-based line number in the file
  uint64_t input_hash = 0;
  nlohmann::json outputs;              // the second element, as parsed
  std::vector<ArtifactName> artifacts;  // collected from `outputs` (in document order)
};

struct MappingFile {
  std::string schema;                  // the header's string ("" if it did not parse)
  std::vector<MappingEntry> entries;   // in file order; a later entry for the same input wins in Lake
  std::vector<std::string> warnings;   // "<name>: ..." lines, as Lake would log them
  int skipped = 0;                     // entry lines refused (lenient mode; each has a warning)
};

// Parses `contents`; `name` prefixes messages (the file path or URL). Errors (InvalidArgument):
// an empty first line; in `strict` mode, the first bad entry ("<name>: line N: ...").
absl::StatusOr<MappingFile> ParseMappingFile(std::string_view contents, std::string_view name,
                                             bool strict);

// Collects the artifacts named by one outputs value: a string is "<hash>.<ext>", a non-negative
// integer a hash with ext "art", arrays and objects are searched (object values in key order),
// booleans and null are metadata. Errors name the offending value.
absl::Status CollectArtifacts(const nlohmann::json& outputs, std::vector<ArtifactName>* out);

// Parses an input hash as Lake writes it: a 1-16 digit hex string or a non-negative integer.
[[nodiscard]] bool ParseInputHash(const nlohmann::json& value, uint64_t* out);

// Every distinct artifact of the file, sorted by (hash, ext).
std::vector<ArtifactName> AllArtifacts(const MappingFile& file);

}  // namespace leancache::lake
