#pragma once
// The S3-compatible object service Lake talks to (`[[cache.service]] kind = "s3"` with
// artifactEndpoint http://127.0.0.1:PORT/artifacts and revisionEndpoint …/revisions), minus the
// HTTP plumbing (http_server.h) and the peer check (peer_access.h):
//  * GET/HEAD: from the store, else read-through from the upstream (verified, stored once for
//    every project and user); a miss is 404 and never remembered; any other upstream failure is
//    502 with a message naming it (never a 404: Lake's revision walk would go past it).
//  * PUT: SigV4-verified against the registered key (write_key.h) before the body is read;
//    artifact bodies must hash to their name; answered 200 (Lake's mapping upload treats 201 as
//    failure); kept locally, and with "writes": "through" PUT to the upload service as well.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/status/statusor.h"
#include "common/sigv4/canonical.h"
#include "common/sigv4/verifier.h"
#include "daemon/lakesvc/body_sink.h"
#include "daemon/lakesvc/read_through.h"
#include "daemon/lakesvc/reply.h"
#include "daemon/lakesvc/request_path.h"
#include "daemon/lakesvc/revision_store.h"
#include "daemon/lakesvc/service_config.h"
#include "daemon/lakestore/lake_blob_store.h"
#include "daemon/transfer/fetch_group.h"
#include "daemon/transfer/transport.h"

namespace leancache::lakesvc {

struct ServiceParts {
  ServiceConfig config;
  lakestore::LakeBlobStore* artifacts = nullptr;  // "<hash16>.art", ServiceName
  RevisionStore* revisions = nullptr;
  transfer::Transport* transport = nullptr;
  transfer::FetchGroup* fetches = nullptr;
  std::filesystem::path key_dir;                  // holds lake-service.key (write_key.h)
  uint64_t max_body_bytes = uint64_t{4} << 30;    // larger PUTs get 413
  const sources::Config* net_config = nullptr;    // proxy/CA of upstream transfers
};

// A PUT whose headers were accepted; its body is streamed into `sink`.
struct PendingPut {
  ObjectPath object;
  sigv4::VerifiedRequest verified;
  sigv4::Credential key;  // secret: the registered key, for write-through
  std::string user;
  fs::OwnedFile temp;  // the body's file, removed with the PendingPut unless consumed
  std::optional<BodySink> sink;
  absl::Status body_error;  // the first failed Append (answered when the body ends)
};

class LakeService {
 public:
  // Every pointer in `parts` must outlive the service.
  explicit LakeService(ServiceParts parts);

  // Answers a GET (or HEAD: the caller drops the body) of `object` for reader `user`.
  Reply Get(const ObjectPath& object, std::string_view user);

  // Header stage of a PUT by `user`: verifies the signature against the registered key and opens
  // the body's temp file. An error is the Reply to send without reading the body (403/400/500).
  std::variant<Reply, std::unique_ptr<PendingPut>> BeginPut(const ObjectPath& object, const sigv4::RequestView& request,
                                                            std::string_view user);

  // Body stage: appends a piece of the body (errors are kept in `put.body_error`).
  void Append(PendingPut& put, std::string_view data);

  // The body ended: verifies, stores, writes through; 200 or an error Reply.
  Reply FinishPut(PendingPut& put);

 private:
  Reply Serve(const ObjectPath& object, std::string_view user);
  Reply FinishArtifact(PendingPut& put);
  Reply FinishRevision(PendingPut& put);

  ServiceParts parts_;
  ReadThrough read_through_;
};

}  // namespace leancache::lakesvc
