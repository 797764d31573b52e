#ifndef NEWS_SERVER_TRANSPORT_GRPC_STATUS_H_
#define NEWS_SERVER_TRANSPORT_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace news {

// The one place where domain results become gRPC statuses: same code and message, and every
// payload of `status` (see domain/status_details.h) becomes a google.protobuf.Any detail of a
// serialized google.rpc.Status in the grpc-status-details-bin trailer.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_GRPC_STATUS_H_
