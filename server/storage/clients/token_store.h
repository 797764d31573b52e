#ifndef NEWS_SERVER_STORAGE_TOKEN_STORE_H_
#define NEWS_SERVER_STORAGE_TOKEN_STORE_H_

// All SQL on the admin_tokens table. Only token hashes are stored. Methods throw pqxx
// exceptions on database errors.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace news::storage {

struct TokenRecord {
  int64_t id = 0;
  std::string name;
  std::string role;
  std::string token_sha256;
  std::string create_time;   // ISO 8601, UTC
  std::string revoked_time;  // "" while in force
};

class TokenStore {
 public:
  explicit TokenStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // Returns the new token's id.
  int64_t Insert(const std::string& name, const std::string& role, const std::string& token_sha256);

  // The token with this hash, unless it was revoked.
  std::optional<TokenRecord> FindActiveByHash(const std::string& token_sha256);

  // Revokes token `id`; nullopt when there is no such token, else the token (already revoked
  // tokens keep their first revocation time).
  std::optional<TokenRecord> Revoke(int64_t id);

  // Every token, oldest first.
  std::vector<TokenRecord> List();

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_TOKEN_STORE_H_
