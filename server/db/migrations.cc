#include "server/db/migrations.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <map>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace news::db {
namespace {

// Any constant works; it only has to be the same for every process migrating this database.
constexpr int64_t kMigrationLockKey = 0x6e657773;  // "news"

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

absl::Status ApplyMigrations(pqxx::connection& connection,
                             const std::vector<MigrationFile>& migrations) {
  // A session lock held across all the migrations, so a second process waits and then finds
  // them applied. It is taken before the table is created: two sessions running CREATE TABLE IF
  // NOT EXISTS at once can both miss the table, and the second fails on a unique index.
  pqxx::nontransaction session(connection);
  session.exec(absl::StrCat("SELECT pg_advisory_lock(", kMigrationLockKey, ")"));
  struct Unlock {
    pqxx::nontransaction& session;
    ~Unlock() {
      try {
        session.exec(absl::StrCat("SELECT pg_advisory_unlock(", kMigrationLockKey, ")"));
      } catch (const std::exception&) {
        // The lock dies with the session anyway.
      }
    }
  } unlock{session};
  session.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
      " applied_time timestamptz NOT NULL DEFAULT now())");

  std::map<int, std::pair<std::string, std::string>> applied;  // version -> (name, checksum)
  for (const auto& row : session.exec("SELECT version, name, checksum FROM schema_migrations")) {
    applied[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
  }
  std::map<int, const MigrationFile*> known;
  for (const auto& migration : migrations) known[migration.version] = &migration;
  for (const auto& [version, name_and_checksum] : applied) {
    if (!known.count(version)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the database has migration ", version, " (", name_and_checksum.first,
                       ") which this build does not know: it was migrated by a newer version"));
    }
  }
  for (const auto& [version, migration] : known) {
    const std::string checksum = Sha256Hex(migration->sql);
    auto it = applied.find(version);
    if (it != applied.end()) {
      if (it->second.second != checksum) {
        return absl::FailedPreconditionError(absl::StrCat(
            "migration db/migrations/", migration->name,
            " was changed after it was applied (checksum ", it->second.second, " in the database, ",
            checksum, " now); restore the file and add a new migration instead"));
      }
      continue;
    }
    // PostgreSQL runs a multi-statement query string as one transaction: the migration and its
    // record commit together or not at all.
    session.exec(absl::StrCat(
        migration->sql, "\n;INSERT INTO schema_migrations (version, name, checksum) VALUES (",
        version, ", ", session.quote(migration->name), ", ", session.quote(checksum), ")"));
    spdlog::info("applied migration {}", migration->name);
  }
  return absl::OkStatus();
}

}  // namespace news::db
