#include "server/transport/client_identity.h"

#include "absl/strings/str_cat.h"

namespace news {
namespace {

constexpr size_t kMaxClientIdBytes = 128;

}  // namespace

std::string ClientIdentity(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                           const std::string& peer) {
  const auto it = metadata.find("x-client-id");
  if (it != metadata.end() && it->second.size() > 0) {
    return absl::StrCat(
        "id:", std::string(it->second.data(), std::min(it->second.size(), kMaxClientIdBytes)));
  }
  // "ipv4:127.0.0.1:5000", "ipv6:[::1]:5000": the port is after the last ':'.
  const size_t colon = peer.rfind(':');
  const size_t scheme = peer.find(':');
  return absl::StrCat("addr:", colon != scheme ? peer.substr(0, colon) : peer);
}

std::string ClientIdentity(const grpc::ServerContextBase& context) {
  return ClientIdentity(context.client_metadata(), context.peer());
}

}  // namespace news
