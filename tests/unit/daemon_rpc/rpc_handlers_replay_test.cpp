// Smoke run of the rpc_handlers_fuzz libFuzzer target (tests/fuzz/rpc_handlers_fuzz.cpp): the
// real CacheService behind a real gRPC server (in-process channel) gets the stored seed corpus,
// freshly written seeds for this sandbox, and deterministic mutants of them. A handler that
// crashes, hangs past 5 s, returns INTERNAL or ends a stream without exactly one Done traps.
#define LLVMFuzzerTestOneInput RpcHandlersFuzzOne
#define LLVMFuzzerInitialize RpcHandlersFuzzInit
#include "tests/fuzz/rpc_handlers_fuzz.cpp"
#undef LLVMFuzzerTestOneInput
#undef LLVMFuzzerInitialize

#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/unit/daemon_rpc/corpus_replay.h"

TEST(FuzzReplay, RpcHandlers) {
  const fs::path sandbox = fs::temp_directory_path() / ("leancache-rpc-replay-" + std::to_string(::getpid()));
  ::setenv("LEANCACHE_RPC_FUZZ_DIR", sandbox.c_str(), 1);
  RpcHandlersFuzzInit(nullptr, nullptr);
  WriteSeeds(sandbox / "seeds");  // seeds naming this sandbox's project
  auto seeds = leancache::testing::ReadCorpus(sandbox / "seeds");
  auto stored = leancache::testing::ReadCorpus(leancache::testing::CorpusDir("rpc_handlers"));
  ASSERT_GE(stored.size(), 10u) << "seed corpus missing: tests/fuzz/corpus/rpc_handlers";
  ASSERT_GE(seeds.size(), 10u);
  seeds.insert(seeds.end(), stored.begin(), stored.end());
  size_t ran = leancache::testing::ReplayCorpus(seeds, &RpcHandlersFuzzOne, 25);
  EXPECT_EQ(ran, seeds.size() * 26);
  // The daemon state survived everything: Status still answers.
  const uint8_t status = kStatus;
  RpcHandlersFuzzOne(&status, 1);
  g->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  g->transport->Shutdown();
  std::error_code ec;
  fs::remove_all(sandbox, ec);
}
