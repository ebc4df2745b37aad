#include "common/keys/module_hash.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/hash/lean_hash.h"
#include "common/header/module_name.h"

namespace leancache::keys {

uint64_t PathHash(std::string_view module) {
  std::vector<std::string> comps;
  if (auto parts = header::SplitModuleName(module); parts.ok()) {
    for (const std::string& p : *parts) comps.push_back(header::EscapeNamePart(p));
  } else {
    comps = absl::StrSplit(absl::string_view(module.data(), module.size()), '.');
  }
  if (!comps.empty()) comps.back() += ".lean";
  return hash::StringListHash(comps);
}

uint64_t FileHash(uint64_t root_hash, uint64_t path_hash, uint64_t content_hash,
                  absl::Span<const uint64_t> import_hashes) {
  uint64_t r = hash::ListHash({root_hash, path_hash, content_hash});
  for (uint64_t h : import_hashes) r = hash::MixHash(r, h);
  return r;
}

}  // namespace leancache::keys
