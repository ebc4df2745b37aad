// `ltar --pack-batch` (a leancache extension): many archives packed by one process. Each line of
// stdin is one pack command line as a JSON array of strings, exactly the arguments `ltar` would
// take for it (["-C", "dir", "OUT.ltar", "TRACE", "FILE", "-c", "COMMENT", ...]). One process
// creates its zstd contexts and the prepared dictionary once, instead of once per archive
// (at level 19 that set-up, not the compression, is most of the time of a small archive).
#pragma once

#include <functional>
#include <string_view>

#include "client/ltar/cli_args.h"

namespace leancache::ltar_cli {

// Packs the archive of every line of `text` with `pack` (it returns ltar's exit code for one
// archive). A line that is not a JSON array of strings, or not a pack command, is reported on
// stderr with its number and counts as a failure; the other lines are still packed. Returns 0
// when every archive was packed, 101 otherwise (as a failed `ltar` pack).
int RunPackBatch(std::string_view text, const std::function<int(const CliArgs&)>& pack);

}  // namespace leancache::ltar_cli
