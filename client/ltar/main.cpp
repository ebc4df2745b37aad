// ltar: a stand-in for leantar 0.1.19 (pack, unpack, comments), built on common/ltar.
// Exit codes as leantar: 0 success; unpack: 1 if any archive failed (truncated archives are
// deleted and do not count as failures); -k: 1 on error; pack: 101 on failure (leantar panics);
// usage errors and malformed JSON on stdin: 101 (leantar panics) / 1 for unknown options.
// `ltar --pack-batch` (ours, pack_batch.h): one pack per stdin line; 101 if any failed.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/ltar/cli_args.h"
#include "client/ltar/pack_batch.h"
#include "client/ltar/unpack_jobs.h"
#include "common/fs/fd.h"
#include "common/ltar/archive.h"
#include "common/ltar/unpacker.h"
#include "common/ltar/writer.h"

namespace leancache::ltar_cli {
namespace {

constexpr int kExitPanic = 101;

int Pack(const CliArgs& a) {
  absl::StatusOr<ltar::BuiltArchive> built = ltar::PackArchive(a.out, a.bases, a.trace, a.items);
  if (!built.ok()) {
    std::fprintf(stderr, "ltar: cannot pack %s: %s\n", a.out.c_str(),
                 std::string(built.status().message()).c_str());
    return kExitPanic;
  }
  if (a.verbose) {
    std::printf("%s: %s, depHash %016llx, %zu bytes\n", a.out.c_str(),
                std::string(ltar::MagicFor(built->version)).c_str(),
                static_cast<unsigned long long>(built->dep_hash), built->bytes.size());
    for (const ltar::PackedEntry& e : built->entries) {
      if (e.is_comment) {
        std::printf("  comment %s\n", e.name.c_str());
      } else {
        std::printf("  %s [%s]\n", e.name.c_str(), std::string(ltar::ModeName(e.mode)).c_str());
      }
    }
  }
  return 0;
}

int Comments(const CliArgs& a) {
  int rc = 0;
  for (const std::string& f : a.files) {
    absl::StatusOr<ltar::Archive> archive = ltar::Archive::ReadFile(f);
    if (!archive.ok()) {
      std::fprintf(stderr, "%s\n", std::string(archive.status().message()).c_str());
      rc = 1;
      continue;
    }
    for (const std::string& c : archive->comments()) std::printf("%s\n", c.c_str());
  }
  return rc;
}

int Unpack(const CliArgs& a) {
  std::vector<UnpackJob> jobs;
  bool stdin_read = false;
  for (const std::string& f : a.files) {
    if (f != "-") {
      jobs.push_back(UnpackJob{f, a.bases});
      continue;
    }
    if (stdin_read) continue;
    stdin_read = true;
    absl::StatusOr<std::string> text = fs::ReadAll(STDIN_FILENO, "stdin");
    if (!text.ok()) {
      std::fprintf(stderr, "ltar: %s\n", std::string(text.status().message()).c_str());
      return kExitPanic;
    }
    absl::StatusOr<std::vector<UnpackJob>> more = ParseJsonJobs(*text, a.bases);
    if (!more.ok()) {
      std::fprintf(stderr, "ltar: %s\n", std::string(more.status().message()).c_str());
      return kExitPanic;
    }
    jobs.insert(jobs.end(), more->begin(), more->end());
  }
  ltar::UnpackOptions options;
  options.force = a.force;
  UnpackSummary s = RunUnpackJobs(jobs, options, a.jobs, a.verbose);
  if (a.verbose) {
    std::printf("%d unpacked, %d already up to date, %d corrupted (deleted), %d failed\n",
                s.unpacked, s.skipped, s.deleted, s.failed);
  }
  return s.failed > 0 ? 1 : 0;
}

}  // namespace
}  // namespace leancache::ltar_cli

int main(int argc, char** argv) {
  using namespace leancache::ltar_cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--pack-batch") {
    absl::StatusOr<std::string> text = leancache::fs::ReadAll(STDIN_FILENO, "stdin");
    if (!text.ok()) {
      std::fprintf(stderr, "ltar: %s\n", std::string(text.status().message()).c_str());
      return 101;
    }
    return RunPackBatch(*text, Pack);
  }
  absl::StatusOr<CliArgs> a = ParseArgs(args);
  if (!a.ok()) {
    std::fprintf(stderr, "ltar: %s\n", std::string(a.status().message()).c_str());
    return 1;
  }
  switch (a->command) {
    case Command::kVersion:
      std::printf("leantar 0.1.19 (leancache ltar)\n");
      return 0;
    case Command::kHelp:
      std::printf("%s", UsageText());
      return 0;
    case Command::kPack:
      return Pack(*a);
    case Command::kComments:
      return Comments(*a);
    case Command::kUnpack:
      return Unpack(*a);
  }
  return 1;
}
