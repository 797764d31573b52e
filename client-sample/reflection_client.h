#ifndef NEWS_CLIENT_SAMPLE_REFLECTION_CLIENT_H_
#define NEWS_CLIENT_SAMPLE_REFLECTION_CLIENT_H_

// Asks a server's gRPC reflection service which services it offers, as generic clients
// (grpcurl, Postman) do before they call anything.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace news::client {

// The fully qualified service names the server lists via grpc.reflection.v1alpha, e.g.
// "news.v1.ArticleService". The call's status on failure (UNIMPLEMENTED when the server has no
// reflection).
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout);

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_REFLECTION_CLIENT_H_
