#ifndef NEWS_SERVER_STORAGE_BAN_STORE_H_
#define NEWS_SERVER_STORAGE_BAN_STORE_H_

// All SQL on the client_bans table, except the ban checks of a new comment, which run inside
// create_comment() (db/migrations/0005_create_comment.sql) and create_comment_from_address()
// (0030_address_limits.sql) with the same conditions as InForce and AddressInForce. A ban
// targets a client id or an address range (cidr text such as "198.51.100.0/24"), never both.
// Methods throw pqxx exceptions on database errors.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/moderation.pb.h"

namespace news::storage {

// A ban with its row id, the keyset position of ListBans.
struct StoredBan {
  int64_t id;
  v1::Ban ban;
};

class BanStore {
 public:
  explicit BanStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // Creates or replaces the ban of `client_id`; `duration_seconds` 0 means permanent.
  v1::Ban Upsert(const std::string& client_id, const std::string& reason,
                 const std::string& created_by, int64_t duration_seconds);

  // Creates or replaces the ban of `address_range` (canonical cidr text, e.g. IpRange::ToString).
  v1::Ban UpsertRange(const std::string& address_range, const std::string& reason,
                      const std::string& created_by, int64_t duration_seconds);

  // Removes the ban of exactly `address_range`; false when there was none.
  bool DeleteRange(const std::string& address_range);

  // Whether a range ban in force contains `address` ("198.51.100.7", "2001:db8::1").
  bool AddressInForce(const std::string& address);

  // Removes the ban of `client_id` (in force or expired); false when there was none.
  bool Delete(const std::string& client_id);

  // Whether `client_id` has a ban in force (permanent, or not yet expired).
  bool InForce(const std::string& client_id);

  // Up to `limit` bans in force with a row id below `before_id`, highest id first.
  std::vector<StoredBan> ListActive(int64_t before_id, int limit);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_BAN_STORE_H_
