// Smoke run of the ltar_reader_fuzz libFuzzer target (tests/fuzz/ltar_reader_fuzz.cpp): its seed corpus and
// deterministic mutants through the same entry point; a broken invariant traps.
#define LLVMFuzzerTestOneInput LtarReaderFuzzOne
#include "tests/fuzz/ltar_reader_fuzz.cpp"
#undef LLVMFuzzerTestOneInput

#include <gtest/gtest.h>

#include "tests/unit/daemon_rpc/corpus_replay.h"

TEST(FuzzReplay, LtarReader) {
  auto seeds = leancache::testing::ReadCorpus(leancache::testing::CorpusDir("ltar_reader"));
  ASSERT_GE(seeds.size(), 5u) << "seed corpus missing: tests/fuzz/corpus/ltar_reader";
  size_t ran = leancache::testing::ReplayCorpus(seeds, &LtarReaderFuzzOne, 100);
  EXPECT_EQ(ran, seeds.size() * 101);
}
