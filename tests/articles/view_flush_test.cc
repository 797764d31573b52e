// Flushing counted views (WritePendingViewsAndVisits) against the real schema: a backlog goes out
// in bounded transactions, and a failed transaction puts back only its own counts and those not
// yet written, so nothing is lost or counted twice.

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/articles/view_counter.h"
#include "server/domain/discovery/site_activity.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

int64_t DailyViews(pqxx::connection& db, int64_t article_id) {
  pqxx::nontransaction query(db);
  return query
      .exec_params1("SELECT coalesce(sum(views), 0) FROM article_daily_views WHERE article_id = $1",
                    article_id)[0]
      .as<int64_t>();
}

TEST(ViewFlushTest, AFailedTransactionKeepsOnlyItsOwnAndLaterCountsPending) {
  auto server = testing::TestServer::Start("view_flush_test");
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  pqxx::connection db(server->database_url);
  storage::PrepareStatements(db);
  std::vector<int64_t> ids;
  {
    pqxx::nontransaction query(db);
    for (const auto& row : query.exec("SELECT id FROM articles ORDER BY id")) {
      ids.push_back(row[0].as<int64_t>());
    }
  }
  ASSERT_GE(ids.size(), 3);

  // Article i gets i + 1 views, each from another client.
  ViewCounter views;
  SiteActivity activity;
  const absl::Time now = absl::Now();
  int64_t recorded = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    for (size_t k = 0; k <= i; ++k) {
      ASSERT_TRUE(views.RecordView(absl::StrCat("reader-", i, "-", k), ids[i], now));
      ++recorded;
    }
  }
  ASSERT_EQ(views.pending_count(), recorded);

  // The last article's transaction fails: the ones before it commit.
  const int64_t last = ids.back();
  {
    pqxx::nontransaction ddl(db);
    ddl.exec(
        "CREATE FUNCTION refuse_views() RETURNS trigger LANGUAGE plpgsql AS"
        " $$BEGIN RAISE EXCEPTION 'refused for the test'; END$$");
    ddl.exec(absl::StrCat("CREATE TRIGGER refuse_views BEFORE INSERT OR UPDATE ON "
                          "article_daily_views FOR EACH ROW WHEN (NEW.article_id = ",
                          last, ") EXECUTE FUNCTION refuse_views()"));
  }
  const absl::Status failed =
      WritePendingViewsAndVisits(db, views, activity, /*max_rows_per_transaction=*/1);
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  for (size_t i = 0; i + 1 < ids.size(); ++i) EXPECT_EQ(DailyViews(db, ids[i]), i + 1) << i;
  EXPECT_EQ(DailyViews(db, last), 0);
  EXPECT_EQ(views.pending_count(), static_cast<int64_t>(ids.size()));

  pqxx::nontransaction(db).exec("DROP TRIGGER refuse_views ON article_daily_views");
  ASSERT_TRUE(WritePendingViewsAndVisits(db, views, activity, 1).ok());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(DailyViews(db, ids[i]), i + 1) << i;
  EXPECT_EQ(views.pending_count(), 0);
}

}  // namespace
}  // namespace news
