#include "server/storage/clients/token_store.h"

#include "absl/strings/str_cat.h"

namespace news::storage {
namespace {

constexpr char kTokenColumns[] =
    "id, name, role, token_sha256, "
    "to_char(create_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(to_char(revoked_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";

TokenRecord ReadToken(const pqxx::row& row) {
  return TokenRecord{row[0].as<int64_t>(),     row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>()};
}

}  // namespace

void TokenStore::Prepare(pqxx::connection& connection) {
  connection.prepare("token_insert",
                     "INSERT INTO admin_tokens (name, role, token_sha256) VALUES ($1, $2, $3)"
                     " RETURNING id");
  connection.prepare("token_active_by_hash",
                     absl::StrCat("SELECT ", kTokenColumns,
                                  " FROM admin_tokens WHERE token_sha256 = $1"
                                  " AND revoked_time IS NULL"));
  connection.prepare("token_revoke",
                     absl::StrCat("UPDATE admin_tokens SET revoked_time ="
                                  " coalesce(revoked_time, now()) WHERE id = $1 RETURNING ",
                                  kTokenColumns));
  connection.prepare("token_list",
                     absl::StrCat("SELECT ", kTokenColumns, " FROM admin_tokens ORDER BY id"));
}

int64_t TokenStore::Insert(const std::string& name, const std::string& role,
                           const std::string& token_sha256) {
  return tx_.exec_prepared1("token_insert", name, role, token_sha256)[0].as<int64_t>();
}

std::optional<TokenRecord> TokenStore::FindActiveByHash(const std::string& token_sha256) {
  const pqxx::result result = tx_.exec_prepared("token_active_by_hash", token_sha256);
  if (result.empty()) return std::nullopt;
  return ReadToken(result[0]);
}

std::optional<TokenRecord> TokenStore::Revoke(int64_t id) {
  const pqxx::result result = tx_.exec_prepared("token_revoke", id);
  if (result.empty()) return std::nullopt;
  return ReadToken(result[0]);
}

std::vector<TokenRecord> TokenStore::List() {
  std::vector<TokenRecord> tokens;
  for (const auto& row : tx_.exec_prepared("token_list")) tokens.push_back(ReadToken(row));
  return tokens;
}

}  // namespace news::storage
