#ifndef NEWS_SERVER_TRANSPORT_CLIENT_IDENTITY_H_
#define NEWS_SERVER_TRANSPORT_CLIENT_IDENTITY_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/domain/clients/client_ids.h"
#include "server/domain/clients/network_address.h"
#include "server/domain/comments/comment_board.h"

namespace news {

// Who is calling, for rate limits, bans, view de-duplication and site statistics: "id:" + the
// app's `x-client-id` metadata (at most 128 bytes), else "addr:" + the peer's address without
// its port (a client reconnecting from a new port stays the same client).
std::string ClientIdentity(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                           const std::string& peer);
// The same for a call whose metadata has arrived.
std::string ClientIdentity(const grpc::ServerContextBase& context);

// The `authorization` metadata value of an admin or editor call ("Bearer <token>"); "" when
// absent (the desk then answers UNAUTHENTICATED).
std::string Authorization(const grpc::ServerContextBase& context);

// The header in which the operator's proxies report the address they received a call from.
enum class ProxyHeader {
  // `x-forwarded-for: 198.51.100.7, 203.0.113.9` (each proxy appends its peer).
  kXForwardedFor,
  // RFC 7239 `forwarded: for=198.51.100.7;proto=https, for="[2001:db8::1]:4711"`.
  kForwarded,
};

// "x-forwarded-for" or "forwarded"; InvalidArgument otherwise.
absl::StatusOr<ProxyHeader> ParseProxyHeader(absl::string_view name);

// A comma-separated list of CIDR ranges ("10.0.0.0/8, 2001:db8::/32"; "" is none);
// InvalidArgument naming the first bad entry.
absl::StatusOr<std::vector<IpRange>> ParseIpRangeList(absl::string_view list);

// The IP address of gRPC's peer string ("ipv4:127.0.0.1:5000", "ipv6:[::1]:5000"); nullopt for
// other transports (e.g. "unix:/run/news.sock").
std::optional<IpAddress> PeerAddress(absl::string_view peer);

struct CallerRules {
  // Peers in these ranges are proxies of the operator: the caller's address is taken from
  // `proxy_header`, walking it from the right past every trusted address; the first entry that
  // is not trusted is the caller (an unparseable entry stops the walk at the proxy before it).
  // Empty: the header is ignored and the caller is the peer.
  std::vector<IpRange> trusted_proxies;
  ProxyHeader proxy_header = ProxyHeader::kXForwardedFor;
  // Writes on the comment board need a server-issued client id (ClientService.RegisterClient).
  bool require_signed_client_id = false;
};

// The caller's address under `rules` (see CallerRules); nullopt when the peer has none.
std::optional<IpAddress> CallerAddress(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, const std::string& peer,
    const CallerRules& rules);

// Identifies callers for the abuse limits of the comment board and ClientService.
class CallerIdentifier {
 public:
  // `signer` must outlive the identifier.
  CallerIdentifier(CallerRules rules, const ClientIdSigner& signer)
      : rules_(std::move(rules)), signer_(signer) {}

  std::optional<IpAddress> Address(const grpc::ServerContextBase& context) const;

  // The author of a write on the comment board: ClientIdentity (with the caller's address for a
  // call without `x-client-id`) and Address. Unauthenticated with reason INVALID_CLIENT_ID when
  // `x-client-id` is in the server-issued form but does not verify (forged or altered), and with
  // reason CLIENT_ID_NOT_REGISTERED when signed ids are required and the call has none.
  absl::StatusOr<Commenter> Writer(const grpc::ServerContextBase& context) const;

 private:
  const CallerRules rules_;
  const ClientIdSigner& signer_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_CLIENT_IDENTITY_H_
