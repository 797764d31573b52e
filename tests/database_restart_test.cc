// Database restart: PostgreSQL is killed (`pg_ctl stop -m immediate`) and restarted under a read
// and CreateComment load. The server keeps running, answers UNAVAILABLE and reports NOT_SERVING
// while the database is away, serves again soon after it returns, and every comment it
// acknowledged is in the database exactly once (clients retry with the same request_id).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>
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

}  // namespace
}  // namespace news
