#pragma once
// The shared-cache blob RPCs of the system daemon. Each identifies its caller by SO_PEERCRED
// (state.sessions.peers), asks the multiuser::TrustPolicy of state.network.shared what the caller
// may do, and serves the multiuser::SharedStore:
// * StatBlob: the trusted archive (with its path, to be opened in place), else the caller's own
//   quarantined one (no path: it is only readable through ReadBlob); found=false otherwise.
// * ReadBlob: the same archive as a stream; the first chunk carries hash16, size and sha256.
// * WriteBlob: a stream whose first chunk announces hash16, size and sha256; the bytes are
//   verified (size, SHA-256, ltar parse) and admitted as trusted or quarantined.
// Errors: PERMISSION_DENIED (unknown caller, or not allowed by the config, naming the file),
// FAILED_PRECONDITION (this daemon is not a system daemon), INVALID_ARGUMENT (bad hash16 or
// announcement, not an archive), DATA_LOSS (bytes differ from the announcement),
// RESOURCE_EXHAUSTED (quarantine quota).

#include <grpcpp/grpcpp.h>

#include "daemon/core/daemon_state.h"
#include "leancache/v1/cache.grpc.pb.h"

namespace leancache::service {

grpc::Status StatBlob(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::BlobRef& request, v1::BlobInfo* reply);
grpc::Status ReadBlob(const core::DaemonState& state, grpc::ServerContext* context,
                      const v1::BlobRef& request, grpc::ServerWriter<v1::BlobChunk>* writer);
grpc::Status WriteBlob(const core::DaemonState& state, grpc::ServerContext* context,
                       grpc::ServerReader<v1::BlobChunk>* reader, v1::WriteBlobReply* reply);

}  // namespace leancache::service
