// Smoke run of the trace_fuzz libFuzzer target (tests/fuzz/trace_fuzz.cpp): its seed corpus and
// deterministic mutants through the same entry point; a broken invariant traps.
#define LLVMFuzzerTestOneInput TraceFuzzOne
#include "tests/fuzz/trace_fuzz.cpp"
#undef LLVMFuzzerTestOneInput

#include <gtest/gtest.h>

#include "tests/unit/daemon_rpc/corpus_replay.h"

TEST(FuzzReplay, Trace) {
  auto seeds = leancache::testing::ReadCorpus(leancache::testing::CorpusDir("trace"));
  ASSERT_GE(seeds.size(), 5u) << "seed corpus missing: tests/fuzz/corpus/trace";
  size_t ran = leancache::testing::ReplayCorpus(seeds, &TraceFuzzOne, 100);
  EXPECT_EQ(ran, seeds.size() * 101);
}
