#ifndef NEWS_SERVER_TRANSPORT_GRPC_STATUS_H_
#define NEWS_SERVER_TRANSPORT_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace news {

// The one place where domain results become gRPC statuses: same code and message, and every
// payload of `status` (see domain/status_details.h) becomes a google.protobuf.Any detail of a
// serialized google.rpc.Status in the grpc-status-details-bin trailer.
grpc::Status ToGrpcStatus(const absl::Status& status);

// A request protobuf refused to parse: INVALID_ARGUMENT with reason MALFORMED_REQUEST (gRPC's own
// answer, a bare UNIMPLEMENTED, reads as "wrong server" to apps). The usual cause is invalid
// UTF-8 in a string field.
absl::Status MalformedRequestError();

// The canonical name of a gRPC status code ("INVALID_ARGUMENT"), for logs, metrics and reports.
// gRPC and Abseil number their codes alike.
inline std::string StatusCodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_GRPC_STATUS_H_
