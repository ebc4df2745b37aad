#include "daemon/transfer/small_body.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"
#include "common/fs/owned_file.h"
#include "common/fs/temp_sweep.h"

namespace leancache::transfer {

absl::StatusOr<SmallReply> FetchSmallBody(Transport& transport, GetRequest request,
                                          const std::filesystem::path& temp_dir, std::string_view tag) {
  static std::atomic<uint64_t> counter{0};
  request.temp_path = fs::TempName(temp_dir.string(), ::getpid(), absl::StrCat(std::string(tag), "-", counter.fetch_add(1)));
  fs::OwnedFile temp(request.temp_path);  // removed on every path
  SmallReply reply;
  reply.result = transport.StartGet(std::move(request)).result.get();
  if (!reply.result.ok()) return reply;
  absl::StatusOr<std::string> body = fs::ReadFile(temp.path().string());
  if (!body.ok()) return body.status();
  reply.body = *std::move(body);
  return reply;
}

}  // namespace leancache::transfer
