#include "daemon/sources/http_verdict.h"

#include "gtest/gtest.h"
#include "vectors.h"

namespace leancache::sources {
namespace {

using testing::VectorList;

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
  EXPECT_TRUE(IsDeliveredStatus(200));
  EXPECT_TRUE(IsDeliveredStatus(201));
  EXPECT_FALSE(IsDeliveredStatus(204));
  EXPECT_FALSE(IsDeliveredStatus(404));
}

}  // namespace
}  // namespace leancache::sources
