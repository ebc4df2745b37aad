#include "client/editor/file_state_format.h"

#include <algorithm>
#include <cstdio>

namespace leancache::editor_client {

std::string ProblemName(v1::Problem problem) {
  switch (problem) {
    case v1::PROBLEM_NONE: return "none";
    case v1::PROBLEM_NOT_IN_PROJECT: return "not_in_project";
    case v1::PROBLEM_PARSE_ERROR: return "parse_error";
    case v1::PROBLEM_MISSING_IMPORT: return "missing_import";
    case v1::PROBLEM_TOOLCHAIN_MISMATCH: return "toolchain_mismatch";
    case v1::PROBLEM_NOT_CACHED: return "not_cached";
    case v1::PROBLEM_STALE: return "stale";
    default: return "unknown";
  }
}

std::string RemoteName(v1::RemoteState remote) {
  switch (remote) {
    case v1::REMOTE_PRESENT: return "present";
    case v1::REMOTE_MISSING: return "missing";
    default: return "unknown";
  }
}

std::string FileStateLine(const v1::FileState& state) {
  std::string word = state.problem() == v1::PROBLEM_NONE ? "ok" : ProblemName(state.problem());
  std::replace(word.begin(), word.end(), '_', '-');
  std::string line = state.path() + ": " + word;
  if (!state.module().empty()) line += " " + state.module();
  if (!state.hash16().empty()) line += " " + state.hash16();
  if (state.remote() != v1::REMOTE_UNKNOWN) line += " (remote: " + RemoteName(state.remote()) + ")";
  if (!state.reason().empty()) line += " — " + state.reason();
  return line;
}

nlohmann::json FileStateJson(const v1::FileState& state) {
  return {{"path", state.path()},
          {"module", state.module()},
          {"key", state.hash16()},
          {"archive_local", state.archive_local()},
          {"unpacked", state.unpacked()},
          {"remote", RemoteName(state.remote())},
          {"problem", ProblemName(state.problem())},
          {"reason", state.reason()}};
}

std::string ProgressLine(const v1::Progress& p) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "%s: %llu/%llu files, %.1f MB, unpacked %llu%s", p.phase().c_str(),
                static_cast<unsigned long long>(p.files_done()), static_cast<unsigned long long>(p.files_total()),
                static_cast<double>(p.bytes_done()) / 1e6, static_cast<unsigned long long>(p.unpacked()),
                p.files_failed() + p.unpack_failed() > 0 ? ", with failures" : "");
  return buf;
}

nlohmann::json ProgressJson(const v1::Progress& p) {
  return {{"phase", p.phase()},           {"files_done", p.files_done()},   {"files_total", p.files_total()},
          {"files_ok", p.files_ok()},     {"files_failed", p.files_failed()}, {"bytes_done", p.bytes_done()},
          {"unpacked", p.unpacked()},     {"unpack_failed", p.unpack_failed()}};
}

}  // namespace leancache::editor_client
