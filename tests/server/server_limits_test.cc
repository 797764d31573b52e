// Overload, deadlines and the database role: request size limit, statement timeouts that follow
// the call's deadline, jobs whose deadline passed in the queue are not run, and the news_app role
// cannot change the schema but serves reads and comment creates.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "server/db/database_pool.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_postgres.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::ContextWithDeadline;

class ServerLimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("server_limits_test").release();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::ArticleService::NewStub(server_->channel).release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
  }

  // Runs `work` on `pool` with `deadline` and `retry` and waits for its status.
  static absl::Status RunOn(db::DatabasePool& pool, absl::Time deadline,
                            db::DatabasePool::Work work,
                            db::RetryPolicy retry = db::RetryPolicy::kNoRetry) {
    std::promise<absl::Status> outcome;
    pool.Submit(deadline, retry, std::move(work),
                [&outcome](absl::Status status) { outcome.set_value(std::move(status)); });
    return outcome.get_future().get();
  }

  // SHOW statement_timeout on a worker of `pool`.
  static std::string StatementTimeout(db::DatabasePool& pool, absl::Time deadline) {
    std::string value;
    const absl::Status status = RunOn(pool, deadline, [&value](pqxx::connection& db) {
      value = pqxx::nontransaction(db).exec1("SHOW statement_timeout")[0].as<std::string>();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return value;
  }

  static inline testing::TestServer* server_ = nullptr;
  static inline v1::ArticleService::Stub* stub_ = nullptr;
};

TEST_F(ServerLimitsTest, RequestsOver64KiBAreRefusedWithResourceExhausted) {
  v1::GetArticleRequest request;
  request.set_slug(std::string(100 * 1024, 'a'));
  v1::Article article;
  EXPECT_EQ(stub_->GetArticle(ContextWithDeadline().get(), request, &article).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Just under the limit the request reaches the service, which judges the slug itself.
  request.set_slug(std::string(60 * 1024, 'a'));
  EXPECT_EQ(stub_->GetArticle(ContextWithDeadline().get(), request, &article).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerLimitsTest, ConnectionsHaveADefaultStatementTimeout) {
  db::DatabasePool pool(db::PoolOptions{server_->database_url, 1, 16, nullptr});
  EXPECT_EQ(StatementTimeout(pool, absl::InfiniteFuture()), "5s");
}

TEST_F(ServerLimitsTest, StatementTimeoutShrinksToTheCallsDeadlineForThatJobOnly) {
  db::DatabasePool pool(db::PoolOptions{server_->database_url, 1, 16, nullptr});
  const std::string tight = StatementTimeout(pool, absl::Now() + absl::Milliseconds(800));
  ASSERT_TRUE(absl::EndsWith(tight, "ms")) << tight;
  int milliseconds = 0;
  ASSERT_TRUE(absl::SimpleAtoi(tight.substr(0, tight.size() - 2), &milliseconds)) << tight;
  EXPECT_GT(milliseconds, 0);
  EXPECT_LE(milliseconds, 800);
  EXPECT_EQ(StatementTimeout(pool, absl::InfiniteFuture()), "5s");
}

TEST_F(ServerLimitsTest, AQueryRunningPastTheDeadlineIsCancelled) {
  db::DatabasePool pool(db::PoolOptions{server_->database_url, 1, 16, nullptr});
  const absl::Time start = absl::Now();
  const absl::Status status =
      RunOn(pool, absl::Now() + absl::Milliseconds(200), [](pqxx::connection& db) {
        pqxx::work(db).exec("SELECT pg_sleep(5)");
        return absl::OkStatus();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The connection is still usable, with the default timeout back.
  EXPECT_EQ(StatementTimeout(pool, absl::InfiniteFuture()), "5s");
}

TEST_F(ServerLimitsTest, AJobWhoseDeadlinePassedInTheQueueIsNotRun) {
  db::DatabasePool pool(db::PoolOptions{server_->database_url, 1, 16, nullptr});
  std::promise<absl::Status> first;
  pool.Submit(
      absl::InfiniteFuture(), db::RetryPolicy::kNoRetry,
      [](pqxx::connection& db) {
        pqxx::work(db).exec("SELECT pg_sleep(0.3)");
        return absl::OkStatus();
      },
      [&first](absl::Status status) { first.set_value(status); });
  std::atomic<bool> ran{false};
  const absl::Status late =
      RunOn(pool, absl::Now() + absl::Milliseconds(50), [&ran](pqxx::connection&) {
        ran = true;
        return absl::OkStatus();
      });
  EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded) << late;
  EXPECT_FALSE(ran);
  EXPECT_TRUE(first.get_future().get().ok());
}

// The worker's own session is ended mid-statement on the first run only.
TEST_F(ServerLimitsTest, AJobWhoseConnectionBreaksRunsOnceMoreOnlyWhenRetryable) {
  for (const db::RetryPolicy retry :
       {db::RetryPolicy::kRetryOnLostConnection, db::RetryPolicy::kNoRetry}) {
    db::DatabasePool pool(db::PoolOptions{server_->database_url, 1, 16, nullptr});
    int runs = 0;
    const absl::Status status = RunOn(
        pool, absl::Now() + absl::Seconds(10),
        [&runs](pqxx::connection& db) {
          pqxx::nontransaction tx(db);
          if (++runs == 1) tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
          tx.exec("SELECT 1");
          return absl::OkStatus();
        },
        retry);
    if (retry == db::RetryPolicy::kRetryOnLostConnection) {
      EXPECT_TRUE(status.ok()) << status;
      EXPECT_EQ(runs, 2);
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
      EXPECT_EQ(runs, 1);
    }
  }
}

// A session ended while the worker was idle (as a restart ends them all) fails no job, not even
// one that may not be retried.
TEST_F(ServerLimitsTest, AConnectionEndedWhileIdleIsRenewedBeforeTheNextJob) {
  db::DatabasePool pool(db::PoolOptions{server_->database_url, 1, 16, nullptr});
  auto backend_pid = [&pool](int& pid) {
    return RunOn(pool, absl::Now() + absl::Seconds(10), [&pid](pqxx::connection& db) {
      pid = pqxx::nontransaction(db).exec1("SELECT pg_backend_pid()")[0].as<int>();
      return absl::OkStatus();
    });
  };
  int first = 0;
  ASSERT_TRUE(backend_pid(first).ok());
  {
    pqxx::connection admin(server_->database_url);
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", first);
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    while (tx.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", first)[0]
                   .as<int>() > 0 &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  int second = 0;
  const absl::Status status = backend_pid(second);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_NE(second, first);
}

TEST_F(ServerLimitsTest, AFullQueueAnswersResourceExhaustedAtOnce) {
  db::DatabasePool pool(db::PoolOptions{server_->database_url, 1, 1, nullptr});
  auto sleep = [](pqxx::connection& db) {
    pqxx::work(db).exec("SELECT pg_sleep(0.3)");
    return absl::OkStatus();
  };
  std::promise<absl::Status> running;
  std::promise<absl::Status> queued;
  pool.Submit(absl::InfiniteFuture(), db::RetryPolicy::kNoRetry, sleep,
              [&running](absl::Status status) { running.set_value(status); });
  // Let the worker take the first job, so the second one fills the queue.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (pool.in_use() == 0 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  ASSERT_EQ(pool.in_use(), 1u);
  pool.Submit(absl::InfiniteFuture(), db::RetryPolicy::kNoRetry, sleep,
              [&queued](absl::Status status) { queued.set_value(status); });
  std::atomic<bool> ran{false};
  const absl::Time start = absl::Now();
  const absl::Status refused = RunOn(pool, absl::InfiniteFuture(), [&ran](pqxx::connection&) {
    ran = true;
    return absl::OkStatus();
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(50));
  EXPECT_FALSE(ran);
  EXPECT_TRUE(running.get_future().get().ok());
  EXPECT_TRUE(queued.get_future().get().ok());
}

TEST_F(ServerLimitsTest, TheAppRoleCannotChangeTheSchemaButServesCalls) {
  {
    pqxx::connection admin(server_->database_url);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP ROLE IF EXISTS news_web_test");
    tx.exec("CREATE ROLE news_web_test LOGIN IN ROLE news_app");
  }
  const std::string app_url =
      absl::StrReplaceAll(server_->database_url, {{"user=postgres", "user=news_web_test"}});
  ASSERT_NE(app_url, server_->database_url);
  pqxx::connection app(app_url);
  for (const char* ddl : {"CREATE TABLE intruder (id int)", "DROP TABLE articles",
                          "ALTER TABLE articles ADD COLUMN intruder int",
                          "DELETE FROM schema_migrations", "TRUNCATE articles"}) {
    pqxx::work tx(app);
    EXPECT_THROW(tx.exec(ddl), pqxx::insufficient_privilege) << ddl;
  }
  {
    pqxx::work tx(app);
    EXPECT_NO_THROW(tx.exec("SELECT count(*) FROM articles"));
    EXPECT_NO_THROW(tx.exec("INSERT INTO categories (slug, name) VALUES ('role-test', 'x')"));
  }

  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_url = app_url;
  options.apply_migrations = false;
  // Approved at once, so a create also updates the article's comment count.
  options.comment_rules.moderation = CommentModeration::kPost;
  auto server = NewsServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                     grpc::InsecureChannelCredentials());
  v1::ListCategoriesResponse categories;
  EXPECT_TRUE(v1::ArticleService::NewStub(channel)
                  ->ListCategories(ContextWithDeadline().get(), {}, &categories)
                  .ok());

  // Creating a comment runs the create_comment() function with the role's privileges.
  const int64_t article_id =
      testing::InsertArticle(server_->database_url, "Bài cho vai trò ứng dụng");
  v1::CreateCommentRequest request;
  request.set_article_id(article_id);
  request.set_request_id("app-role-1");
  request.set_author_name("Trần Thị Bình");
  request.set_body("Bình luận gửi qua vai trò news_app");
  v1::Comment comment;
  const grpc::Status created = v1::CommentService::NewStub(channel)->CreateComment(
      testing::ClientContext("app-role").get(), request, &comment);
  ASSERT_TRUE(created.ok()) << created.error_message();
  EXPECT_GT(comment.id(), 0);
  EXPECT_EQ(comment.state(), v1::COMMENT_STATE_APPROVED);
  EXPECT_EQ(testing::CommentCount(server_->database_url, article_id), 1);
}

}  // namespace
}  // namespace news
