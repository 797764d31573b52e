#include "server/domain/clients/admin_auth.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "news/v1/moderation.pb.h"
#include "server/domain/status_details.h"
#include "server/storage/comments/moderation_event_store.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

constexpr size_t kTokenRandomBytes = 32;
// A recognisable prefix lets secret scanners find leaked tokens.
constexpr char kTokenPrefix[] = "nmt_";
constexpr size_t kMaxTokenNameChars = 100;

absl::Status Unauthenticated() {
  return WithErrorReason(
      absl::UnauthenticatedError("send 'authorization: Bearer <token>' with a valid admin token"),
      "INVALID_ADMIN_TOKEN");
}

}  // namespace

absl::string_view AdminRoleName(AdminRole role) {
  switch (role) {
    case AdminRole::kAdmin:
      return "admin";
    case AdminRole::kEditor:
      return "editor";
    case AdminRole::kModerator:
      return "moderator";
  }
  return "";
}

absl::StatusOr<AdminRole> ParseAdminRole(absl::string_view name) {
  if (name == "moderator") return AdminRole::kModerator;
  if (name == "admin") return AdminRole::kAdmin;
  if (name == "editor") return AdminRole::kEditor;
  return InvalidFieldError("role", "must be 'moderator', 'editor' or 'admin'");
}

std::string TokenHash(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::StatusOr<AdminPrincipal> Authenticate(pqxx::transaction_base& tx,
                                            absl::string_view authorization, AdminRole required) {
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::StartsWithIgnoreCase(authorization, kScheme)) {
    return Unauthenticated();
  }
  const absl::string_view token = absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
  if (token.empty()) return Unauthenticated();
  const std::string hash = TokenHash(token);
  std::optional<storage::TokenRecord> record = storage::TokenStore(tx).FindActiveByHash(hash);
  // The lookup is by hash, which reveals nothing about the secret; the constant-time compare
  // guards against a lookup that ever matched loosely (collation, prefix index).
  if (!record || record->token_sha256.size() != hash.size() ||
      CRYPTO_memcmp(record->token_sha256.data(), hash.data(), hash.size()) != 0) {
    return Unauthenticated();
  }
  absl::StatusOr<AdminRole> role = ParseAdminRole(record->role);
  if (!role.ok()) return Unauthenticated();
  if (*role != required && *role != AdminRole::kAdmin) {
    return WithErrorReason(absl::PermissionDeniedError(absl::StrCat(
                               "token '", record->name, "' has role ", AdminRoleName(*role),
                               "; this needs ", AdminRoleName(required))),
                           required == AdminRole::kEditor  ? "EDITOR_ROLE_REQUIRED"
                           : required == AdminRole::kAdmin ? "ADMIN_ROLE_REQUIRED"
                                                           : "MODERATOR_ROLE_REQUIRED");
  }
  return AdminPrincipal{record->id, record->name, *role};
}

absl::StatusOr<IssuedToken> IssueToken(pqxx::transaction_base& tx, AdminRole role,
                                       absl::string_view name, absl::string_view actor) {
  const absl::string_view trimmed =
      text::IsValidUtf8(name) ? text::TrimWhitespace(name) : absl::string_view();
  if (trimmed.empty() || text::CodePointCount(trimmed) > kMaxTokenNameChars ||
      text::HasControlCharacters(trimmed, false)) {
    return InvalidFieldError("name", "must be 1 to 100 characters of valid UTF-8");
  }
  unsigned char random[kTokenRandomBytes];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return absl::InternalError("the random number generator failed");
  }
  IssuedToken issued;
  issued.token =
      absl::StrCat(kTokenPrefix, absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(random), sizeof(random))));
  OPENSSL_cleanse(random, sizeof(random));
  issued.id = storage::TokenStore(tx).Insert(std::string(trimmed), std::string(AdminRoleName(role)),
                                             TokenHash(issued.token));
  v1::ModerationEvent event;
  event.set_actor(std::string(actor));
  event.set_action("TOKEN_CREATE");
  event.set_detail(
      absl::StrCat("token ", issued.id, " '", trimmed, "' role ", AdminRoleName(role)));
  storage::ModerationEventStore(tx).Append(event);
  return issued;
}

absl::Status RevokeToken(pqxx::transaction_base& tx, int64_t id, absl::string_view actor) {
  std::optional<storage::TokenRecord> record = storage::TokenStore(tx).Revoke(id);
  if (!record) return absl::NotFoundError(absl::StrCat("no token has id ", id));
  v1::ModerationEvent event;
  event.set_actor(std::string(actor));
  event.set_action("TOKEN_REVOKE");
  event.set_detail(absl::StrCat("token ", record->id, " '", record->name, "' role ", record->role));
  storage::ModerationEventStore(tx).Append(event);
  return absl::OkStatus();
}

}  // namespace news
