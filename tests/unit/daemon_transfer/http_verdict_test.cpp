#include "daemon/transfer/http_verdict.h"

#include "gtest/gtest.h"
#include "tests/support/lean_hash_vectors.h"

namespace leancache::transfer {
namespace {

using ::leancache::testing::VectorList;

TEST(HttpVerdictVectors, MissStatus) {
  size_t n = 0;
  for (const auto& v : VectorList("http_status")) {
    EXPECT_EQ(IsMissStatus(v["status"].get<int>(), v["container_is_legacy"].get<bool>()),
              v["is_miss"].get<bool>())
        << v;
    ++n;
  }
  EXPECT_EQ(n, 7u);
}

TEST(HttpVerdictVectors, AlreadyPresentStatus) {
  size_t n = 0;
  for (const auto& v : VectorList("put_already_present_status")) {
    EXPECT_EQ(IsAlreadyPresentStatus(v["status"].get<int>()), v["already_present"].get<bool>())
        << v;
    ++n;
  }
  EXPECT_EQ(n, 5u);
}

TEST(HttpVerdict, Delivered) {
  EXPECT_TRUE(IsDeliveredStatus(200, /*is_upload=*/false));
  EXPECT_TRUE(IsDeliveredStatus(201, false));
  EXPECT_FALSE(IsDeliveredStatus(204, false));
  EXPECT_FALSE(IsDeliveredStatus(404, false));
  EXPECT_TRUE(IsDeliveredStatus(204, /*is_upload=*/true));
  EXPECT_FALSE(IsDeliveredStatus(409, true));
}

}  // namespace
}  // namespace leancache::transfer
