#include "daemon/editor/editor_service.h"

namespace leancache::editor {

grpc::Status FileStatus(const service::DaemonState&, grpc::ServerContext*,
                        const v1::FileStatusRequest&, v1::FileStatusReply*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "FileStatus is not implemented yet");
}
grpc::Status Watch(const service::DaemonState&, grpc::ServerContext*, const v1::WatchRequest&,
                   grpc::ServerWriter<v1::WatchEvent>*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "Watch is not implemented yet");
}
grpc::Status Prefetch(const service::DaemonState&, grpc::ServerContext*, const v1::PrefetchRequest&,
                      grpc::ServerWriter<v1::Event>*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "Prefetch is not implemented yet");
}

}  // namespace leancache::editor
