// Operations: the Prometheus endpoint, scraped over HTTP on loopback, counts the calls made and
// exports cache hits, pending views and the moderation queue; the access log has one logfmt line
// per call with its request id and never the admin token.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "server/app/logging.h"
#include "server/transport/metrics_interceptor.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::ContextWithDeadline;

// The body of GET /metrics from 127.0.0.1:port ("" when the connection fails).
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string response;
  char buffer[8192];
  ssize_t received;
  while ((received = recv(fd, buffer, sizeof(buffer), 0)) > 0) response.append(buffer, received);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// The value of the sample line that starts with `series` followed by a space; -1 when absent.
double SampleValue(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (absl::StartsWith(line, series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class MetricsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = new std::ostringstream();
    auto logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(*log_));
    spdlog::set_default_logger(logger);
    ASSERT_TRUE(ConfigureLogging("info").ok());

    ServerOptions options;
    options.metrics_listen_address = "127.0.0.1:0";
    options.article_cache_entries = 100;
    options.feed_cache_entries = 100;
    options.article_cache_ttl = absl::Minutes(1);
    // Views stay pending for the whole suite; the queue is recounted at every health probe.
    options.view_flush_interval = absl::Hours(1);
    options.moderation_queue_refresh_interval = absl::ZeroDuration();
    server_ = testing::TestServer::Start("metrics_test", options).release();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::ArticleService::NewStub(server_->channel).release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
  }

  static std::string Log() {
    spdlog::default_logger()->flush();
    return log_->str();
  }

  static inline std::ostringstream* log_ = nullptr;
  static inline testing::TestServer* server_ = nullptr;
  static inline v1::ArticleService::Stub* stub_ = nullptr;
};

TEST_F(MetricsTest, CountsCallsByMethodAndCodeWithLatencies) {
  const int port = server_->server->metrics_port();
  ASSERT_GT(port, 0);
  for (int i = 0; i < 3; ++i) {
    v1::ListCategoriesResponse response;
    ASSERT_TRUE(stub_->ListCategories(ContextWithDeadline().get(), {}, &response).ok());
  }
  for (int i = 0; i < 2; ++i) {
    v1::GetArticleRequest request;
    request.set_id(-1);
    v1::Article article;
    EXPECT_EQ(stub_->GetArticle(ContextWithDeadline().get(), request, &article).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  const std::string metrics = Scrape(port);
  ASSERT_FALSE(metrics.empty());
  EXPECT_EQ(SampleValue(metrics,
                        "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"ListCategories\","
                        "grpc_service=\"news.v1.ArticleService\"}"),
            3);
  EXPECT_EQ(SampleValue(metrics,
                        "grpc_server_handled_total{grpc_code=\"INVALID_ARGUMENT\","
                        "grpc_method=\"GetArticle\",grpc_service=\"news.v1.ArticleService\"}"),
            2);
  EXPECT_EQ(SampleValue(metrics,
                        "grpc_server_started_total{grpc_method=\"ListCategories\","
                        "grpc_service=\"news.v1.ArticleService\"}"),
            3);
  EXPECT_EQ(SampleValue(metrics,
                        "grpc_server_handling_seconds_count{grpc_method=\"ListCategories\","
                        "grpc_service=\"news.v1.ArticleService\"}"),
            3);
  // At least the three ListCategories reads; background jobs add theirs when their time comes.
  EXPECT_GE(SampleValue(metrics, "news_db_pool_wait_seconds_count"), 3);
  EXPECT_EQ(SampleValue(metrics, "news_db_pool_connections"), 4);
  EXPECT_EQ(SampleValue(metrics, "news_db_pool_connections_in_use"), 0);
  EXPECT_EQ(SampleValue(metrics, "news_db_pool_queue_length"), 0);
}

TEST_F(MetricsTest, ReportsDatabaseUp) {
  // The health monitor probes the database every 500 ms.
  const absl::Time give_up = absl::Now() + absl::Seconds(3);
  double up = -1;
  while (absl::Now() < give_up &&
         (up = SampleValue(Scrape(server_->server->metrics_port()), "news_database_up")) != 1) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(up, 1);
}

TEST_F(MetricsTest, SampledGaugeHookIsScraped) {
  server_->server->metrics().AddSampledGauge("news_test_hook_value", "test hook",
                                             [] { return 42.0; });
  EXPECT_EQ(SampleValue(Scrape(server_->server->metrics_port()), "news_test_hook_value"), 42);
}

TEST_F(MetricsTest, CountsCacheHitsAndMissesAndPendingViews) {
  const int64_t article_id = testing::InsertArticle(server_->database_url, "Bài đo bộ nhớ đệm");
  // The insert's change-log entry invalidates both caches once the follower reads it (within
  // about 100 ms), which may fall between two reads; so read until each cache has had a hit.
  auto hits_of_both = [](const std::string& metrics) {
    return std::min(SampleValue(metrics, "news_cache_hits_total{cache=\"article\"}"),
                    SampleValue(metrics, "news_cache_hits_total{cache=\"feed\"}"));
  };
  std::string metrics;
  for (int i = 0; i < 40; ++i) {
    v1::GetArticleRequest request;
    request.set_id(article_id);
    v1::Article article;
    ASSERT_TRUE(stub_->GetArticle(ContextWithDeadline().get(), request, &article).ok());
    v1::ListArticlesRequest feed;
    feed.set_page_size(5);
    v1::ListArticlesResponse page;
    ASSERT_TRUE(stub_->ListArticles(ContextWithDeadline().get(), feed, &page).ok());
    metrics = Scrape(server_->server->metrics_port());
    if (hits_of_both(metrics) >= 1) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  for (const std::string cache : {"article", "feed"}) {
    const std::string labels = absl::StrCat("{cache=\"", cache, "\"}");
    EXPECT_GE(SampleValue(metrics, absl::StrCat("news_cache_hits_total", labels)), 1) << metrics;
    EXPECT_GE(SampleValue(metrics, absl::StrCat("news_cache_misses_total", labels)), 1) << metrics;
  }
  EXPECT_TRUE(absl::StrContains(metrics, "# TYPE news_cache_hits_total counter")) << metrics;
  // The first read counted a view; the second came from the same client within 30 minutes.
  EXPECT_GE(SampleValue(metrics, "news_pending_view_counts"), 1) << metrics;
}

TEST_F(MetricsTest, ReportsModerationQueueLength) {
  const int64_t article_id = testing::InsertArticle(server_->database_url, "Bài chờ duyệt");
  auto comments = v1::CommentService::NewStub(server_->channel);
  v1::CreateCommentRequest request;
  request.set_article_id(article_id);
  request.set_author_name("Trần Thị Bình");
  request.set_body("Bình luận chờ kiểm duyệt");
  request.set_request_id("metrics-queue-1");
  v1::Comment comment;
  ASSERT_TRUE(
      comments->CreateComment(testing::ClientContext("metrics-client").get(), request, &comment)
          .ok());
  ASSERT_EQ(comment.state(), v1::COMMENT_STATE_PENDING);

  // Recounted by the health monitor, every 500 ms here.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  double length = -1;
  while (absl::Now() < give_up && (length = SampleValue(Scrape(server_->server->metrics_port()),
                                                        "news_moderation_queue_length")) < 1) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(length, 1);
}

TEST_F(MetricsTest, AccessLogCarriesRequestIdAndNeverTheAdminToken) {
  auto context = ContextWithDeadline();
  context->AddMetadata("x-request-id", "req-metrics-test-1");
  context->AddMetadata("authorization", "Bearer very-secret-admin-token");
  v1::ListSourcesResponse response;
  ASSERT_TRUE(stub_->ListSources(context.get(), {}, &response).ok());
  const auto echoed = context->GetServerTrailingMetadata().find("x-request-id");
  ASSERT_NE(echoed, context->GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "req-metrics-test-1");

  const std::string log = Log();
  EXPECT_FALSE(absl::StrContains(log, "very-secret-admin-token")) << log;
  std::istringstream lines(log);
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    if (!absl::StrContains(line, "request_id=req-metrics-test-1")) continue;
    found = true;
    EXPECT_TRUE(absl::StartsWith(line, "ts=")) << line;
    EXPECT_TRUE(absl::StrContains(
        line, "level=info event=rpc method=/news.v1.ArticleService/ListSources code=OK ms="))
        << line;
  }
  EXPECT_TRUE(found) << log;
}

TEST_F(MetricsTest, GeneratesARequestIdWhenTheCallerSendsNoneOrAnUnsafeOne) {
  auto context = ContextWithDeadline();
  context->AddMetadata("x-request-id", "evil id\" injected=1");
  v1::ListSourcesResponse response;
  ASSERT_TRUE(stub_->ListSources(context.get(), {}, &response).ok());
  const auto echoed = context->GetServerTrailingMetadata().find("x-request-id");
  ASSERT_NE(echoed, context->GetServerTrailingMetadata().end());
  const std::string id(echoed->second.data(), echoed->second.size());
  EXPECT_EQ(id.size(), 16u);
  EXPECT_FALSE(absl::StrContains(Log(), "injected=1"));
}

TEST_F(MetricsTest, ReturnsARequestIdOnFailuresAndWhenTheCallerSentOne) {
  auto quiet = ContextWithDeadline();
  v1::ListSourcesResponse sources;
  ASSERT_TRUE(stub_->ListSources(quiet.get(), {}, &sources).ok());
  EXPECT_EQ(quiet->GetServerTrailingMetadata().count("x-request-id"), 0u)
      << "nobody asked for it and nothing failed";

  auto failing = ContextWithDeadline();
  v1::GetArticleRequest request;
  request.set_id(-5);
  v1::Article article;
  ASSERT_EQ(stub_->GetArticle(failing.get(), request, &article).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const auto id = failing->GetServerTrailingMetadata().find("x-request-id");
  ASSERT_NE(id, failing->GetServerTrailingMetadata().end());
  EXPECT_EQ(id->second.size(), 16u);
}

TEST(ConfigureLoggingTest, RefusesUnknownLevels) {
  EXPECT_EQ(ConfigureLogging("loud").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ConfigureLogging("info").ok());
}

TEST(LogfmtQuoteTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(LogfmtQuote("plain-token_1.2"), "plain-token_1.2");
  EXPECT_EQ(LogfmtQuote(""), "\"\"");
  EXPECT_EQ(LogfmtQuote("a b"), "\"a b\"");
  EXPECT_EQ(LogfmtQuote("say \"hi\"\nnext\\"), "\"say \\\"hi\\\"\\nnext\\\\\"");
  EXPECT_EQ(LogfmtQuote(std::string("nul\0byte", 8)), "\"nul\\x00byte\"");
  EXPECT_EQ(LogfmtQuote("k=v"), "\"k=v\"");
}

// A busy port fails the start with an error naming that address and its flag; the gRPC port is
// bound first, so a second server on both busy ports reports --listen, not the metrics port.
TEST_F(MetricsTest, BusyPortErrorNamesTheAddressThatFailed) {
  const std::string grpc_address = absl::StrCat("127.0.0.1:", server_->server->port());
  const std::string metrics_address =
      absl::StrCat("127.0.0.1:", server_->server->metrics_port());
  ServerOptions options;
  options.database_url = server_->database_url;

  options.listen_address = grpc_address;
  options.metrics_listen_address = metrics_address;
  absl::StatusOr<std::unique_ptr<NewsServer>> both_busy = NewsServer::Start(options);
  ASSERT_FALSE(both_busy.ok());
  EXPECT_EQ(both_busy.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(both_busy.status().message(), grpc_address + " (--listen)"))
      << both_busy.status();

  options.listen_address = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<NewsServer>> metrics_busy = NewsServer::Start(options);
  ASSERT_FALSE(metrics_busy.ok());
  EXPECT_TRUE(absl::StrContains(metrics_busy.status().message(), metrics_address))
      << metrics_busy.status();
  EXPECT_TRUE(absl::StrContains(metrics_busy.status().message(), "--metrics_listen"))
      << metrics_busy.status();
}

}  // namespace
}  // namespace news
