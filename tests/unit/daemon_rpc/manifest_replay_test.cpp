// Smoke run of the manifest_fuzz libFuzzer target (tests/fuzz/manifest_fuzz.cpp): its seed corpus and
// deterministic mutants through the same entry point; a broken invariant traps.
#define LLVMFuzzerTestOneInput ManifestFuzzOne
#include "tests/fuzz/manifest_fuzz.cpp"
#undef LLVMFuzzerTestOneInput

#include <gtest/gtest.h>

#include "tests/unit/daemon_rpc/corpus_replay.h"

TEST(FuzzReplay, Manifest) {
  auto seeds = leancache::testing::ReadCorpus(leancache::testing::CorpusDir("manifest"));
  ASSERT_GE(seeds.size(), 5u) << "seed corpus missing: tests/fuzz/corpus/manifest";
  size_t ran = leancache::testing::ReplayCorpus(seeds, &ManifestFuzzOne, 100);
  EXPECT_EQ(ran, seeds.size() * 101);
}
