#include "server/domain/clients/client_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/domain/status_details.h"
#include "server/storage/clients/client_registration_store.h"
#include "server/storage/comments/ban_store.h"

namespace news {

absl::StatusOr<v1::RegisterClientResponse> ClientRegistry::Register(
    pqxx::connection& db, const std::optional<IpAddress>& address) const {
  v1::RegisterClientResponse response;
  if (!address) {
    response.set_client_id(signer_.Issue());
    return response;
  }
  const std::string network = RateLimitNetwork(*address).ToString();
  pqxx::work tx(db);
  if (storage::BanStore(tx).AddressInForce(address->ToString())) {
    return WithErrorReason(absl::PermissionDeniedError("this network address is banned"),
                           "CLIENT_BANNED");
  }
  storage::ClientRegistrationStore registrations(tx);
  const storage::ClientRegistrationStore::Recent recent =
      registrations.LockAndCountRecent(network, absl::ToInt64Seconds(rules_.window));
  if (rules_.limit > 0 && recent.count >= rules_.limit) {
    const absl::Duration wait = std::max(
        absl::Seconds(1), absl::FromUnixMicros(recent.oldest_micros) + rules_.window - absl::Now());
    return WithErrorReason(
        RetryLaterError(absl::StrCat("at most ", rules_.limit, " new client ids per ",
                                     absl::FormatDuration(rules_.window),
                                     " from one network address"),
                        wait),
        "CLIENT_REGISTRATION_RATE_LIMITED");
  }
  registrations.Record(network);
  tx.commit();
  response.set_client_id(signer_.Issue());
  return response;
}

}  // namespace news
