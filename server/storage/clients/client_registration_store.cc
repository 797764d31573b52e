#include "server/storage/clients/client_registration_store.h"

namespace news::storage {

void ClientRegistrationStore::Prepare(pqxx::connection& connection) {
  // 7303: the registration namespace of the advisory locks (see 0030_address_limits.sql).
  connection.prepare("client_registration_lock",
                     "SELECT pg_advisory_xact_lock(7303, hashtext($1))");
  connection.prepare("client_registration_recent",
                     "SELECT count(*), coalesce((extract(epoch FROM min(create_time)) * 1000000)"
                     "::bigint, 0) FROM client_registrations WHERE client_network = $1::cidr"
                     " AND create_time > now() - $2::bigint * interval '1 second'");
  connection.prepare("client_registration_record",
                     "INSERT INTO client_registrations (client_network) VALUES ($1::cidr)");
}

ClientRegistrationStore::Recent ClientRegistrationStore::LockAndCountRecent(
    const std::string& network, int64_t window_seconds) {
  tx_.exec_prepared("client_registration_lock", network);
  const pqxx::row row = tx_.exec_prepared1("client_registration_recent", network, window_seconds);
  return Recent{row[0].as<int64_t>(), row[1].as<int64_t>()};
}

void ClientRegistrationStore::Record(const std::string& network) {
  tx_.exec_prepared("client_registration_record", network);
}

}  // namespace news::storage
