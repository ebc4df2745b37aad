#include "daemon/lake/lake_start.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/lake/lake_verbs.h"

namespace leancache::lake {

std::optional<VerbStart> StartVerb(const v1::CommandRequest& request, absl::Span<const FlagSpec> flags,
                                   size_t min_positional, size_t max_positional, core::EventSink& sink) {
  const auto& all = request.invocation().args();
  std::vector<std::string> rest(all.begin() + (all.empty() ? 0 : 1), all.end());
  absl::StatusOr<LakeArgs> args = ParseLakeArgs(rest, flags);
  if (!args.ok()) {
    Fail(sink, args.status().message());
    return std::nullopt;
  }
  if (args->positional.size() > max_positional) {
    std::vector<std::string> extra(args->positional.begin() + max_positional, args->positional.end());
    Fail(sink, absl::StrCat("unexpected arguments: ", absl::StrJoin(extra, " ")));
    return std::nullopt;
  }
  if (args->positional.size() < min_positional) {
    Fail(sink, "missing arguments");
    return std::nullopt;
  }
  absl::StatusOr<LakeContext> ctx = MakeLakeContext(request.invocation());
  if (!ctx.ok()) {
    Fail(sink, ctx.status().message());
    return std::nullopt;
  }
  return VerbStart{*std::move(ctx), *std::move(args)};
}

}  // namespace leancache::lake
