#include "server/transport/grpc_status.h"

#include <string>

#include "google/rpc/status.pb.h"
#include "server/domain/status_details.h"

namespace news {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(message);
  status.ForEachPayload([&details](absl::string_view type_url, const absl::Cord& payload) {
    auto* any = details.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  if (details.details_size() == 0) return grpc::Status(code, message);
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Status MalformedRequestError() {
  return WithErrorReason(absl::InvalidArgumentError("the request could not be parsed; string "
                                                    "fields must hold valid UTF-8"),
                         "MALFORMED_REQUEST");
}

}  // namespace news
