#include "daemon/shared/blob_service.h"

namespace leancache::shared {

grpc::Status StatBlob(const service::DaemonState&, grpc::ServerContext*, const v1::BlobRef&,
                      v1::BlobInfo*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "StatBlob is not implemented yet");
}
grpc::Status ReadBlob(const service::DaemonState&, grpc::ServerContext*, const v1::BlobRef&,
                      grpc::ServerWriter<v1::BlobChunk>*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "ReadBlob is not implemented yet");
}
grpc::Status WriteBlob(const service::DaemonState&, grpc::ServerContext*,
                       grpc::ServerReader<v1::BlobChunk>*, v1::WriteBlobReply*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "WriteBlob is not implemented yet");
}

}  // namespace leancache::shared
