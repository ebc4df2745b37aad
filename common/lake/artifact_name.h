// Lake artifact names: "<hash16>.<ext>" in Lake's cache dir, staging dirs and mapping files
// (spec lake-native-cache.md §B.4/§B.5, lake-native-cache-2026.md §3.1, §4.1). The hash is Lake's
// content hash (ByteArray.hash of the bytes); the extension is everything after the FIRST dot
// ("ir.sig", "olean.server"). Remotely every artifact is "<hash16>.art".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace leancache::lake {

// Lake's default extension for an artifact named only by its hash (legacy integer outputs).
inline constexpr std::string_view kDefaultExt = "art";

struct ArtifactName {
  uint64_t hash = 0;
  std::string ext;  // never empty

  // "<hash16>.<ext>".
  std::string FileName() const;
  bool operator==(const ArtifactName&) const = default;
  bool operator<(const ArtifactName& o) const { return hash != o.hash ? hash < o.hash : ext < o.ext; }
};

// "<hash16>.<ext>" (16 lowercase hex digits).
std::string ArtifactFileName(uint64_t hash, std::string_view ext);

// True if `name` matches ^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$ (the check TauCeti applies before
// publishing: no '/', no "..", no empty component, nothing but ASCII alphanumerics and dots).
bool IsSafeArtifactName(std::string_view name);

// Parses a mapping or staging name "<hex>.<ext>": safe (above), the part before the first dot
// 1-16 hex digits, the extension non-empty ("<hex>" alone is ext "art"). Errors
// (InvalidArgument) quote the name and say what is wrong with it.
absl::StatusOr<ArtifactName> ParseArtifactName(std::string_view name);

// Parses 1-16 hex digits (either case). False for anything else.
bool ParseHex64(std::string_view text, uint64_t* out);

}  // namespace leancache::lake
