#pragma once
// The two kinds of object Lake asks an S3-style service for (spec lake-native-cache-2026.md §3.4):
//   /artifacts/<scope…>/<hash16>.art      content-addressed by Lake's ByteArray.hash
//   /revisions/<scope…>/<rev>.jsonl       the mapping file of one revision
// Scope components arrive uriEncoded by Lake (only A-Z a-z 0-9 - _ . ~ and %XX); they are kept in
// that raw form, which is also a safe file name.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::lakesvc {

enum class ObjectKind { kArtifact, kRevision };

struct ObjectPath {
  ObjectKind kind = ObjectKind::kArtifact;
  std::vector<std::string> scope;  // raw (encoded) components, possibly none
  uint64_t lake_hash = 0;          // kArtifact
  std::string rev;                 // kRevision: the file name without ".jsonl"
  // "<scope…>/<file>" as received, to append to an upstream endpoint.
  std::string Suffix() const;
  // "<hash16>.art" or "<rev>.jsonl".
  std::string FileName() const;
};

// Parses a raw request path (no query). Errors: NotFound for paths outside /artifacts/ and
// /revisions/; InvalidArgument naming the problem for "..", empty or unencoded components, an
// artifact name that is not 16 lowercase hex digits + ".art", or a revision not ending ".jsonl".
absl::StatusOr<ObjectPath> ParseObjectPath(std::string_view path);

}  // namespace leancache::lakesvc
