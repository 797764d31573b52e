#ifndef NEWS_TESTS_SUPPORT_ERROR_DETAILS_H_
#define NEWS_TESTS_SUPPORT_ERROR_DETAILS_H_

// Readers for the google.rpc details that the server attaches to error statuses.

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace news::testing {

// Every field named by the google.rpc.BadRequest detail of `status`, in order.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

// The google.rpc.RetryInfo delay of `status`; -1s when absent.
absl::Duration RetryDelay(const grpc::Status& status);

// The google.rpc.ErrorInfo reason of `status`, or "".
std::string ErrorReason(const grpc::Status& status);

}  // namespace news::testing

#endif  // NEWS_TESTS_SUPPORT_ERROR_DETAILS_H_
