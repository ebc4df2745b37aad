#include "daemon/verify/archive_decode.h"

#include "common/ltar/archive.h"
#include "common/ltar/entry_decoder.h"

namespace leancache::verify {

absl::Status ArchiveDecodes(const std::filesystem::path& path) {
  absl::StatusOr<ltar::Archive> archive = ltar::Archive::ReadFile(path.string());
  if (!archive.ok()) return archive.status();
  ltar::DecodeBudget budget{ltar::Limits(), 0};
  if (auto trace = ltar::DecodeTrace(*archive, budget); !trace.ok()) return trace.status();
  for (const ltar::Entry& e : archive->entries()) {
    if (e.kind != ltar::Entry::Kind::kFile) continue;
    if (auto decoded = ltar::DecodeEntry(*archive, e, budget); !decoded.ok()) return decoded.status();
  }
  return absl::OkStatus();
}

}  // namespace leancache::verify
