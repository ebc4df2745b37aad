// Smoke run of the lgz_decode_fuzz libFuzzer target (tests/fuzz/lgz_decode_fuzz.cpp): its seed corpus and
// deterministic mutants through the same entry point; a broken invariant traps.
#define LLVMFuzzerTestOneInput LgzDecodeFuzzOne
#include "tests/fuzz/lgz_decode_fuzz.cpp"
#undef LLVMFuzzerTestOneInput

#include <gtest/gtest.h>

#include "tests/unit/daemon_rpc/corpus_replay.h"

TEST(FuzzReplay, LgzDecode) {
  auto seeds = leancache::testing::ReadCorpus(leancache::testing::CorpusDir("lgz_decode"));
  ASSERT_GE(seeds.size(), 5u) << "seed corpus missing: tests/fuzz/corpus/lgz_decode";
  size_t ran = leancache::testing::ReplayCorpus(seeds, &LgzDecodeFuzzOne, 100);
  EXPECT_EQ(ran, seeds.size() * 101);
}
