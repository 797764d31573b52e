// Database restart: PostgreSQL is killed (`pg_ctl stop -m immediate`) and restarted under a read
// and CreateComment load. The server keeps running, answers UNAVAILABLE and reports NOT_SERVING
// while the database is away, serves again soon after it returns, and every comment it
// acknowledged is in the database exactly once (clients retry with the same request_id).
// Once health is SERVING again after a restart (`pg_ctl restart -m fast`, or a crash and start),
// no call fails on a connection that broke while the database was away, on any pooled connection.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "server/transport/metrics_interceptor.h"
#include "tests/support/test_postgres.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using grpc::health::v1::HealthCheckResponse;

constexpr absl::Duration kDowntime = absl::Milliseconds(1500);

HealthCheckResponse::ServingStatus Health(grpc::health::v1::Health::Stub& health) {
  grpc::health::v1::HealthCheckRequest request;
  HealthCheckResponse response;
  auto context = testing::ContextWithDeadline(2);
  if (!health.Check(context.get(), request, &response).ok()) return HealthCheckResponse::UNKNOWN;
  return response.status();
}

// Codes seen by one kind of call, with a lock, for the load threads.
struct Outcomes {
  std::mutex mutex;
  std::map<grpc::StatusCode, int> codes;

  void Add(grpc::StatusCode code) {
    std::lock_guard lock(mutex);
    ++codes[code];
  }
  std::string Summary() {
    std::lock_guard lock(mutex);
    std::string summary;
    for (const auto& [code, count] : codes) {
      absl::StrAppend(&summary, StatusCodeName(code), "=", count, " ");
    }
    return summary;
  }
};

TEST(DatabaseRestartTest, ServerRidesOutAPostgresCrashWithoutLosingAcknowledgedComments) {
  auto server = testing::TestServer::Start("database_restart_test");
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  auto articles = v1::ArticleService::NewStub(server->channel);
  auto comments = v1::CommentService::NewStub(server->channel);
  auto health = grpc::health::v1::Health::NewStub(server->channel);

  v1::ListArticlesResponse listed;
  ASSERT_TRUE(articles->ListArticles(testing::ContextWithDeadline().get(), {}, &listed).ok());
  ASSERT_FALSE(listed.articles().empty());
  const int64_t article_id = listed.articles(0).id();

  std::atomic<bool> stop{false};
  std::atomic<int64_t> last_ok_read_micros{0};
  Outcomes reads;
  Outcomes writes;
  std::mutex acknowledged_mutex;
  std::set<std::string> acknowledged;
  std::atomic<int> comments_attempted{0};

  std::vector<std::thread> load;
  for (int t = 0; t < 2; ++t) {
    load.emplace_back([&] {
      while (!stop) {
        v1::ListCategoriesResponse response;
        const grpc::Status status =
            articles->ListCategories(testing::ContextWithDeadline(2).get(), {}, &response);
        reads.Add(status.error_code());
        if (status.ok()) last_ok_read_micros = absl::ToUnixMicros(absl::Now());
        absl::SleepFor(absl::Milliseconds(5));
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    load.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        // One client per comment keeps the flood limit out of the way; retries reuse the
        // client id and request id, as a real app does.
        const std::string request_id = absl::StrCat("restart-", t, "-", i);
        v1::CreateCommentRequest request;
        request.set_article_id(article_id);
        request.set_author_name("Người đọc");
        request.set_body(absl::StrCat("Bình luận thử nghiệm số ", t, "-", i));
        request.set_request_id(request_id);
        ++comments_attempted;
        for (int attempt = 0; attempt < 200 && !stop; ++attempt) {
          auto context = testing::ContextWithDeadline(2);
          context->AddMetadata("x-client-id", absl::StrCat("restart-client-", t, "-", i));
          v1::Comment comment;
          const grpc::Status status = comments->CreateComment(context.get(), request, &comment);
          writes.Add(status.error_code());
          if (status.ok()) {
            std::lock_guard lock(acknowledged_mutex);
            acknowledged.insert(request_id);
            break;
          }
          absl::SleepFor(absl::Milliseconds(20));
        }
      }
    });
  }

  absl::SleepFor(absl::Milliseconds(700));
  const std::string reads_before_stop = reads.Summary();
  testing::TestPostgres::Instance().StopImmediately();
  const absl::Time stopped_at = absl::Now();
  HealthCheckResponse::ServingStatus while_down = HealthCheckResponse::SERVING;
  while (absl::Now() - stopped_at < kDowntime) {
    if (while_down != HealthCheckResponse::NOT_SERVING) while_down = Health(*health);
    absl::SleepFor(absl::Milliseconds(50));
  }
  const std::string reads_until_restart = reads.Summary();
  testing::TestPostgres::Instance().Start();
  const absl::Time restarted_at = absl::Now();

  absl::Duration recovery = absl::InfiniteDuration();
  while (absl::Now() - restarted_at < absl::Seconds(5)) {
    const absl::Time last_ok = absl::FromUnixMicros(last_ok_read_micros);
    if (last_ok > restarted_at) {
      recovery = last_ok - restarted_at;
      break;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  absl::SleepFor(absl::Seconds(1));
  stop = true;
  for (auto& thread : load) thread.join();

  EXPECT_EQ(while_down, HealthCheckResponse::NOT_SERVING);
  EXPECT_LT(recovery, absl::Seconds(2));
  const absl::Time health_deadline = absl::Now() + absl::Seconds(2);
  while (Health(*health) != HealthCheckResponse::SERVING && absl::Now() < health_deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(Health(*health), HealthCheckResponse::SERVING);

  for (const auto* outcomes : {&reads, &writes}) {
    for (const auto& [code, count] : outcomes->codes) {
      EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
          << StatusCodeName(code) << " x" << count;
    }
  }
  EXPECT_GT(reads.codes[grpc::StatusCode::UNAVAILABLE], 0) << reads.Summary();
  EXPECT_GT(writes.codes[grpc::StatusCode::UNAVAILABLE], 0) << writes.Summary();

  pqxx::connection db(server->database_url);
  pqxx::work tx(db);
  std::map<std::string, int> stored;
  for (const auto& row : tx.exec("SELECT request_id, count(*) FROM comments "
                                 "WHERE request_id LIKE 'restart-%' GROUP BY request_id")) {
    stored[row[0].as<std::string>()] = row[1].as<int>();
  }
  int missing = 0;
  for (const std::string& request_id : acknowledged) {
    if (stored.count(request_id) == 0) ++missing;
  }
  EXPECT_EQ(missing, 0);
  for (const auto& [request_id, count] : stored) EXPECT_EQ(count, 1) << request_id;
  EXPECT_GT(acknowledged.size(), 10u);

  std::printf(
      "database restart: downtime=%s reads[%s] writes[%s] comments attempted=%d "
      "acknowledged=%zu stored=%zu missing=%d recovery after restart=%s "
      "(reads before the stop: %s; until the restart: %s)\n",
      absl::FormatDuration(kDowntime).c_str(), reads.Summary().c_str(), writes.Summary().c_str(),
      comments_attempted.load(), acknowledged.size(), stored.size(), missing,
      absl::FormatDuration(recovery).c_str(), reads_before_stop.c_str(),
      reads_until_restart.c_str());
}

// Sessions of the server's pools (application_name "news-server read pool" and "... write
// pool"): one per pool worker that has connected.
int ServerSessions(const std::string& database_url) {
  pqxx::connection db(database_url);
  pqxx::nontransaction tx(db);
  return tx
      .exec1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
             " AND application_name LIKE 'news-server % pool'")[0]
      .as<int>();
}

TEST(DatabaseRestartTest, NoCallFailsOnAnyPooledConnectionOnceHealthIsServingAgain) {
  ServerOptions options;
  options.db_connections = 4;
  options.db_write_connections = 8;
  auto server = testing::TestServer::Start("database_restart_renewal_test", options);
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  auto articles = v1::ArticleService::NewStub(server->channel);
  auto comments = v1::CommentService::NewStub(server->channel);
  auto health = grpc::health::v1::Health::NewStub(server->channel);
  v1::ListArticlesResponse listed;
  ASSERT_TRUE(articles->ListArticles(testing::ContextWithDeadline().get(), {}, &listed).ok());
  ASSERT_FALSE(listed.articles().empty());
  const int64_t article_id = listed.articles(0).id();
  // Every worker of both pools.
  const int all_sessions = options.db_connections + options.db_write_connections;

  // Concurrent GetArticle, ListArticles and CreateComment (with a request_id) calls, more at once
  // than either pool has workers, until every worker has run one. Returns the failed calls and
  // a summary of the codes.
  int batch_number = 0;
  auto run_batches = [&](const std::string& label) {
    Outcomes outcomes;
    for (int round = 0; round < 40; ++round) {
      ++batch_number;
      std::vector<std::thread> callers;
      for (int t = 0; t < 2 * options.db_write_connections; ++t) {
        callers.emplace_back([&, t] {
          for (int i = 0; i < 4; ++i) {
            grpc::Status status;
            if (t % 2 == 0) {
              v1::CreateCommentRequest request;
              request.set_article_id(article_id);
              request.set_author_name("Người đọc");
              request.set_body(
                  absl::StrCat("Bình luận sau khởi động lại ", label, " ", t, "-", i));
              request.set_request_id(absl::StrCat("renewal-", batch_number, "-", t, "-", i));
              auto context = testing::ContextWithDeadline(5);
              context->AddMetadata("x-client-id",
                                   absl::StrCat("renewal-", batch_number, "-", t, "-", i));
              v1::Comment comment;
              status = comments->CreateComment(context.get(), request, &comment);
            } else if (t % 4 == 1) {
              v1::GetArticleRequest request;
              request.set_id(article_id);
              v1::Article article;
              status = articles->GetArticle(testing::ContextWithDeadline(5).get(), request,
                                            &article);
            } else {
              v1::ListArticlesResponse page;
              status = articles->ListArticles(testing::ContextWithDeadline(5).get(), {}, &page);
            }
            outcomes.Add(status.error_code());
          }
        });
      }
      for (auto& caller : callers) caller.join();
      if (ServerSessions(server->database_url) >= all_sessions) break;
    }
    EXPECT_GE(ServerSessions(server->database_url), all_sessions)
        << label << ": not every pooled connection ran a call";
    int failed = 0;
    for (const auto& [code, count] : outcomes.codes) {
      if (code != grpc::StatusCode::OK) failed += count;
    }
    return std::make_pair(failed, outcomes.Summary());
  };
  auto wait_until_serving = [&] {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (Health(*health) != HealthCheckResponse::SERVING && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    return Health(*health);
  };

  // Every worker holds a connection before the database goes away.
  const auto before = run_batches("before");
  EXPECT_EQ(before.first, 0) << before.second;

  testing::TestPostgres::Instance().RestartFast();
  ASSERT_EQ(wait_until_serving(), HealthCheckResponse::SERVING);
  const auto after_restart = run_batches("after restart -m fast");
  EXPECT_EQ(after_restart.first, 0) << after_restart.second;

  testing::TestPostgres::Instance().StopImmediately();
  testing::TestPostgres::Instance().Start();
  ASSERT_EQ(wait_until_serving(), HealthCheckResponse::SERVING);
  const auto after_crash = run_batches("after stop -m immediate");
  EXPECT_EQ(after_crash.first, 0) << after_crash.second;

  std::printf("calls after restart -m fast: %s; after stop -m immediate and start: %s\n",
              after_restart.second.c_str(), after_crash.second.c_str());
}

}  // namespace
}  // namespace news
