#ifndef NEWS_SERVER_DOMAIN_ADMIN_AUTH_H_
#define NEWS_SERVER_DOMAIN_ADMIN_AUTH_H_

// Admin bearer tokens for ModerationService: random secrets (256 bits from OpenSSL's CSPRNG)
// stored only as SHA-256 hex, checked in constant time, revocable. Token values are never
// logged or stored; the audit log names tokens by their `name`.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/storage/clients/token_store.h"

namespace news {

// Moderators may call ModerationService, editors EditorialService; admins both.
enum class AdminRole { kModerator, kAdmin, kEditor };

// "moderator" / "admin" / "editor".
absl::string_view AdminRoleName(AdminRole role);
// InvalidArgument (field "role") for anything but "moderator", "editor" and "admin".
absl::StatusOr<AdminRole> ParseAdminRole(absl::string_view name);

// Who is calling, once authenticated.
struct AdminPrincipal {
  int64_t token_id;
  std::string name;
  AdminRole role;
};

// Checks an `authorization` metadata value ("Bearer <token>") against the live tokens and the
// role an RPC needs (admin includes moderator and editor). Unauthenticated when the value is
// missing, malformed, unknown or revoked; PermissionDenied when the token's role is not enough.
absl::StatusOr<AdminPrincipal> Authenticate(pqxx::transaction_base& tx,
                                            absl::string_view authorization, AdminRole required);

struct IssuedToken {
  int64_t id;
  // The secret, to show once; only its hash is stored.
  std::string token;
};

// Creates a token and records TOKEN_CREATE by `actor` in the audit log. InvalidArgument (field
// "name") unless `name` is 1..100 characters of valid UTF-8. Internal if the random generator
// fails.
absl::StatusOr<IssuedToken> IssueToken(pqxx::transaction_base& tx, AdminRole role,
                                       absl::string_view name, absl::string_view actor);

// Revokes token `id` and records TOKEN_REVOKE by `actor`. NotFound for an unknown id; revoking
// twice is a no-op success.
absl::Status RevokeToken(pqxx::transaction_base& tx, int64_t id, absl::string_view actor);

// SHA-256 of `token`, lower-case hex.
std::string TokenHash(absl::string_view token);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_ADMIN_AUTH_H_
