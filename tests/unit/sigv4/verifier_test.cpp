// SigV4 verification against independently produced vectors:
//  * AWS's published S3 example (GET /test.txt with a Range header, "Authenticating Requests:
//    Using the Authorization Header"), whose signature f0e8bdb8… is printed in AWS's docs;
//  * a PUT captured on the wire from `curl 7.88 --aws-sigv4 aws:amz:auto:s3 -T f` (how Lake
//    uploads a mapping: no x-amz-content-sha256 header, so curl signs the empty-body hash);
//  * a PUT signed by python3-botocore's S3SigV4Auth (region auto, body hash, query string).
#include "common/sigv4/verifier.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

#include "common/sigv4/authorization.h"
#include "common/sigv4/canonical.h"
#include "common/sigv4/digest.h"

namespace leancache::sigv4 {
namespace {

using std::chrono::system_clock;

system_clock::time_point At(std::string_view amz_date) { return *ParseAmzDate(amz_date); }

RequestView AwsExampleGet() {
  RequestView r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = {
      {"Host", "examplebucket.s3.amazonaws.com"},
      {"Range", "bytes=0-9"},
      {"x-amz-content-sha256", Sha256Hex("")},
      {"x-amz-date", "20130524T000000Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
       "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
       "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"}};
  return r;
}
const Credential kAwsExampleKey{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};

RequestView CurlMappingPut() {
  RequestView r;
  r.method = "PUT";
  r.path = "/revisions/a%21b/x.jsonl";
  r.headers = {
      {"Host", "127.0.0.1:18991"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/auto/s3/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date, "
       "Signature=cb9c3d6ec41b42d91a88899b702972254660808f930dee2f7e2a2d5a0bd631ac"},
      {"X-Amz-Date", "20261207T120841Z"},
      {"User-Agent", "curl/7.88.1"},
      {"Accept", "*/*"},
      {"Content-Type", "application/vnd.reservoir.outputs+json-lines"},
      {"Content-Length", "12"},
      {"Expect", "100-continue"}};
  return r;
}
const Credential kCurlKey{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

RequestView BotocorePut() {
  RequestView r;
  r.method = "PUT";
  r.path = "/artifacts/a%21b/0123456789abcdef.art";
  r.query = {{"x-id", "PutObject"}, {"a", "b%20c"}};
  r.headers = {
      {"Host", "127.0.0.1:8080"},
      {"Content-Type", "application/vnd.reservoir.artifact"},
      {"X-Amz-Date", "20261207T120904Z"},
      {"X-Amz-Content-SHA256", "a8ae6e6ee929abea3afcfc5258c8ccd6f85273e0d4626d26c7279f3250f77c8e"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=lakeuser/20261207/auto/s3/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
       "Signature=9dc427800b9f2488f4e8b6b0a8325a88f1dc0c241f6f2811b97cf0cdbf0cf2f3"}};
  return r;
}
const Credential kBotoKey{"lakeuser", "s3cr3t/Key+x"};

TEST(SigV4, AwsExampleCanonicalRequestAndSignature) {
  RequestView r = AwsExampleGet();
  std::string canonical = CanonicalRequest(r, {"host", "range", "x-amz-content-sha256", "x-amz-date"}, Sha256Hex(""));
  EXPECT_EQ(canonical,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(SignatureHex(kAwsExampleKey.secret_key, "20130524", "us-east-1", "s3",
                         StringToSign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical)),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  auto ok = Verify(r, kAwsExampleKey, At("20130524T000500Z"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->region, "us-east-1");
  EXPECT_EQ(ok->body_sha256, Sha256Hex(""));
}

TEST(SigV4, CurlCapturedPutVerifiesWithUnsignedBody) {
  auto ok = Verify(CurlMappingPut(), kCurlKey, At("20261207T121000Z"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->access_key, "AKIDEXAMPLE");
  EXPECT_EQ(ok->region, "auto");
  EXPECT_EQ(ok->body_sha256, "");  // curl does not sign the -T body
}

TEST(SigV4, BotocorePutWithQueryAndBodyHash) {
  auto ok = Verify(BotocorePut(), kBotoKey, At("20261207T120904Z"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->body_sha256, Sha256Hex(std::string("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")));
}

void ExpectDenied(const absl::StatusOr<VerifiedRequest>& got, absl::string_view code) {
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(absl::StartsWith(got.status().message(), code)) << got.status();
}

TEST(SigV4, WrongSecretIsSignatureDoesNotMatch) {
  Credential wrong = kCurlKey;
  wrong.secret_key.back() = 'X';
  auto got = Verify(CurlMappingPut(), wrong, At("20261207T120841Z"));
  ExpectDenied(got, "SignatureDoesNotMatch");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(got.status().message().find(wrong.secret_key), std::string::npos);
}

TEST(SigV4, AnyChangeToASignedPartFails) {
  const auto now = At("20261207T120904Z");
  RequestView path = BotocorePut();
  path.path = "/artifacts/a%21b/0123456789abcdee.art";
  ExpectDenied(Verify(path, kBotoKey, now), "SignatureDoesNotMatch");
  RequestView query = BotocorePut();
  query.query[1].second = "b%20d";
  ExpectDenied(Verify(query, kBotoKey, now), "SignatureDoesNotMatch");
  RequestView type = BotocorePut();
  type.headers[1].second = "text/plain";
  ExpectDenied(Verify(type, kBotoKey, now), "SignatureDoesNotMatch");
  RequestView method = BotocorePut();
  method.method = "GET";
  ExpectDenied(Verify(method, kBotoKey, now), "SignatureDoesNotMatch");
  RequestView body = BotocorePut();
  body.headers[3].second = Sha256Hex("tampered");
  ExpectDenied(Verify(body, kBotoKey, now), "SignatureDoesNotMatch");
}

TEST(SigV4, UnsignedUnknownKeyAndMissingHeaders) {
  const auto now = At("20261207T120904Z");
  RequestView unsigned_put = BotocorePut();
  unsigned_put.headers.pop_back();
  ExpectDenied(Verify(unsigned_put, kBotoKey, now), "AccessDenied");
  ExpectDenied(Verify(BotocorePut(), Credential{"other", kBotoKey.secret_key}, now), "InvalidAccessKeyId");
  ExpectDenied(Verify(BotocorePut(), Credential{"", ""}, now), "InvalidAccessKeyId");
  RequestView no_type = BotocorePut();
  no_type.headers.erase(no_type.headers.begin() + 1);  // signed content-type now absent
  ExpectDenied(Verify(no_type, kBotoKey, now), "AccessDenied");
}

TEST(SigV4, DateMustMatchScopeAndClock) {
  ExpectDenied(Verify(BotocorePut(), kBotoKey, At("20261207T130000Z")), "RequestTimeTooSkewed");
  ExpectDenied(Verify(BotocorePut(), kBotoKey, At("20261207T110000Z")), "RequestTimeTooSkewed");
  RequestView other_day = BotocorePut();
  other_day.headers[2].second = "20261208T120904Z";
  ExpectDenied(Verify(other_day, kBotoKey, At("20261208T120904Z")), "AccessDenied");
}

TEST(SigV4, BadPayloadHashIsInvalidArgument) {
  RequestView r = BotocorePut();
  r.headers[3].second = "not-a-hash";
  auto got = Verify(r, kBotoKey, At("20261207T120904Z"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SigV4, AuthorizationParsing) {
  auto a = ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=k/20261207/auto/s3/aws4_request,SignedHeaders=host;x-amz-date,"
      "Signature=0000000000000000000000000000000000000000000000000000000000000000");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->Scope(), "20261207/auto/s3/aws4_request");
  EXPECT_FALSE(ParseAuthorization("AWS4-HMAC-SHA1 Credential=k/20261207/auto/s3/aws4_request").ok());
  EXPECT_FALSE(ParseAuthorization("AWS4-HMAC-SHA256 Credential=k/2026127/auto/s3/aws4_request, "
                                  "SignedHeaders=host, Signature=00").ok());
  EXPECT_FALSE(ParseAuthorization("AWS4-HMAC-SHA256 Credential=k/20261207/auto/s3/aws4_request, "
                                  "SignedHeaders=x-amz-date;host, Signature="
                                  "0000000000000000000000000000000000000000000000000000000000000000").ok());
}

TEST(SigV4, UriEncodeKeepsExistingEscapes) {
  EXPECT_EQ(UriEncode("/a%21b/c d!/~x", true), "/a%21b/c%20d%21/~x");
  EXPECT_EQ(UriEncode("a/b%2f", false), "a%2Fb%2F");
  EXPECT_EQ(UriEncode("100%", false), "100%25");
}

}  // namespace
}  // namespace leancache::sigv4
