#include "client/ltar/unpack_jobs.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/parallel/parallel_for.h"
#include "common/json/parse_json.h"

namespace leancache::ltar_cli {

absl::StatusOr<std::vector<UnpackJob>> ParseJsonJobs(std::string_view text,
                                                     const std::vector<std::string>& cli_bases) {
  auto parsed = json::ParseJson(text);
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat("bad JSON on stdin: ", parsed.status().message()));
  nlohmann::json j = std::move(*parsed);
  if (!j.is_array()) return absl::InvalidArgumentError("bad JSON on stdin: expected an array");
  std::vector<UnpackJob> out;
  for (const nlohmann::json& e : j) {
    UnpackJob job;
    job.bases = cli_bases;
    if (e.is_string()) {
      job.file = e.get<std::string>();
    } else if (e.is_object()) {
      auto f = e.find("file");
      if (f == e.end() || !f->is_string()) {
        return absl::InvalidArgumentError("bad JSON on stdin: object without string \"file\"");
      }
      job.file = f->get<std::string>();
      auto b = e.find("base");
      if (b != e.end() && !b->is_null()) {
        if (b->is_string()) {
          job.bases[0] = b->get<std::string>();
        } else if (b->is_array()) {
          for (size_t i = 0; i < b->size(); ++i) {
            const nlohmann::json& bi = (*b)[i];
            if (bi.is_null()) {
              if (i >= job.bases.size()) {
                return absl::InvalidArgumentError(absl::StrCat(
                    "bad JSON on stdin: base ", i, " of ", job.file, " is null but not given by -C"));
              }
            } else if (bi.is_string()) {
              if (i < job.bases.size()) {
                job.bases[i] = bi.get<std::string>();
              } else {
                job.bases.push_back(bi.get<std::string>());
              }
            } else {
              return absl::InvalidArgumentError("bad JSON on stdin: base entries must be strings or null");
            }
          }
        } else {
          return absl::InvalidArgumentError("bad JSON on stdin: \"base\" must be a string or array");
        }
      }
    } else {
      return absl::InvalidArgumentError("bad JSON on stdin: elements must be strings or objects");
    }
    out.push_back(std::move(job));
  }
  return out;
}

UnpackSummary RunUnpackJobs(const std::vector<UnpackJob>& list, const ltar::UnpackOptions& options,
                            int jobs, bool verbose) {
  UnpackSummary summary;
  ltar::OutputDirs dirs;  // one cache of resolved output directories for the whole run
  ltar::UnpackOptions run_options = options;
  run_options.dirs = &dirs;
  std::mutex mu;  // guards summary and output
  parallel::ParallelFor(list.size(), jobs > 0 ? static_cast<unsigned>(jobs) : 0u, [&](size_t i) {
    const UnpackJob& job = list[i];
    absl::StatusOr<ltar::UnpackResult> r = ltar::UnpackArchiveFile(job.file, job.bases, run_options);
    std::lock_guard<std::mutex> lock(mu);
    if (r.ok()) {
      if (r->skipped) {
        ++summary.skipped;
        if (verbose) std::printf("%s: already unpacked, skipping\n", job.file.c_str());
      } else {
        ++summary.unpacked;
        if (verbose) {
          std::printf("unpacked %s (%zu files)\n", job.file.c_str(), r->written.size());
        }
      }
    } else if (ltar::IsCorrupted(r.status())) {
      ++summary.deleted;
      if (verbose) std::fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
      std::fprintf(stderr, "%s: removing corrupted file\n", job.file.c_str());
      ::unlink(job.file.c_str());
    } else {
      ++summary.failed;
      std::fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
    }
    return true;
  });
  std::fflush(stdout);
  return summary;
}

}  // namespace leancache::ltar_cli
