// PUT requests (uploads, spec §7) against the fault server: headers, auth, conflicts, retries.

#include <gtest/gtest.h>

#include "daemon/transfer/file_sha256.h"
#include "daemon/transfer/transport.h"
#include "tests/unit/daemon_transfer/transport_fixture.h"

namespace leancache::transfer::testing {
namespace {

class TransportPut : public FaultServerTest {
 protected:
  // Writes an upload source file and returns its path.
  static std::string Source(const std::string& name, const std::string& bytes) {
    std::string p = TempPath("up-" + name);
    EXPECT_TRUE(WriteFile(p, bytes));
    return p;
  }
};

TEST_F(TransportPut, UploadStoresTheBodyWithTheRequestedHeaders) {
  std::string body = RandomBytes(200 * 1024, 21);
  auto t = MakeTransport();
  PutRequest req;
  req.url = Url("/c/f/up.ltar");
  req.source_path = Source("up.ltar", body);
  req.headers = {"x-ms-blob-type: BlockBlob"};
  req.if_none_match = true;
  req.conflict_is_already_present = true;
  Result r = t->StartPut(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.http_status, 201);
  EXPECT_EQ(r.bytes, body.size());
  EXPECT_EQ(ReadFile(dir_->Sub("root/c/f/up.ltar")), body);
  nlohmann::json h = server_->Stats()["last_headers"]["/c/f/up.ltar"];
  EXPECT_EQ(h.value("x-ms-blob-type", ""), "BlockBlob");
  EXPECT_EQ(h.value("if-none-match", ""), "*");

  // Same upload again: the server refuses the overwrite -> already present, not a failure.
  Result again = t->StartPut(req).result.get();
  EXPECT_EQ(again.verdict, Verdict::kAlreadyPresent) << again.error;
  EXPECT_EQ(again.http_status, 412);
  EXPECT_EQ(again.attempts, 1);

  // Without conflict_is_already_present a 412 is a plain failure.
  req.conflict_is_already_present = false;
  Result strict = t->StartPut(req).result.get();
  EXPECT_EQ(strict.verdict, Verdict::kFailed);
  EXPECT_NE(strict.error.find("HTTP 412"), std::string::npos) << strict.error;
}

TEST_F(TransportPut, ServerErrorsAreRetriedAndTheBodyIsResent) {
  std::string body = RandomBytes(30000, 22);
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/c/retry.ltar", "method": "PUT", "fault": "status", "status": 503, "times": 2}])"));
  auto t = MakeTransport();
  PutRequest req;
  req.url = Url("/c/retry.ltar");
  req.source_path = Source("retry.ltar", body);
  Result r = t->StartPut(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(ReadFile(dir_->Sub("root/c/retry.ltar")), body);
}

TEST_F(TransportPut, SigV4SignsWithAnExplicitPayloadHashAndNeverLeaksTheSecret) {
  std::string body = RandomBytes(10000, 23);
  std::string src = Source("s3.ltar", body);
  auto sha = FileSha256Hex(src);
  ASSERT_TRUE(sha.ok()) << sha.status();
  ASSERT_TRUE(server_->SetFaults(
      R"([{"path": "/bucket/fail.ltar", "fault": "status", "status": 500}])"));
  auto t = MakeTransport();
  PutRequest req;
  req.url = Url("/bucket/s3.ltar");
  req.source_path = src;
  req.auth.sigv4 = AwsSigV4{"aws:amz:auto:s3", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENGSECRETKEY",
                            "SESSIONTOKENVALUE", /*unsigned_payload=*/false};
  Result r = t->StartPut(req).result.get();
  ASSERT_EQ(r.verdict, Verdict::kDelivered) << r.error;
  nlohmann::json h = server_->Stats()["last_headers"]["/bucket/s3.ltar"];
  std::string auth = h.value("authorization", "");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0), 0u) << auth;
  EXPECT_NE(auth.find("/auto/s3/aws4_request"), std::string::npos) << auth;
  EXPECT_NE(auth.find("x-amz-content-sha256"), std::string::npos) << "payload hash is signed";
  EXPECT_EQ(h.value("x-amz-content-sha256", ""), *sha);
  EXPECT_EQ(h.value("x-amz-security-token", ""), "SESSIONTOKENVALUE");
  EXPECT_EQ(h.dump().find("wJalrXUtnFEMI"), std::string::npos) << "secret never sent";

  // UNSIGNED-PAYLOAD by option.
  req.auth.sigv4->unsigned_payload = true;
  req.url = Url("/bucket/s3u.ltar");
  ASSERT_EQ(t->StartPut(req).result.get().verdict, Verdict::kDelivered);
  EXPECT_EQ(server_->Stats()["last_headers"]["/bucket/s3u.ltar"].value("x-amz-content-sha256", ""),
            "UNSIGNED-PAYLOAD");

  // A failing signed upload: neither the secret nor the session token shows in the error.
  req.url = Url("/bucket/fail.ltar");
  Result bad = t->StartPut(req).result.get();
  EXPECT_EQ(bad.verdict, Verdict::kFailed);
  EXPECT_NE(bad.error.find("HTTP 500"), std::string::npos) << bad.error;
  EXPECT_EQ(bad.error.find("wJalrXUtnFEMI"), std::string::npos) << bad.error;
  EXPECT_EQ(bad.error.find("SESSIONTOKENVALUE"), std::string::npos) << bad.error;
}

TEST_F(TransportPut, MissingSourceFailsNamingTheFile) {
  auto t = MakeTransport();
  PutRequest req;
  req.url = Url("/c/none.ltar");
  req.source_path = dir_->Sub("does/not/exist.ltar");
  Result r = t->StartPut(req).result.get();
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_NE(r.error.find(req.source_path), std::string::npos) << r.error;

  // With SigV4 payload hashing the file is read at submit time; same clear error.
  req.auth.sigv4 = AwsSigV4{"aws:amz:auto:s3", "AK", "SECRETKEYVALUE", "", false};
  Result r2 = t->StartPut(req).result.get();
  EXPECT_EQ(r2.verdict, Verdict::kFailed);
  EXPECT_NE(r2.error.find(req.source_path), std::string::npos) << r2.error;
  EXPECT_EQ(Hits("/c/none.ltar"), 0);
}

}  // namespace
}  // namespace leancache::transfer::testing
