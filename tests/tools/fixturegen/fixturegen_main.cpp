// leancache-fixturegen: writes a Mathlib-shaped Lake workspace for tests and benchmarks.
//
//   leancache-fixturegen --graph shared/data/mathlib-import-graph.tsv --out DIR
//       [--limit N] [--seed S] [--size-scale F] [--artifacts] [--artifact-scale F]
//       [--generation G]
//
// The workspace has the real module names and import lists (as `import X` lines in source
// order), sources of the listed sizes (times --size-scale) with synthetic bodies, Mathlib.lean,
// Archive.lean and Counterexamples.lean at the root, lakefile.lean, lean-toolchain
// (leanprover/lean4:v4.32.0-rc1), lake-manifest.json with the 8 dependency packages,
// Cache/IO.lean with `def rootHashGeneration : UInt64 := G` (default 4), and one stub source
// under .lake/packages/<dir>/ for every imported module of a dependency package. --limit N keeps
// N modules closed under imports (the aggregator files then import only modules present).
// --artifacts adds synthetic Lake outputs per module (<pkg>/.lake/build/lib/lean/<rel>.{trace,
// olean,olean.server,olean.private,ilean} + .hash files, .lake/build/ir/<rel>.{c,c.hash}); the
// .olean files deliberately do not start with "olean" (they are not real oleans), and the trace
// is Lake's v3 JSON (schemaVersion "2025-09-10", 16-hex depHash). Everything is deterministic
// from the seed. .fixturegen.json lists the modules written.
// --real-oleans (implies --artifacts) writes realistic content instead, as benchmarks need it:
// real-format .olean/.olean.server/.olean.private triplets (LGZ mode 5 when packed) from the LGZ
// property tests' object model, .ilean JSON and .c text, sized like Mathlib's (oleans ~34x the
// source: mean ~0.4 MB, a tail to 10 MB; times --artifact-scale); use --limit for a subset.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "fixture_writer.h"
#include "import_graph.h"

namespace {

int Usage(const char* why) {
  std::fprintf(stderr,
               "leancache-fixturegen: %s\nusage: leancache-fixturegen --graph TSV --out DIR "
               "[--limit N] [--seed S] [--size-scale F] [--artifacts | --real-oleans] "
               "[--artifact-scale F] [--generation G]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using leancache::fixturegen::FixtureOptions;
  FixtureOptions opt;
  std::string graph_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--artifacts") {
      opt.artifacts = true;
      continue;
    }
    if (a == "--real-oleans") {
      opt.artifacts = opt.real_oleans = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      Usage("writes a Mathlib-shaped Lake workspace");
      return 0;
    }
    const char* v = i + 1 < argc ? argv[++i] : nullptr;
    if (v == nullptr) return Usage(("missing value for " + a).c_str());
    if (a == "--graph") graph_path = v;
    else if (a == "--out") opt.out = v;
    else if (a == "--limit") {
      if (!absl::SimpleAtoi(v, &opt.limit)) return Usage("--limit needs a number");
    } else if (a == "--seed") {
      if (!absl::SimpleAtoi(v, &opt.seed)) return Usage("--seed needs a number");
    } else if (a == "--size-scale") {
      if (!absl::SimpleAtod(v, &opt.size_scale) || opt.size_scale < 0) return Usage("bad --size-scale");
    } else if (a == "--artifact-scale") {
      if (!absl::SimpleAtod(v, &opt.artifact_scale) || opt.artifact_scale < 0) {
        return Usage("bad --artifact-scale");
      }
    } else if (a == "--generation") {
      if (!absl::SimpleAtoi(v, &opt.generation)) return Usage("--generation needs a number");
    } else {
      return Usage(("unknown option " + a).c_str());
    }
  }
  if (graph_path.empty() || opt.out.empty()) return Usage("--graph and --out are required");
  auto graph = leancache::fixturegen::ReadImportGraph(graph_path);
  if (!graph.ok()) {
    std::fprintf(stderr, "leancache-fixturegen: %s\n", std::string(graph.status().message()).c_str());
    return 1;
  }
  auto summary = leancache::fixturegen::WriteFixture(*graph, opt);
  if (!summary.ok()) {
    std::fprintf(stderr, "leancache-fixturegen: %s\n", std::string(summary.status().message()).c_str());
    return 1;
  }
  std::printf("wrote %zu modules, %zu dependency stubs, %llu source bytes, %llu artifact files "
              "(%llu bytes) to %s\n",
              summary->graph_modules.size(), summary->stub_modules.size(),
              static_cast<unsigned long long>(summary->source_bytes),
              static_cast<unsigned long long>(summary->artifact_files),
              static_cast<unsigned long long>(summary->artifact_bytes), opt.out.c_str());
  return 0;
}
