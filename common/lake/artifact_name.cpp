#include "common/lake/artifact_name.h"

#include "absl/strings/str_cat.h"
#include "common/hash/lean_hash.h"

namespace leancache::lake {
namespace {

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

std::string ArtifactName::FileName() const { return ArtifactFileName(hash, ext); }

std::string ArtifactFileName(uint64_t hash, std::string_view ext) {
  return absl::StrCat(hash::Hex16(hash), ".", std::string(ext));
}

bool IsSafeArtifactName(std::string_view name) {
  if (name.empty()) return false;
  bool component_empty = true;
  for (char c : name) {
    if (c == '.') {
      if (component_empty) return false;
      component_empty = true;
    } else if (IsAlnum(c)) {
      component_empty = false;
    } else {
      return false;
    }
  }
  return !component_empty;
}

bool ParseHex64(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 16) return false;
  uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

absl::StatusOr<ArtifactName> ParseArtifactName(std::string_view name) {
  if (!IsSafeArtifactName(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid artifact name '", std::string(name),
        "': expected <hash>.<ext> made of ASCII letters, digits and single dots"));
  }
  size_t dot = name.find('.');
  std::string_view hex = name.substr(0, dot);
  ArtifactName out;
  if (!ParseHex64(hex, &out.hash)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid artifact name '", std::string(name), "': '", std::string(hex), "' is not a hash of 1-16 hex digits"));
  }
  out.ext = dot == std::string_view::npos ? std::string(kDefaultExt) : std::string(name.substr(dot + 1));
  return out;
}

}  // namespace leancache::lake
