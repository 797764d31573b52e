#include "server/storage/comments/ban_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"

namespace news::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kBanColumns[] =
    "id, coalesce(client_id, ''), reason, created_by, "
    "(extract(epoch FROM create_time) * 1000000)::bigint, "
    "(extract(epoch FROM expire_time) * 1000000)::bigint, coalesce(address_range::text, '')";

// A ban applies until its expire_time; NULL is permanent.
constexpr char kInForce[] = "(expire_time IS NULL OR expire_time > now())";

StoredBan ReadBan(const pqxx::row& row) {
  StoredBan stored{row[0].as<int64_t>(), {}};
  stored.ban.set_client_id(row[1].as<std::string>());
  stored.ban.set_address_range(row[6].as<std::string>());
  stored.ban.set_reason(row[2].as<std::string>());
  stored.ban.set_created_by(row[3].as<std::string>());
  *stored.ban.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
  if (!row[5].is_null()) {
    *stored.ban.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(row[5].as<int64_t>());
  }
  return stored;
}

}  // namespace

void BanStore::Prepare(pqxx::connection& connection) {
  connection.prepare(
      "ban_upsert",
      absl::StrCat("INSERT INTO client_bans (client_id, reason, created_by, expire_time)"
                   " VALUES ($1, $2, $3, CASE WHEN $4::bigint = 0 THEN NULL"
                   " ELSE now() + $4::bigint * interval '1 second' END)"
                   " ON CONFLICT (client_id) DO UPDATE SET reason = EXCLUDED.reason,"
                   " created_by = EXCLUDED.created_by, create_time = now(),"
                   " expire_time = EXCLUDED.expire_time RETURNING ",
                   kBanColumns));
  connection.prepare(
      "ban_upsert_range",
      absl::StrCat("INSERT INTO client_bans (address_range, reason, created_by, expire_time)"
                   " VALUES ($1::cidr, $2, $3, CASE WHEN $4::bigint = 0 THEN NULL"
                   " ELSE now() + $4::bigint * interval '1 second' END)"
                   " ON CONFLICT (address_range) DO UPDATE SET reason = EXCLUDED.reason,"
                   " created_by = EXCLUDED.created_by, create_time = now(),"
                   " expire_time = EXCLUDED.expire_time RETURNING ",
                   kBanColumns));
  connection.prepare("ban_delete", "DELETE FROM client_bans WHERE client_id = $1 RETURNING id");
  connection.prepare("ban_delete_range",
                     "DELETE FROM client_bans WHERE address_range = $1::cidr RETURNING id");
  connection.prepare("ban_address_in_force",
                     absl::StrCat("SELECT 1 FROM client_bans WHERE address_range >>= $1::inet AND ",
                                  kInForce, " LIMIT 1"));
  connection.prepare("ban_list_active",
                     absl::StrCat("SELECT ", kBanColumns, " FROM client_bans WHERE id < $1 AND ",
                                  kInForce, " ORDER BY id DESC LIMIT $2"));
  connection.prepare("ban_in_force",
                     absl::StrCat("SELECT 1 FROM client_bans WHERE client_id = $1 AND ",
                                  kInForce));
}

v1::Ban BanStore::Upsert(const std::string& client_id, const std::string& reason,
                         const std::string& created_by, int64_t duration_seconds) {
  return ReadBan(tx_.exec_prepared1("ban_upsert", client_id, reason, created_by, duration_seconds))
      .ban;
}

v1::Ban BanStore::UpsertRange(const std::string& address_range, const std::string& reason,
                              const std::string& created_by, int64_t duration_seconds) {
  return ReadBan(tx_.exec_prepared1("ban_upsert_range", address_range, reason, created_by,
                                    duration_seconds))
      .ban;
}

bool BanStore::DeleteRange(const std::string& address_range) {
  return !tx_.exec_prepared("ban_delete_range", address_range).empty();
}

bool BanStore::AddressInForce(const std::string& address) {
  return !tx_.exec_prepared("ban_address_in_force", address).empty();
}

bool BanStore::Delete(const std::string& client_id) {
  return !tx_.exec_prepared("ban_delete", client_id).empty();
}

bool BanStore::InForce(const std::string& client_id) {
  return !tx_.exec_prepared("ban_in_force", client_id).empty();
}

std::vector<StoredBan> BanStore::ListActive(int64_t before_id, int limit) {
  std::vector<StoredBan> bans;
  for (const auto& row : tx_.exec_prepared("ban_list_active", before_id, limit)) {
    bans.push_back(ReadBan(row));
  }
  return bans;
}

}  // namespace news::storage
