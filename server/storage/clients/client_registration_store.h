#ifndef NEWS_SERVER_STORAGE_CLIENT_REGISTRATION_STORE_H_
#define NEWS_SERVER_STORAGE_CLIENT_REGISTRATION_STORE_H_

// All SQL on the client_registrations table (db/migrations/0030_address_limits.sql): one row per
// issued client id, for the per-network issuance limit. Methods throw pqxx exceptions on
// database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>

namespace news::storage {

class ClientRegistrationStore {
 public:
  explicit ClientRegistrationStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // Serialises the registrations of `network` (cidr text) until the transaction ends, then
  // counts its registrations within the last `window_seconds`.
  struct Recent {
    int64_t count;
    // Create time of the oldest of them (microseconds since the epoch); 0 when count is 0.
    int64_t oldest_micros;
  };
  Recent LockAndCountRecent(const std::string& network, int64_t window_seconds);

  // Records one registration from `network` now.
  void Record(const std::string& network);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_CLIENT_REGISTRATION_STORE_H_
