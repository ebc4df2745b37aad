// A small reply read into memory (a revision mapping, a lookup answer): the transfer lands in a
// temp file like any GET, which is read after delivery and removed in every case.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "daemon/transfer/request.h"
#include "daemon/transfer/transport.h"

namespace leancache::transfer {

struct SmallReply {
  Result result;     // the transfer's verdict, status and error
  std::string body;  // the reply; set only when result.ok()
};

// Runs `request` (its temp_path is replaced by a fresh name in `temp_dir` tagged `tag`) and waits
// for it. Error: only the local failure to read the delivered body; every HTTP outcome is in
// SmallReply::result.
absl::StatusOr<SmallReply> FetchSmallBody(Transport& transport, GetRequest request,
                                          const std::filesystem::path& temp_dir, std::string_view tag);

}  // namespace leancache::transfer
