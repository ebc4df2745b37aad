// Smoke run of the header_parser_fuzz libFuzzer target (tests/fuzz/header_parser_fuzz.cpp): its seed corpus and
// deterministic mutants through the same entry point; a broken invariant traps.
#define LLVMFuzzerTestOneInput HeaderParserFuzzOne
#include "tests/fuzz/header_parser_fuzz.cpp"
#undef LLVMFuzzerTestOneInput

#include <gtest/gtest.h>

#include "tests/unit/daemon_rpc/corpus_replay.h"

TEST(FuzzReplay, HeaderParser) {
  auto seeds = leancache::testing::ReadCorpus(leancache::testing::CorpusDir("header_parser"));
  ASSERT_GE(seeds.size(), 5u) << "seed corpus missing: tests/fuzz/corpus/header_parser";
  size_t ran = leancache::testing::ReplayCorpus(seeds, &HeaderParserFuzzOne, 100);
  EXPECT_EQ(ran, seeds.size() * 101);
}
