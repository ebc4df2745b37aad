#include "daemon/pack/commit_manifest.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace leancache::pack {

std::string CommitManifest(const keys::KeyResult& keys) {
  std::set<uint64_t> distinct;
  for (const auto& [name, entry] : keys.modules) distinct.insert(entry.key);
  std::string out;
  for (uint64_t key : distinct) absl::StrAppend(&out, key, "\n");
  return out;
}

}  // namespace leancache::pack
