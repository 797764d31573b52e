#ifndef NEWS_SERVER_DOMAIN_CLIENT_REGISTRY_H_
#define NEWS_SERVER_DOMAIN_CLIENT_REGISTRY_H_

// ClientService: issues signed client ids (client_ids.h), at a limited rate per network address
// so that a spammer cannot mint ids faster than a carrier NAT full of new installs would.
// Plain C++; methods run on a database pool worker. docs/comments.md, "Abuse resistance".

#include <optional>
#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "news/v1/client.pb.h"
#include "server/domain/clients/client_ids.h"
#include "server/domain/clients/network_address.h"

namespace news {

struct ClientRegistrationRules {
  // At most `limit` ids per `window` for one network (RateLimitNetwork); 0 is no limit.
  int limit = 20;
  absl::Duration window = absl::Hours(1);
};

class ClientRegistry {
 public:
  // `signer` must outlive the registry.
  ClientRegistry(const ClientIdSigner& signer, const ClientRegistrationRules& rules)
      : signer_(signer), rules_(rules) {}

  // A new id for a caller at `address` (nullopt: the call did not come over IP, so no limit
  // applies). PermissionDenied (reason CLIENT_BANNED) when an address ban covers `address`;
  // ResourceExhausted (RetryInfo, reason CLIENT_REGISTRATION_RATE_LIMITED) over the limit.
  absl::StatusOr<v1::RegisterClientResponse> Register(
      pqxx::connection& db, const std::optional<IpAddress>& address) const;

 private:
  const ClientIdSigner& signer_;
  const ClientRegistrationRules rules_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_CLIENT_REGISTRY_H_
