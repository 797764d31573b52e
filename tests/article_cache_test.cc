// ResponseCache: bounded by entries (least recently used evicted) and by age; and GetArticle and
// ListArticles through it on the real server.

#include "server/domain/article_cache.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "news/v1/article.grpc.pb.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

v1::Article ArticleWithId(int64_t id, const std::string& title = "Tin thời sự") {
  v1::Article article;
  article.set_id(id);
  article.set_title(title);
  return article;
}

class ArticleCacheTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  std::function<absl::Time()> clock_ = [this] { return now_; };
};

TEST_F(ArticleCacheTest, ReturnsStoredArticleUntilItIsTtlOld) {
  ArticleCache cache(10, absl::Seconds(1), clock_);
  EXPECT_EQ(cache.Find(7), nullptr);
  cache.Insert(7, ArticleWithId(7, "Bản tin sáng"));
  now_ += absl::Milliseconds(999);
  auto found = cache.Find(7);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->title(), "Bản tin sáng");
  now_ += absl::Milliseconds(1);
  EXPECT_EQ(cache.Find(7), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(ArticleCacheTest, CountsHitsAndMissesIncludingExpiredEntries) {
  ArticleCache cache(10, absl::Seconds(1), clock_);
  EXPECT_EQ(cache.Find(7), nullptr);
  cache.Insert(7, ArticleWithId(7));
  ASSERT_NE(cache.Find(7), nullptr);
  ASSERT_NE(cache.Find(7), nullptr);
  now_ += absl::Seconds(1);
  EXPECT_EQ(cache.Find(7), nullptr);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST_F(ArticleCacheTest, InsertReplacesAndRestartsTheClock) {
  ArticleCache cache(10, absl::Seconds(1), clock_);
  cache.Insert(7, ArticleWithId(7, "Cũ"));
  now_ += absl::Milliseconds(800);
  cache.Insert(7, ArticleWithId(7, "Mới"));
  now_ += absl::Milliseconds(800);
  auto found = cache.Find(7);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->title(), "Mới");
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(ArticleCacheTest, EvictsTheLeastRecentlyUsedWhenFull) {
  ArticleCache cache(3, absl::Minutes(1), clock_);
  cache.Insert(1, ArticleWithId(1));
  cache.Insert(2, ArticleWithId(2));
  cache.Insert(3, ArticleWithId(3));
  ASSERT_NE(cache.Find(1), nullptr);  // 2 is now the least recently used
  cache.Insert(4, ArticleWithId(4));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Find(2), nullptr);
  EXPECT_NE(cache.Find(1), nullptr);
  EXPECT_NE(cache.Find(3), nullptr);
  EXPECT_NE(cache.Find(4), nullptr);
}

TEST_F(ArticleCacheTest, ZeroEntriesDisablesIt) {
  ArticleCache cache(0, absl::Minutes(1), clock_);
  cache.Insert(1, ArticleWithId(1));
  EXPECT_EQ(cache.Find(1), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(ArticleCacheTest, HandedOutArticlesOutliveEviction) {
  ArticleCache cache(1, absl::Minutes(1), clock_);
  cache.Insert(1, ArticleWithId(1, "Giữ lại"));
  auto held = cache.Find(1);
  cache.Insert(2, ArticleWithId(2));
  EXPECT_EQ(cache.Find(1), nullptr);
  EXPECT_EQ(held->title(), "Giữ lại");
}

TEST(ArticleCacheServerTest, GetArticleShowsAChangeWithinTheTtl) {
  ServerOptions options;
  options.article_cache_entries = 100;
  options.feed_cache_entries = 10;
  options.article_cache_ttl = absl::Milliseconds(300);
  auto server = testing::TestServer::Start("article_cache_test", options);
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  auto stub = v1::ArticleService::NewStub(server->channel);
  v1::ListArticlesResponse feed;
  ASSERT_TRUE(stub->ListArticles(testing::ContextWithDeadline().get(), {}, &feed).ok());
  ASSERT_GT(feed.articles_size(), 0);
  const int64_t id = feed.articles(0).id();

  auto title_of_article = [&] {
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::Article article;
    grpc::Status status = stub->GetArticle(testing::ContextWithDeadline().get(), request, &article);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return article.title();
  };
  const std::string original = title_of_article();
  {
    pqxx::connection db(server->database_url);
    pqxx::work tx(db);
    tx.exec_params("UPDATE articles SET title = 'Tiêu đề đã sửa' WHERE id = $1", id);
    tx.commit();
  }
  // Served from memory until the entry is 300 ms old, then read again.
  EXPECT_EQ(title_of_article(), original);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(title_of_article(), "Tiêu đề đã sửa");
}

TEST(ArticleCacheServerTest, FirstFeedPageShowsANewArticleWithinTheTtl) {
  ServerOptions options;
  options.feed_cache_entries = 10;
  options.article_cache_ttl = absl::Milliseconds(300);
  auto server = testing::TestServer::Start("feed_cache_test", options);
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  auto stub = v1::ArticleService::NewStub(server->channel);
  auto first_title = [&] {
    v1::ListArticlesResponse feed;
    grpc::Status status = stub->ListArticles(testing::ContextWithDeadline().get(), {}, &feed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return feed.articles_size() > 0 ? feed.articles(0).title() : "";
  };
  const std::string original = first_title();
  {
    pqxx::connection db(server->database_url);
    pqxx::work tx(db);
    tx.exec(
        "INSERT INTO articles (slug, title, category_id, publish_time) SELECT 'tin-nong', "
        "'Tin nóng', category_id, now() + interval '1 day' FROM articles LIMIT 1");
    tx.commit();
  }
  EXPECT_EQ(first_title(), original);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(first_title(), "Tin nóng");
}

}  // namespace
}  // namespace news
