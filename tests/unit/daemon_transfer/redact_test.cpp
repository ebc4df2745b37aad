#include "daemon/transfer/redact.h"

#include <gtest/gtest.h>

namespace leancache::transfer {
namespace {

TEST(RedactUrl, StripsQueryFragmentAndUserInfo) {
  EXPECT_EQ(RedactUrl("https://h.example/c/f/a.ltar?sv=2021&sig=SECRET"),
            "https://h.example/c/f/a.ltar?<redacted>");
  EXPECT_EQ(RedactUrl("https://user:pw@h.example/a"), "https://h.example/a");
  EXPECT_EQ(RedactUrl("http://h/a#frag"), "http://h/a");
  EXPECT_EQ(RedactUrl("http://h:8080/a/b.ltar"), "http://h:8080/a/b.ltar");
  // An '@' in the path is not user info.
  EXPECT_EQ(RedactUrl("http://h/a@b"), "http://h/a@b");
}

TEST(Redactor, ScrubsQueryValuesTokensAndUserInfo) {
  Redactor r;
  r.AddUrl("https://KEYID:s3cr3tpw@h/x?sv=2021-08-06&sig=abcdEFGH%2Bsig");
  r.Add("bearer-token-value");
  r.Add("abc");  // too short to register
  std::string text =
      "GET https://KEYID:s3cr3tpw@h/x?sv=2021-08-06&sig=abcdEFGH%2Bsig failed; "
      "saw sig=abcdEFGH%2Bsig and Bearer bearer-token-value and abc";
  std::string out = r.Scrub(text);
  EXPECT_EQ(out.find("abcdEFGH"), std::string::npos) << out;
  EXPECT_EQ(out.find("s3cr3tpw"), std::string::npos) << out;
  EXPECT_EQ(out.find("bearer-token-value"), std::string::npos) << out;
  EXPECT_NE(out.find("<redacted>"), std::string::npos);
  EXPECT_NE(out.find("and abc"), std::string::npos) << "short strings stay";
}

}  // namespace
}  // namespace leancache::transfer
