#include "daemon/lakesvc/request_path.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/hash/lean_hash.h"

namespace leancache::lakesvc {
namespace {

// A component Lake's uriEncode could have produced, and never "." or "..".
bool IsEncodedComponent(absl::string_view c) {
  if (c.empty() || c == "." || c == "..") return false;
  for (size_t i = 0; i < c.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(c[i]);
    if (absl::ascii_isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') continue;
    if (ch == '%' && i + 2 < c.size() && absl::ascii_isxdigit(c[i + 1]) && absl::ascii_isxdigit(c[i + 2])) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

bool IsLowerHex16(absl::string_view s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string ObjectPath::FileName() const {
  return kind == ObjectKind::kArtifact ? absl::StrCat(hash::Hex16(lake_hash), ".art") : absl::StrCat(rev, ".jsonl");
}

std::string ObjectPath::Suffix() const {
  if (scope.empty()) return FileName();
  return absl::StrCat(absl::StrJoin(scope, "/"), "/", FileName());
}

absl::StatusOr<ObjectPath> ParseObjectPath(std::string_view raw) {
  absl::string_view path(raw.data(), raw.size());
  ObjectPath out;
  if (absl::ConsumePrefix(&path, "/artifacts/")) {
    out.kind = ObjectKind::kArtifact;
  } else if (absl::ConsumePrefix(&path, "/revisions/")) {
    out.kind = ObjectKind::kRevision;
  } else {
    return absl::NotFoundError("only /artifacts/<scope…>/<hash>.art and /revisions/<scope…>/<rev>.jsonl exist here");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  for (absl::string_view part : parts) {
    if (!IsEncodedComponent(part)) {
      return absl::InvalidArgumentError(absl::StrCat("bad path component '", part,
                                                     "' (empty, '.', '..' or not uriEncoded)"));
    }
  }
  absl::string_view file = parts.back();
  parts.pop_back();
  for (absl::string_view part : parts) out.scope.emplace_back(part);
  if (out.kind == ObjectKind::kArtifact) {
    absl::string_view hex = file;
    if (!absl::ConsumeSuffix(&hex, ".art") || !IsLowerHex16(hex)) {
      return absl::InvalidArgumentError(absl::StrCat("artifact name '", file, "' is not <16 lowercase hex>.art"));
    }
    uint64_t value = 0;
    absl::SimpleHexAtoi(hex, &value);
    out.lake_hash = value;
  } else {
    absl::string_view rev = file;
    if (!absl::ConsumeSuffix(&rev, ".jsonl") || rev.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("revision name '", file, "' is not <rev>.jsonl"));
    }
    out.rev = std::string(rev);
  }
  return out;
}

}  // namespace leancache::lakesvc
