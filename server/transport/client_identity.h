#ifndef NEWS_SERVER_TRANSPORT_CLIENT_IDENTITY_H_
#define NEWS_SERVER_TRANSPORT_CLIENT_IDENTITY_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <string>

namespace news {

// Who is calling, for rate limits, bans, view de-duplication and site statistics: "id:" + the
// app's `x-client-id` metadata (at most 128 bytes), else "addr:" + the peer's address without
// its port (a client reconnecting from a new port stays the same client).
std::string ClientIdentity(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                           const std::string& peer);
// The same for a call whose metadata has arrived.
std::string ClientIdentity(const grpc::ServerContextBase& context);

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_CLIENT_IDENTITY_H_
