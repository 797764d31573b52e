// Reads on replicas (docs/read-routing.md), on a primary with two streaming replicas
// (TestReplicatedPostgres) and the real server given the multi-host URL: reads go to the
// replicas, a replica whose replay is paused stops serving reads within the bound, a client reads
// its own comment at once even from paused replicas, and after a failover writes find the new
// primary without a restart.

#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "server/transport/database_call.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_postgres.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::ClientContext;
using testing::InsertArticle;
using testing::TestReplicatedPostgres;
using testing::TestServer;

constexpr char kReadPool[] = "news-server read pool";

// Sessions of `application_name` on a node.
int Sessions(const TestReplicatedPostgres& cluster, int node, const std::string& application_name) {
  pqxx::connection db(cluster.NodeUrl(node, "postgres"));
  return pqxx::nontransaction(db)
      .exec_params1("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                    application_name)[0]
      .as<int>();
}

// 16 ListCategories calls at once, more than the read pool has workers, so that every worker
// most likely takes one (and so follows the routing's latest choice).
void ReadBatch(const std::shared_ptr<grpc::Channel>& channel) {
  std::vector<std::thread> readers;
  for (int i = 0; i < 16; ++i) {
    readers.emplace_back([&channel] {
      v1::ListCategoriesResponse response;
      v1::ArticleService::NewStub(channel)->ListCategories(
          testing::ContextWithDeadline(5).get(), v1::ListCategoriesRequest(), &response);
    });
  }
  for (auto& reader : readers) reader.join();
}

// Reads in batches until `done` holds, for at most `limit`; whether it came to hold.
template <typename Condition>
bool ReadUntil(const std::shared_ptr<grpc::Channel>& channel, absl::Duration limit,
               Condition done) {
  const absl::Time give_up = absl::Now() + limit;
  while (absl::Now() < give_up) {
    ReadBatch(channel);
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

grpc::StatusCode GetArticle(const std::shared_ptr<grpc::Channel>& channel, int64_t id) {
  v1::GetArticleRequest request;
  request.set_id(id);
  v1::Article article;
  return v1::ArticleService::NewStub(channel)
      ->GetArticle(testing::ContextWithDeadline(5).get(), request, &article)
      .error_code();
}

v1::CreateCommentRequest Comment(int64_t article_id, const std::string& body) {
  static std::atomic<int> counter{0};
  v1::CreateCommentRequest request;
  request.set_article_id(article_id);
  request.set_author_name("Độc giả");
  request.set_body(body);
  request.set_request_id(absl::StrCat("routing-test-", ++counter, "-", absl::ToUnixNanos(absl::Now())));
  return request;
}

// Whether ListComments for `article_id`, with `context`, shows a comment with `body`.
bool ListShows(const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* context,
               int64_t article_id, const std::string& body) {
  v1::ListCommentsRequest request;
  request.set_article_id(article_id);
  v1::ListCommentsResponse response;
  const grpc::Status status =
      v1::CommentService::NewStub(channel)->ListComments(context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  for (const v1::Comment& comment : response.comments()) {
    if (comment.body() == body) return true;
  }
  return false;
}

class ReadRoutingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new TestReplicatedPostgres(2);
    url_ = new std::string(cluster_->CreateDatabase("routing"));
    // Applies the migrations once, so each test's server starts on a migrated database.
    TestServer::StartOnDatabase(*url_);
    for (int node : {1, 2}) cluster_->WaitForReplay(node);
  }
  static void TearDownTestSuite() {
    delete url_;
    delete cluster_;
  }
  void TearDown() override {
    for (int node : {1, 2}) cluster_->ResumeReplay(node);
  }

  static std::unique_ptr<TestServer> StartServer(ServerOptions options = {}) {
    options.comment_rules.moderation = CommentModeration::kPost;
    return TestServer::StartOnDatabase(*url_, options);
  }

  static TestReplicatedPostgres* cluster_;
  static std::string* url_;
};

TestReplicatedPostgres* ReadRoutingTest::cluster_ = nullptr;
std::string* ReadRoutingTest::url_ = nullptr;

TEST_F(ReadRoutingTest, ReadsGoToTheReplicasAndAreSpreadOverThem) {
  auto server = StartServer();
  // The first probe round runs at start; until workers take a job after it, they may still be on
  // the primary.
  EXPECT_TRUE(ReadUntil(server->channel, absl::Seconds(5), [&] {
    return Sessions(*cluster_, 0, kReadPool) == 0 && Sessions(*cluster_, 1, kReadPool) > 0 &&
           Sessions(*cluster_, 2, kReadPool) > 0;
  })) << "read pool sessions: primary " << Sessions(*cluster_, 0, kReadPool) << ", replicas "
      << Sessions(*cluster_, 1, kReadPool) << " and " << Sessions(*cluster_, 2, kReadPool);
  // Every host is probed on a session of its own.
  for (int node : {0, 1, 2}) EXPECT_EQ(Sessions(*cluster_, node, "news-server topology probe"), 1);
}

TEST_F(ReadRoutingTest, APausedReplicaStopsServingReadsAndReadersSeeNewArticlesWithinTheBound) {
  auto server = StartServer();
  ASSERT_TRUE(ReadUntil(server->channel, absl::Seconds(5), [&] {
    return Sessions(*cluster_, 1, kReadPool) > 0 && Sessions(*cluster_, 2, kReadPool) > 0;
  }));
  cluster_->PauseReplay(1);
  const int64_t id = InsertArticle(*url_, "Tin mới trên máy chủ chính");
  const absl::Time written = absl::Now();
  // The bound: --max_replica_lag (1 s) plus a probe round (1 s), with a second to spare for the
  // probe's own round trips on a busy test machine.
  const absl::Time bound = written + absl::Seconds(3);
  int reads_after_bound = 0;
  while (absl::Now() < written + absl::Seconds(5)) {
    const absl::Time started = absl::Now();
    const grpc::StatusCode code = GetArticle(server->channel, id);
    if (started > bound) {
      ++reads_after_bound;
      ASSERT_EQ(code, grpc::StatusCode::OK)
          << "a read " << absl::FormatDuration(started - written)
          << " after the write missed the article";
    } else {
      ASSERT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::NOT_FOUND) << code;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_GT(reads_after_bound, 10);
  // The paused replica holds no read session any more; the other replica serves the reads.
  EXPECT_TRUE(ReadUntil(server->channel, absl::Seconds(2), [&] {
    return Sessions(*cluster_, 1, kReadPool) == 0 && Sessions(*cluster_, 0, kReadPool) == 0 &&
           Sessions(*cluster_, 2, kReadPool) > 0;
  }));
  // Resumed and caught up, it serves reads again.
  cluster_->ResumeReplay(1);
  EXPECT_TRUE(ReadUntil(server->channel, absl::Seconds(5),
                        [&] { return Sessions(*cluster_, 1, kReadPool) > 0; }));
}

TEST_F(ReadRoutingTest, AClientReadsItsOwnCommentAtOnceWhileTheReplicasArePaused) {
  // Replicas are never dropped here, so only read-your-writes can show the comment. Without a
  // change-log follower (no caches, no live streams), which would raise every read's floor to the
  // comment's approval, so that the last reader below can tell the replicas still lack it.
  ServerOptions options{.max_replica_lag = absl::Hours(1)};
  options.live.enabled = false;
  auto server = StartServer(options);
  ASSERT_TRUE(ReadUntil(server->channel, absl::Seconds(5), [&] {
    return Sessions(*cluster_, 0, kReadPool) == 0 && Sessions(*cluster_, 1, kReadPool) > 0 &&
           Sessions(*cluster_, 2, kReadPool) > 0;
  }));
  const int64_t article_id = InsertArticle(*url_, "Bài để bình luận");
  for (int node : {1, 2}) {
    cluster_->WaitForReplay(node);
    cluster_->PauseReplay(node);
  }
  const std::string body = "Bình luận của tôi phải hiện ngay";
  auto writer = ClientContext("reader-ryw-1");
  v1::Comment created;
  const grpc::Status status = v1::CommentService::NewStub(server->channel)
                                  ->CreateComment(writer.get(), Comment(article_id, body), &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto token = writer->GetServerTrailingMetadata().find(kMinLsnMetadata);
  ASSERT_NE(token, writer->GetServerTrailingMetadata().end());
  const std::string token_value(token->second.data(), token->second.size());

  // The replicas do not have it ...
  for (int node : {1, 2}) {
    pqxx::connection replica(cluster_->NodeUrl(node, "routing"));
    EXPECT_EQ(pqxx::nontransaction(replica)
                  .exec_params1("SELECT count(*) FROM comments WHERE article_id = $1", article_id)[0]
                  .as<int>(),
              0);
  }
  // ... yet the writer sees its comment, every time, by its client id ...
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(ListShows(server->channel, ClientContext("reader-ryw-1").get(), article_id, body));
  }
  // ... and so does a call that carries the token from the trailer (another instance, or the same
  // app after the window).
  for (int i = 0; i < 8; ++i) {
    auto context = ClientContext("reader-ryw-other-device");
    context->AddMetadata(kMinLsnMetadata, token_value);
    EXPECT_TRUE(ListShows(server->channel, context.get(), article_id, body));
  }
  // Another reader is served by the paused replicas, which do not have it yet.
  EXPECT_FALSE(
      ListShows(server->channel, ClientContext("reader-ryw-someone-else").get(), article_id, body));
}

TEST(FailoverTest, WritesFindTheNewPrimaryWithoutARestart) {
  TestReplicatedPostgres cluster(1);
  const std::string url = cluster.CreateDatabase("failover");
  ServerOptions options;
  options.comment_rules.moderation = CommentModeration::kPost;
  // The change-log follower runs only with a cache.
  options.article_cache_entries = 100;
  auto server = TestServer::StartOnDatabase(url, options);
  const int64_t article_id = InsertArticle(url, "Bài trước khi chuyển đổi dự phòng");
  auto stub = v1::CommentService::NewStub(server->channel);
  // Creates a comment, retrying (as an app does, with the same request id) for up to `limit`.
  auto create = [&](const std::string& body, absl::Duration limit) {
    const v1::CreateCommentRequest request = Comment(article_id, body);
    const absl::Time give_up = absl::Now() + limit;
    grpc::Status status;
    do {
      v1::Comment comment;
      status = stub->CreateComment(ClientContext("failover-writer").get(), request, &comment);
      if (status.ok()) return status;
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
      absl::SleepFor(absl::Milliseconds(50));
    } while (absl::Now() < give_up);
    return status;
  };
  ASSERT_TRUE(create("trước", absl::Seconds(5)).ok());
  cluster.WaitForReplay(1);

  // Node 1 becomes the primary while node 0 is still up but read-only, as an old primary is
  // until it is stopped or rejoins: the pools' sessions on it fail with SQLSTATE 25006.
  cluster.Promote(1);
  {
    pqxx::connection old_primary(cluster.NodeUrl(0, "postgres"));
    pqxx::nontransaction tx(old_primary);
    tx.exec("ALTER SYSTEM SET default_transaction_read_only = on");
    tx.exec("SELECT pg_reload_conf()");
  }
  absl::SleepFor(absl::Milliseconds(200));
  const grpc::Status after_promotion = create("sau khi thăng cấp", absl::Seconds(10));
  ASSERT_TRUE(after_promotion.ok()) << after_promotion.error_message();
  cluster.StopImmediately(0);
  const grpc::Status after_stop = create("sau khi máy cũ dừng", absl::Seconds(10));
  ASSERT_TRUE(after_stop.ok()) << after_stop.error_message();

  // All three comments are on the new primary, and the server reads them.
  {
    pqxx::connection new_primary(cluster.NodeUrl(1, "failover"));
    EXPECT_EQ(pqxx::nontransaction(new_primary)
                  .exec_params1("SELECT count(*) FROM comments WHERE article_id = $1", article_id)[0]
                  .as<int>(),
              3);
  }
  EXPECT_TRUE(ListShows(server->channel, ClientContext("failover-reader").get(), article_id,
                        "sau khi máy cũ dừng"));
  // The background sessions follow the primary: the change-log follower listens there again.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (Sessions(cluster, 1, "news-server change follower") == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(Sessions(cluster, 1, "news-server change follower"), 1);
}

}  // namespace
}  // namespace news
