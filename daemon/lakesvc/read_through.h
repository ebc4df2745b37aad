#pragma once
// Read-through from the configured upstream S3-style service: one download per object however
// many requests (projects, users) ask at once (transfer::FetchGroup over the daemon's transport,
// so proxies, retries and HTTP/2 apply), verified before anything is kept:
//  * an artifact must hash (Lake's ByteArray.hash) to the name in its URL, else it is not stored;
//  * a revision file is kept as received; a miss (404) is never recorded.

#include <string>

#include "absl/status/statusor.h"
#include "daemon/lakesvc/request_path.h"
#include "daemon/lakesvc/revision_store.h"
#include "daemon/lakesvc/service_config.h"
#include "daemon/lakestore/lake_blob_store.h"
#include "daemon/sources/config.h"
#include "daemon/transfer/fetch_group.h"

namespace leancache::lakesvc {

class ReadThrough {
 public:
  // Every pointer must outlive this object. `upstream` may be empty (then everything misses).
  // `net_config` (may be null) gives the proxy/CA of upstream transfers (upstream_session.h).
  ReadThrough(Endpoints upstream, transfer::FetchGroup* fetches, lakestore::LakeBlobStore* artifacts,
              const RevisionStore* revisions, const sources::Config* net_config)
      : upstream_(std::move(upstream)), fetches_(fetches), artifacts_(artifacts), revisions_(revisions),
        net_config_(net_config) {}

  // Downloads `object` into its store and returns once it is there.
  // Errors: NotFound (no upstream, or it answered 404: the object does not exist);
  // DataLoss (the body does not hash to the artifact's name: not stored, message names URL and
  // both hashes); Unavailable (any other upstream failure: status, network; message says which).
  absl::Status Fetch(const ObjectPath& object);

  // The upstream URL of `object` ("" without an upstream for its kind).
  std::string UrlOf(const ObjectPath& object) const;

 private:
  transfer::FetchGroup::Finisher ArtifactFinisher(const ObjectPath& object, const std::string& url,
                                                  const std::filesystem::path& temp);
  transfer::FetchGroup::Finisher RevisionFinisher(const ObjectPath& object, const std::filesystem::path& temp);

  Endpoints upstream_;
  transfer::FetchGroup* fetches_;
  lakestore::LakeBlobStore* artifacts_;
  const RevisionStore* revisions_;
  const sources::Config* net_config_;
};

}  // namespace leancache::lakesvc
