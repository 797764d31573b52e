// Servers started at the same time on an empty database: each one applies the migrations or
// finds them applied, and none fails (a cluster bring-up starts several at once).

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "server/db/migrations.h"
#include "tests/support/test_postgres.h"

namespace news {
namespace {

TEST(MigrationsTest, ConcurrentStartsOnAnEmptyDatabaseAllSucceed) {
  for (int round = 0; round < 5; ++round) {
    const std::string url = testing::TestPostgres::Instance().CreateDatabase(
        "concurrent_migrations_" + std::to_string(round));
    constexpr int kServers = 4;
    std::vector<std::string> outcomes(kServers);
    std::vector<std::thread> servers;
    for (int i = 0; i < kServers; ++i) {
      servers.emplace_back([&, i] {
        try {
          pqxx::connection connection(url);
          outcomes[i] = db::ApplyMigrations(connection, db::EmbeddedMigrations()).ToString();
        } catch (const std::exception& e) {
          outcomes[i] = e.what();
        }
      });
    }
    for (std::thread& server : servers) server.join();
    for (const std::string& outcome : outcomes) EXPECT_EQ(outcome, "OK") << "round " << round;
    pqxx::connection connection(url);
    pqxx::nontransaction tx(connection);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<size_t>(),
              db::EmbeddedMigrations().size());
  }
}

}  // namespace
}  // namespace news
