// ResponseCache: bounded by entries and by age, one load per key at a time (coalescing),
// refresh-ahead of entries past their refresh age, invalidation; GetArticle's counters on top of
// cached bytes (CounterOverlay, ArticleCounterFragment); and GetArticle and ListArticles through
// the cache on the real server.

#include "server/domain/response_cache.h"

#include <grpcpp/generic/generic_stub.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "news/v1/article.grpc.pb.h"
#include "server/domain/articles/counter_overlay.h"
#include "server/transport/articles/counter_fragment.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using Cache = ResponseCache<int64_t, std::string>;

// Loads that the test completes by hand, and what each Get's reader received.
class ArticleCacheTest : public ::testing::Test {
 protected:
  // What a reader that was not answered at once received, once it has.
  struct Received {
    bool done = false;
    Cache::Result result = absl::UnknownError("not yet");
  };

  // Gets `key`; returns the value of a hit, else "" (then the reader's outcome goes to
  // `received`, when given).
  std::string Get(Cache& cache, int64_t key, Received* received = nullptr) {
    std::shared_ptr<const std::string> value = cache.Get(
        key,
        [received] {
          return Cache::Waiter([received](const Cache::Result& result) {
            if (received == nullptr) return;
            received->done = true;
            received->result = result;
          });
        },
        [this, key](Cache::LoadDone done) {
          loaded_keys_.push_back(key);
          pending_.push_back(std::move(done));
        });
    return value == nullptr ? "" : *value;
  }

  // Completes the oldest pending load with `value`.
  void CompleteLoad(absl::StatusOr<std::string> value) {
    ASSERT_FALSE(pending_.empty());
    Cache::LoadDone done = std::move(pending_.front());
    pending_.erase(pending_.begin());
    done(std::move(value));
  }

  // Gets `key` and completes the load it starts with `value`.
  void Fill(Cache& cache, int64_t key, const std::string& value) {
    Get(cache, key);
    CompleteLoad(value);
  }

  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  std::function<absl::Time()> clock_ = [this] { return now_; };
  std::vector<int64_t> loaded_keys_;
  std::vector<Cache::LoadDone> pending_;
};

TEST_F(ArticleCacheTest, ServesALoadedValueUntilItIsTtlOld) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_);
  Received first;
  EXPECT_EQ(Get(cache, 7, &first), "");
  CompleteLoad("Bản tin sáng");
  ASSERT_TRUE(first.done);
  ASSERT_TRUE(first.result.ok());
  EXPECT_EQ(**first.result, "Bản tin sáng");
  now_ += absl::Milliseconds(499);
  EXPECT_EQ(Get(cache, 7), "Bản tin sáng");
  EXPECT_EQ(loaded_keys_.size(), 1u);
  now_ += absl::Milliseconds(501);
  EXPECT_EQ(Get(cache, 7), "");
  EXPECT_EQ(loaded_keys_.size(), 2u);
}

TEST_F(ArticleCacheTest, AgeCountsFromWhenTheReadStarted) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_);
  Get(cache, 7);
  now_ += absl::Milliseconds(300);  // a slow read
  CompleteLoad("Chậm");
  now_ += absl::Milliseconds(699);
  Received late;
  EXPECT_EQ(Get(cache, 7, &late), "Chậm");
  now_ += absl::Milliseconds(1);
  EXPECT_EQ(Get(cache, 7), "");
}

TEST_F(ArticleCacheTest, ConcurrentMissesShareOneLoad) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_);
  std::vector<Received> readers(5);
  for (Received& reader : readers) EXPECT_EQ(Get(cache, 7, &reader), "");
  EXPECT_EQ(loaded_keys_, std::vector<int64_t>{7});
  EXPECT_FALSE(readers[4].done);
  CompleteLoad("Một lần đọc");
  for (const Received& reader : readers) {
    ASSERT_TRUE(reader.done);
    ASSERT_TRUE(reader.result.ok());
    EXPECT_EQ(**reader.result, "Một lần đọc");
  }
  EXPECT_EQ(Get(cache, 7), "Một lần đọc");
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.coalesced(), 4u);
  EXPECT_EQ(cache.hits(), 1u);
}

TEST_F(ArticleCacheTest, AFailedLoadFailsItsWaitersAndTheNextGetLoadsAgain) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_);
  Received first;
  Received second;
  Get(cache, 7, &first);
  Get(cache, 7, &second);
  CompleteLoad(absl::UnavailableError("database away"));
  ASSERT_TRUE(first.done && second.done);
  EXPECT_EQ(first.result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(second.result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(cache.size(), 0u);
  Get(cache, 7);
  EXPECT_EQ(loaded_keys_.size(), 2u);
}

TEST_F(ArticleCacheTest, LoadsOfDifferentKeysDoNotWaitForEachOther) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_);
  Received seven;
  Received eight;
  Get(cache, 7, &seven);
  Get(cache, 8, &eight);
  EXPECT_EQ(loaded_keys_, (std::vector<int64_t>{7, 8}));
  CompleteLoad("bảy");
  EXPECT_TRUE(seven.done);
  EXPECT_FALSE(eight.done);
}

TEST_F(ArticleCacheTest, ThreadsMissingTogetherReadOnce) {
  Cache cache(100, absl::Seconds(1), absl::Milliseconds(500), clock_);
  std::mutex mutex;
  std::condition_variable released;
  bool release = false;
  int loads = 0;
  std::atomic<int> served{0};
  std::vector<std::thread> loaders;
  std::vector<std::thread> readers;
  for (int i = 0; i < 16; ++i) {
    readers.emplace_back([&] {
      std::shared_ptr<const std::string> value = cache.Get(
          42,
          [&] {
            return Cache::Waiter([&](const Cache::Result& result) {
              if (result.ok() && **result == "bốn hai") served.fetch_add(1);
            });
          },
          [&](Cache::LoadDone done) {
            std::lock_guard lock(mutex);
            ++loads;
            // The read answers only once every reader has asked.
            loaders.emplace_back([&, done = std::move(done)]() mutable {
              std::unique_lock wait(mutex);
              released.wait(wait, [&] { return release; });
              wait.unlock();
              done(std::string("bốn hai"));
            });
          });
      if (value != nullptr) served.fetch_add(1);
    });
  }
  for (std::thread& reader : readers) reader.join();
  {
    std::lock_guard lock(mutex);
    release = true;
    released.notify_all();
  }
  // Only readers start loads, so `loaders` is complete once they are joined.
  for (std::thread& loader : loaders) loader.join();
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(served.load(), 16);
}

TEST_F(ArticleCacheTest, RefreshesAHotEntryAheadOfExpiryOncePerKey) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_);
  Fill(cache, 7, "cũ");
  now_ += absl::Milliseconds(400);
  EXPECT_EQ(Get(cache, 7), "cũ");
  EXPECT_EQ(loaded_keys_.size(), 1u);  // younger than refresh_after: no refresh
  now_ += absl::Milliseconds(200);
  // Past half the TTL: served at once, and one background read starts.
  EXPECT_EQ(Get(cache, 7), "cũ");
  EXPECT_EQ(Get(cache, 7), "cũ");
  EXPECT_EQ(loaded_keys_.size(), 2u);
  EXPECT_EQ(cache.refreshes(), 1u);
  now_ += absl::Milliseconds(100);
  CompleteLoad("mới");
  EXPECT_EQ(Get(cache, 7), "mới");
  // Its age counts from the refresh (started at +600 ms): at +1.1 s it is 500 ms old and is
  // refreshed again, so a hot entry never expires.
  now_ += absl::Milliseconds(400);
  EXPECT_EQ(Get(cache, 7), "mới");
  EXPECT_EQ(loaded_keys_.size(), 3u);
  CompleteLoad("mới hơn");
  now_ += absl::Milliseconds(900);
  EXPECT_EQ(Get(cache, 7), "mới hơn");
  EXPECT_EQ(cache.misses(), 1u);
}

TEST_F(ArticleCacheTest, RunsAtMostMaxRefreshesAtOnce) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_, /*max_refreshes=*/1);
  Fill(cache, 1, "một");
  Fill(cache, 2, "hai");
  now_ += absl::Milliseconds(600);
  EXPECT_EQ(Get(cache, 1), "một");
  EXPECT_EQ(Get(cache, 2), "hai");  // no slot free: served without a refresh
  EXPECT_EQ(loaded_keys_, (std::vector<int64_t>{1, 2, 1}));
  CompleteLoad("một mới");
  EXPECT_EQ(Get(cache, 2), "hai");
  EXPECT_EQ(loaded_keys_, (std::vector<int64_t>{1, 2, 1, 2}));
  EXPECT_EQ(cache.refreshes(), 2u);
}

TEST_F(ArticleCacheTest, AFailedRefreshKeepsServingTheEntryUntilItsTtl) {
  Cache cache(10, absl::Seconds(1), absl::Milliseconds(500), clock_);
  Fill(cache, 7, "còn hạn");
  now_ += absl::Milliseconds(600);
  EXPECT_EQ(Get(cache, 7), "còn hạn");
  CompleteLoad(absl::UnavailableError("database away"));
  now_ += absl::Milliseconds(399);
  EXPECT_EQ(Get(cache, 7), "còn hạn");  // and starts another refresh
  EXPECT_EQ(loaded_keys_.size(), 3u);
  now_ += absl::Milliseconds(1);
  Received expired;
  EXPECT_EQ(Get(cache, 7, &expired), "");  // waits for the refresh in flight
  EXPECT_EQ(loaded_keys_.size(), 3u);
  CompleteLoad("mới");
  ASSERT_TRUE(expired.done);
  EXPECT_EQ(**expired.result, "mới");
}

TEST_F(ArticleCacheTest, NeverHoldsMoreThanMaxEntries) {
  for (size_t max_entries : {1, 3, 63, 64, 1000, 10000}) {
    Cache cache(max_entries, absl::Minutes(1), absl::Seconds(30), clock_);
    for (int64_t key = 0; key < 3 * static_cast<int64_t>(max_entries) + 10; ++key) {
      Fill(cache, key, "x");
    }
    EXPECT_EQ(cache.size(), max_entries);
  }
}

TEST_F(ArticleCacheTest, NeverHoldsMoreThanItsBytes) {
  // 63 entries allowed (one shard), but only ten values of 1 000 bytes (plus 8-byte keys).
  Cache cache(CacheLimits(63, 10100), absl::Minutes(1), absl::Seconds(30), clock_);
  for (int64_t key = 0; key < 200; ++key) {
    Fill(cache, key, std::string(1000, 'x'));
    ASSERT_LE(cache.bytes(), 10100u) << key;
  }
  EXPECT_EQ(cache.size(), 10u);
  EXPECT_EQ(cache.bytes(), 10u * 1008);
  // A used entry survives the eviction that a new, larger value needs.
  EXPECT_EQ(Get(cache, 199), std::string(1000, 'x'));
  Fill(cache, 500, std::string(3000, 'y'));
  EXPECT_LE(cache.bytes(), 10100u);
  EXPECT_EQ(Get(cache, 199), std::string(1000, 'x'));
  EXPECT_EQ(Get(cache, 500), std::string(3000, 'y'));
  // Invalidation gives the bytes back.
  cache.InvalidateAll();
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST_F(ArticleCacheTest, AValueLargerThanTheByteBoundIsServedButNotStored) {
  Cache cache(CacheLimits(10, 100), absl::Minutes(1), absl::Seconds(30), clock_);
  Fill(cache, 1, "nhỏ");
  Received reader;
  Get(cache, 2, &reader);
  CompleteLoad(std::string(500, 'z'));
  ASSERT_TRUE(reader.done);
  EXPECT_EQ(**reader.result, std::string(500, 'z'));
  EXPECT_EQ(Get(cache, 2), "");
  EXPECT_EQ(Get(cache, 1), "nhỏ");
  EXPECT_LE(cache.bytes(), 100u);
}

TEST_F(ArticleCacheTest, EvictsAnUnusedEntryBeforeARecentlyUsedOne) {
  Cache cache(3, absl::Minutes(1), absl::Seconds(30), clock_);
  Fill(cache, 1, "1");
  Fill(cache, 2, "2");
  Fill(cache, 3, "3");
  EXPECT_EQ(Get(cache, 1), "1");
  Fill(cache, 4, "4");
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(Get(cache, 1), "1");
  EXPECT_EQ(Get(cache, 3), "3");
  EXPECT_EQ(Get(cache, 4), "4");
  EXPECT_EQ(Get(cache, 2), "");
}

TEST_F(ArticleCacheTest, EvictsExpiredEntriesFirst) {
  Cache cache(2, absl::Seconds(1), absl::Milliseconds(500), clock_);
  Fill(cache, 1, "1");
  now_ += absl::Milliseconds(400);
  Fill(cache, 2, "2");
  EXPECT_EQ(Get(cache, 1), "1");
  EXPECT_EQ(Get(cache, 2), "2");
  now_ += absl::Milliseconds(700);  // 1 has expired, 2 has not; both were used
  Fill(cache, 3, "3");
  EXPECT_EQ(Get(cache, 2), "2");
  EXPECT_EQ(Get(cache, 3), "3");
}

TEST_F(ArticleCacheTest, ZeroEntriesLoadsEveryTimeAndStoresNothing) {
  Cache cache(0, absl::Minutes(1), absl::Seconds(30), clock_);
  Received first;
  Received second;
  Get(cache, 1, &first);
  Get(cache, 1, &second);
  EXPECT_EQ(loaded_keys_.size(), 2u);
  CompleteLoad("một");
  CompleteLoad("hai");
  EXPECT_EQ(**first.result, "một");
  EXPECT_EQ(**second.result, "hai");
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST_F(ArticleCacheTest, HandedOutValuesOutliveEviction) {
  Cache cache(1, absl::Minutes(1), absl::Seconds(30), clock_);
  Received first;
  Get(cache, 1, &first);
  CompleteLoad("Giữ lại");
  Fill(cache, 2, "2");
  EXPECT_EQ(Get(cache, 1), "");
  EXPECT_EQ(**first.result, "Giữ lại");
}

// The serialized response of one unary call.
std::string CallForBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                         const google::protobuf::Message& request) {
  grpc::GenericStub stub(channel);
  auto context = testing::ContextWithDeadline();
  grpc::Slice slice(request.SerializeAsString());
  grpc::ByteBuffer send(&slice, 1);
  grpc::ByteBuffer receive;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(context.get(), method, grpc::StubOptions(), &send, &receive,
                 [&](grpc::Status result) {
                   std::lock_guard lock(mutex);
                   status = std::move(result);
                   done = true;
                   done_cv.notify_one();
                 });
  std::unique_lock lock(mutex);
  done_cv.wait(lock, [&] { return done; });
  EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(receive.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& part : slices) {
    bytes.append(reinterpret_cast<const char*>(part.begin()), part.size());
  }
  return bytes;
}

// A server on a new database holding the sample pages; null when it cannot start.
std::unique_ptr<testing::TestServer> StartWithSamples(const std::string& database,
                                                      const ServerOptions& options) {
  auto server = testing::TestServer::Start(database, options);
  if (server) testing::ImportSamplePages(server->database_url);
  return server;
}

// The id of the newest published article; 0 when the feed is empty or fails.
int64_t NewestArticleId(v1::ArticleService::Stub& stub) {
  v1::ListArticlesResponse feed;
  if (!stub.ListArticles(testing::ContextWithDeadline().get(), {}, &feed).ok() ||
      feed.articles_size() == 0) {
    return 0;
  }
  return feed.articles(0).id();
}

TEST(ArticleCacheServerTest, CachedResponsesAreTheUncachedOnes) {
  ServerOptions cached_options;
  cached_options.article_cache_entries = 100;
  cached_options.feed_cache_entries = 10;
  cached_options.article_cache_ttl = absl::Minutes(1);
  // No view count changes between the calls compared.
  cached_options.view_flush_interval = absl::Hours(1);
  auto cached = StartWithSamples("cache_bytes_test", cached_options);
  ASSERT_NE(cached, nullptr);
  ServerOptions uncached_options;
  uncached_options.view_flush_interval = absl::Hours(1);
  auto uncached = testing::TestServer::StartOnDatabase(cached->database_url, uncached_options);
  ASSERT_NE(uncached, nullptr);

  v1::ListArticlesRequest first_page;
  const std::string feed =
      CallForBytes(uncached->channel, "/news.v1.ArticleService/ListArticles", first_page);
  EXPECT_EQ(CallForBytes(cached->channel, "/news.v1.ArticleService/ListArticles", first_page),
            feed);  // read, then stored
  EXPECT_EQ(CallForBytes(cached->channel, "/news.v1.ArticleService/ListArticles", first_page),
            feed);  // from the cache
  v1::ListArticlesResponse page;
  ASSERT_TRUE(page.ParseFromString(feed));
  ASSERT_GT(page.articles_size(), 1);
  for (const v1::ArticleSummary& summary : page.articles()) {
    v1::GetArticleRequest request;
    request.set_id(summary.id());
    const std::string article =
        CallForBytes(uncached->channel, "/news.v1.ArticleService/GetArticle", request);
    v1::Article parsed;
    ASSERT_TRUE(parsed.ParseFromString(article));
    EXPECT_EQ(parsed.id(), summary.id());
    EXPECT_GT(parsed.body_paragraphs_size(), 0);
    // Cached articles are followed by their counters (docs/caching.md): the same message.
    for (int call = 0; call < 2; ++call) {
      v1::Article from_cache;
      ASSERT_TRUE(from_cache.ParseFromString(
          CallForBytes(cached->channel, "/news.v1.ArticleService/GetArticle", request)));
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_cache, parsed))
          << "article " << summary.id() << ", call " << call;
    }
  }
}

TEST(ArticleCacheServerTest, GetArticleAnswersErrorsAsBefore) {
  ServerOptions options;
  options.article_cache_entries = 100;
  auto server = StartWithSamples("article_cache_errors_test", options);
  ASSERT_NE(server, nullptr);
  auto stub = v1::ArticleService::NewStub(server->channel);
  for (int call = 0; call < 2; ++call) {
    v1::GetArticleRequest missing;
    missing.set_id(987654321);
    v1::Article article;
    EXPECT_EQ(
        stub->GetArticle(testing::ContextWithDeadline().get(), missing, &article).error_code(),
        grpc::StatusCode::NOT_FOUND);
    v1::GetArticleRequest negative;
    negative.set_id(-1);
    EXPECT_EQ(
        stub->GetArticle(testing::ContextWithDeadline().get(), negative, &article).error_code(),
        grpc::StatusCode::INVALID_ARGUMENT);
  }
  grpc::GenericStub generic(server->channel);
  // Not a protocol buffer at all: a tag without its value.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(std::string("\x08", 1));
  grpc::ByteBuffer send(&slice, 1);
  grpc::ByteBuffer receive;
  std::promise<grpc::Status> status;
  generic.UnaryCall(&context, "/news.v1.ArticleService/GetArticle", grpc::StubOptions(), &send,
                    &receive, [&](grpc::Status result) { status.set_value(std::move(result)); });
  EXPECT_EQ(status.get_future().get().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(ArticleCacheServerTest, ConcurrentGetsOfOneArticleAllSucceed) {
  ServerOptions options;
  options.article_cache_entries = 100;
  options.article_cache_ttl = absl::Milliseconds(50);
  auto server = StartWithSamples("article_cache_concurrent_test", options);
  ASSERT_NE(server, nullptr);
  auto stub = v1::ArticleService::NewStub(server->channel);
  const int64_t id = NewestArticleId(*stub);
  ASSERT_GT(id, 0);
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int client = 0; client < 8; ++client) {
    clients.emplace_back([&] {
      const absl::Time end = absl::Now() + absl::Milliseconds(500);
      while (absl::Now() < end) {
        v1::GetArticleRequest request;
        request.set_id(id);
        v1::Article article;
        if (!stub->GetArticle(testing::ContextWithDeadline().get(), request, &article).ok() ||
            article.id() != id) {
          failures.fetch_add(1);
        }
      }
    });
  }
  // Calls cancelled while they wait for a shared read end cleanly too.
  for (int call = 0; call < 50; ++call) {
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::Article article;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::microseconds(200));
    stub->GetArticle(&context, request, &article);
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ArticleCacheServerTest, GetArticleShowsAChangeLongBeforeTheTtl) {
  ServerOptions options;
  options.article_cache_entries = 100;
  options.feed_cache_entries = 10;
  options.article_cache_ttl = absl::Minutes(5);
  auto server = StartWithSamples("article_cache_test", options);
  ASSERT_NE(server, nullptr);
  auto stub = v1::ArticleService::NewStub(server->channel);
  const int64_t id = NewestArticleId(*stub);
  ASSERT_GT(id, 0);

  auto title_of_article = [&] {
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::Article article;
    grpc::Status status = stub->GetArticle(testing::ContextWithDeadline().get(), request, &article);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return article.title();
  };
  ASSERT_NE(title_of_article(), "Tiêu đề đã sửa");
  {
    pqxx::connection db(server->database_url);
    pqxx::work tx(db);
    tx.exec_params("UPDATE articles SET title = 'Tiêu đề đã sửa' WHERE id = $1", id);
    tx.commit();
  }
  // The change log invalidates the entry (article.updated).
  const absl::Time deadline = absl::Now() + absl::Seconds(1);
  while (title_of_article() != "Tiêu đề đã sửa" && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(title_of_article(), "Tiêu đề đã sửa");
}

// The change log, not the TTL, brings a new article to a cached first page
// (cache_coherence_test.cc covers two instances and a lost connection).
TEST(ArticleCacheServerTest, FirstFeedPageShowsANewArticleLongBeforeTheTtl) {
  ServerOptions options;
  options.feed_cache_entries = 10;
  options.article_cache_ttl = absl::Minutes(5);
  auto server = StartWithSamples("feed_cache_test", options);
  ASSERT_NE(server, nullptr);
  auto stub = v1::ArticleService::NewStub(server->channel);
  auto first_title = [&] {
    v1::ListArticlesResponse feed;
    grpc::Status status = stub->ListArticles(testing::ContextWithDeadline().get(), {}, &feed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return feed.articles_size() > 0 ? feed.articles(0).title() : "";
  };
  ASSERT_NE(first_title(), "Tin nóng");
  {
    pqxx::connection db(server->database_url);
    pqxx::work tx(db);
    tx.exec(
        "INSERT INTO articles (slug, title, category_id, publish_time) SELECT 'tin-nong', "
        "'Tin nóng', category_id, now() + interval '1 day' FROM articles LIMIT 1");
    tx.commit();
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(1);
  while (first_title() != "Tin nóng" && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(first_title(), "Tin nóng");
}

TEST_F(ArticleCacheTest, InvalidatedEntriesAreReadAgain) {
  Cache cache(10, absl::Minutes(5), absl::Minutes(5), clock_);
  Fill(cache, 7, "Bản cũ");
  Fill(cache, 8, "Bài khác");
  cache.Invalidate(7);
  EXPECT_EQ(Get(cache, 7), "");
  CompleteLoad("Bản mới");
  EXPECT_EQ(Get(cache, 7), "Bản mới");
  EXPECT_EQ(Get(cache, 8), "Bài khác");
  EXPECT_EQ(loaded_keys_, (std::vector<int64_t>{7, 8, 7}));
}

TEST_F(ArticleCacheTest, ALoadInFlightWhenInvalidatedIsNeitherJoinedNorStored) {
  Cache cache(10, absl::Minutes(5), absl::Minutes(5), clock_);
  Received before;
  Get(cache, 7, &before);
  cache.Invalidate(7);
  Received after;
  EXPECT_EQ(Get(cache, 7, &after), "");  // a new load, not the one that may have read too early
  EXPECT_EQ(loaded_keys_.size(), 2u);
  CompleteLoad("Đọc trước thay đổi");
  ASSERT_TRUE(before.done);
  EXPECT_EQ(**before.result, "Đọc trước thay đổi");
  EXPECT_FALSE(after.done);
  CompleteLoad("Đọc sau thay đổi");
  ASSERT_TRUE(after.done);
  EXPECT_EQ(**after.result, "Đọc sau thay đổi");
  EXPECT_EQ(Get(cache, 7), "Đọc sau thay đổi");
  cache.InvalidateAll();
  Received early;
  Get(cache, 7, &early);
  cache.InvalidateAll();
  CompleteLoad("Quá sớm");
  EXPECT_TRUE(early.done);
  EXPECT_EQ(Get(cache, 7), "");
  EXPECT_EQ(loaded_keys_.size(), 4u);
}

TEST_F(ArticleCacheTest, InvalidateAllDropsEveryEntryAndKeepsTheCapacity) {
  Cache cache(2, absl::Minutes(5), absl::Minutes(5), clock_);
  Fill(cache, 1, "Một");
  Fill(cache, 2, "Hai");
  cache.InvalidateAll();
  EXPECT_EQ(Get(cache, 1), "");
  CompleteLoad("Một mới");
  EXPECT_EQ(Get(cache, 1), "Một mới");  // used: the hand passes it over and evicts 2
  Fill(cache, 3, "Ba");
  EXPECT_EQ(Get(cache, 1), "Một mới");
  EXPECT_EQ(Get(cache, 3), "Ba");
  EXPECT_EQ(cache.size(), 2u);
}

TEST_F(ArticleCacheTest, HitsOlderThanRefreshAfterRefreshLongLivedEntries) {
  Cache cache(10, absl::Minutes(5), absl::Seconds(1), clock_);
  Fill(cache, 7, "10 lượt xem");
  now_ += absl::Seconds(2);
  EXPECT_EQ(Get(cache, 7), "10 lượt xem");
  CompleteLoad("12 lượt xem");
  EXPECT_EQ(Get(cache, 7), "12 lượt xem");
  EXPECT_EQ(loaded_keys_.size(), 2u);
}

// Cached bytes followed by the fragment parse as the cached article with the fragment's
// counters, a zero count included.
TEST(CounterFragmentTest, ReplacesTheCountersOfCachedBytesAndNothingElse) {
  v1::Article article;
  article.set_id(42);
  article.set_slug("mua-lu-mien-trung");
  article.set_title("Mưa lũ miền Trung");
  article.add_body_paragraphs("Đoạn một.");
  article.add_tags("thời tiết");
  article.mutable_category()->set_name("Thời sự");
  article.mutable_newer()->set_id(43);
  article.set_view_count(10);
  article.set_comment_count(3);
  article.set_status(v1::ARTICLE_STATUS_PUBLISHED);
  article.set_breaking(true);
  const std::string cached = article.SerializeAsString();

  v1::Article served;
  ASSERT_TRUE(served.ParseFromString(
      cached + ArticleCounterFragment({.id = 42, .view_count = 1234567, .comment_count = 0})));
  EXPECT_EQ(served.view_count(), 1234567);
  EXPECT_EQ(served.comment_count(), 0);
  v1::Article expected = article;
  expected.set_view_count(1234567);
  expected.set_comment_count(0);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(served, expected));
}

TEST(CounterOverlayTest, KeepsTheLatestReadOfEachArticle) {
  const absl::Time start = absl::FromUnixSeconds(1'800'000'000);
  CounterOverlay overlay;
  EXPECT_FALSE(overlay.Find(7).has_value());
  overlay.Record({.id = 7, .view_count = 5, .comment_count = 1}, start);
  overlay.Record({.id = 8, .view_count = 9, .comment_count = 0}, start);
  // A batch that started later replaces both, and drops 8, which it did not read (no longer
  // cached or deleted).
  overlay.ReplaceAll({{.id = 7, .view_count = 6, .comment_count = 2}}, start + absl::Seconds(1));
  EXPECT_EQ(overlay.Find(7)->view_count, 6);
  EXPECT_EQ(overlay.Find(7)->comment_count, 2);
  EXPECT_FALSE(overlay.Find(8).has_value());
  // A GetArticle read that started after the next batch wins over it, whichever ends first.
  overlay.Record({.id = 7, .view_count = 9, .comment_count = 3}, start + absl::Seconds(3));
  overlay.Record({.id = 9, .view_count = 1, .comment_count = 0}, start + absl::Seconds(3));
  overlay.ReplaceAll({{.id = 7, .view_count = 8, .comment_count = 2}}, start + absl::Seconds(2));
  EXPECT_EQ(overlay.Find(7)->view_count, 9);
  EXPECT_EQ(overlay.Find(7)->comment_count, 3);
  EXPECT_EQ(overlay.Find(9)->view_count, 1);
  // An older read does not replace a newer one.
  overlay.Record({.id = 7, .view_count = 4, .comment_count = 0}, start);
  EXPECT_EQ(overlay.Find(7)->view_count, 9);
  EXPECT_EQ(overlay.size(), 2u);
}

TEST_F(ArticleCacheTest, KeysListsTheEntriesThatCanBeServed) {
  Cache cache(10, absl::Seconds(1), absl::Seconds(1), clock_);
  Fill(cache, 7, "Bảy");
  Fill(cache, 8, "Tám");
  Fill(cache, 9, "Chín");
  cache.Invalidate(8);
  std::vector<int64_t> keys = cache.Keys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<int64_t>{7, 9}));
  now_ += absl::Seconds(2);
  EXPECT_TRUE(cache.Keys().empty());
}

}  // namespace
}  // namespace news
