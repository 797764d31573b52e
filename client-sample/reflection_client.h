#ifndef NEWS_CLIENT_SAMPLE_REFLECTION_CLIENT_H_
#define NEWS_CLIENT_SAMPLE_REFLECTION_CLIENT_H_

// Asks a server's gRPC reflection service which services it offers and how they are described,
// as generic clients (grpcurl, buf curl, Postman) do before they call anything.

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

// The files that describe `symbol` (a fully qualified service, method or message name) as the
// server's reflection sends them for file_containing_symbol: the file that defines it, then the
// files it imports, transitively, as serialized google.protobuf.FileDescriptorProto messages.
// Enough for a client that knows nothing else to build descriptors and call the service.
// NOT_FOUND (or the server's error) when reflection cannot describe the symbol; the call's
// status when the call fails.
absl::StatusOr<std::vector<std::string>> DescribeSymbolByReflection(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& symbol,
    absl::Duration timeout);

}  // namespace news::client

#endif  // NEWS_CLIENT_SAMPLE_REFLECTION_CLIENT_H_
