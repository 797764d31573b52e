#include "server/app/newsctl/token_commands.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/db/migrations.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/clients/token_store.h"
#include "server/storage/prepared_statements.h"

ABSL_FLAG(std::string, role, "", "token create: moderator, editor or admin");
ABSL_FLAG(std::string, name, "", "token create: who or what the token is for");

namespace news {
namespace {

constexpr char kUsage[] =
    "  token create --role=moderator|editor|admin --name=NAME   make an admin token (shown once)\n"
    "  token revoke ID                 revoke an admin token\n"
    "  token list                      list admin tokens (no secrets)";

std::string Actor() {
  const char* user = std::getenv("USER");
  return absl::StrCat("newsctl:", user != nullptr && *user != '\0' ? user : "unknown");
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "newsctl token %s: %s\n", std::string(what).c_str(),
               std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

int Create(pqxx::connection& db) {
  absl::StatusOr<AdminRole> role = ParseAdminRole(absl::GetFlag(FLAGS_role));
  if (!role.ok()) return Fail("create", role.status());
  pqxx::work tx(db);
  absl::StatusOr<IssuedToken> issued = IssueToken(tx, *role, absl::GetFlag(FLAGS_name), Actor());
  if (!issued.ok()) return Fail("create", issued.status());
  tx.commit();
  std::fprintf(stderr, "created token %lld (%s); it is shown only now:\n",
               static_cast<long long>(issued->id), std::string(AdminRoleName(*role)).c_str());
  std::printf("%s\n", issued->token.c_str());
  return 0;
}

int Revoke(pqxx::connection& db, const char* id_text) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(id_text, &id) || id <= 0) {
    std::fprintf(stderr, "newsctl token revoke: ID must be a token id from 'token list'\n");
    return 2;
  }
  pqxx::work tx(db);
  absl::Status revoked = RevokeToken(tx, id, Actor());
  if (!revoked.ok()) return Fail("revoke", revoked);
  tx.commit();
  std::printf("token %lld revoked\n", static_cast<long long>(id));
  return 0;
}

int List(pqxx::connection& db) {
  pqxx::read_transaction tx(db);
  std::printf("%-6s %-10s %-21s %-21s %s\n", "ID", "ROLE", "CREATED", "REVOKED", "NAME");
  for (const storage::TokenRecord& token : storage::TokenStore(tx).List()) {
    std::printf("%-6lld %-10s %-21s %-21s %s\n", static_cast<long long>(token.id),
                token.role.c_str(), token.create_time.c_str(),
                token.revoked_time.empty() ? "-" : token.revoked_time.c_str(), token.name.c_str());
  }
  return 0;
}

}  // namespace

int RunTokenCommand(pqxx::connection& db, const std::vector<char*>& args) {
  absl::Status migrated = db::ApplyMigrations(db, db::EmbeddedMigrations());
  if (!migrated.ok()) return Fail("migrate", migrated);
  storage::PrepareStatements(db);
  const std::string action = args.empty() ? "" : args[0];
  if (action == "create" && args.size() == 1) return Create(db);
  if (action == "revoke" && args.size() == 2) return Revoke(db, args[1]);
  if (action == "list" && args.size() == 1) return List(db);
  std::fprintf(stderr, "usage:\n%s\n", kUsage);
  return 2;
}

}  // namespace news
