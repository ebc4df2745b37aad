#pragma once
// How `leancache status` and `leancache watch` print editor API messages: one text line per
// file, or JSON objects with stable field names (documented in client/vscode/README.md).
//
// Text:  "{path}: {state} {module} {hash16}[ (remote: present|missing)][ — {reason}]"
//        state is "ok" for PROBLEM_NONE, else the problem's JSON name with '-' for '_'.
// JSON:  {"path", "module", "key" (16 hex digits or ""), "archive_local", "unpacked",
//         "remote" ("unknown"|"present"|"missing"), "problem" ("none"|"not_in_project"|
//         "parse_error"|"missing_import"|"toolchain_mismatch"|"not_cached"|"stale"), "reason"}

#include <string>

#include "leancache/v1/cache.pb.h"
#include "nlohmann/json.hpp"

namespace leancache::editor_client {

// "none", "not_in_project", ... (lowercase proto name without PROBLEM_).
std::string ProblemName(v1::Problem problem);
// "unknown", "present", "missing".
std::string RemoteName(v1::RemoteState remote);

std::string FileStateLine(const v1::FileState& state);
nlohmann::json FileStateJson(const v1::FileState& state);

// "download: 12/40 files, 3.1 MB, unpacked 10" style line for a Progress.
std::string ProgressLine(const v1::Progress& progress);
nlohmann::json ProgressJson(const v1::Progress& progress);

}  // namespace leancache::editor_client
