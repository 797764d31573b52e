// DiscoveryService and view counting end to end: a real PostgreSQL cluster, real servers on
// loopback ports with a controlled clock, the generated stubs.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/discovery.grpc.pb.h"
#include "server/domain/discovery/related_news.h"
#include "server/importer/article_importer.h"
#include "server/importer/corpus_generator.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/articles/source_store.h"
#include "server/storage/discovery/search_store.h"
#include "server/storage/prepared_statements.h"
#include "server/text/search_document.h"
#include "tests/support/error_details.h"
#include "tests/support/test_postgres.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::ContextWithDeadline;

// A clock the test moves by hand; servers read it through ServerOptions::clock.
class FakeClock {
 public:
  absl::Time Now() {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void Advance(absl::Duration duration) {
    std::lock_guard lock(mutex_);
    now_ += duration;
  }

 private:
  std::mutex mutex_;
  // 2025-03-10 10:00 in Vietnam.
  absl::Time now_ = absl::FromUnixSeconds(1741575600);
};

std::unique_ptr<grpc::ClientContext> ContextAs(const std::string& client_id) {
  auto context = ContextWithDeadline();
  context->AddMetadata("x-client-id", client_id);
  return context;
}

ServerOptions OptionsWithClock(FakeClock* clock, absl::Duration flush_interval) {
  ServerOptions options;
  options.clock = [clock] { return clock->Now(); };
  options.view_flush_interval = flush_interval;
  return options;
}

std::vector<int64_t> SampleIds(const std::string& database_url) {
  pqxx::connection db(database_url);
  pqxx::nontransaction tx(db);
  std::vector<int64_t> ids;
  for (const auto& row :
       tx.exec("SELECT id FROM articles WHERE import_key LIKE 'portal-page:%' ORDER BY id")) {
    ids.push_back(row[0].as<int64_t>());
  }
  return ids;
}

int64_t ViewCount(const std::string& database_url, int64_t article_id) {
  pqxx::connection db(database_url);
  pqxx::nontransaction tx(db);
  return tx
      .exec_params1("SELECT view_count FROM article_counters WHERE article_id = $1", article_id)[0]
      .as<int64_t>();
}

// Inserts a published article the way the importer indexes one (search document and related
// news in the same transaction) and returns its id.
int64_t InsertArticle(const std::string& database_url, const std::string& category_slug,
                      const std::string& source_slug, const std::string& title,
                      const std::string& body) {
  pqxx::connection db(database_url);
  storage::PrepareStatements(db);
  pqxx::work tx(db);
  const int64_t category_id = storage::CategoryStore(tx).Ensure(category_slug, category_slug);
  const int64_t source_id = storage::SourceStore(tx).Ensure(source_slug, source_slug);
  static int counter = 0;
  const int64_t id =
      tx.exec_params1(
            "INSERT INTO articles (slug, title, category_id, source_id, publish_time, "
            "body_paragraphs) VALUES ($1, $2, $3, $4, now(), ARRAY[$5]) RETURNING id",
            absl::StrCat("search-test-", ++counter), title, category_id, source_id, body)[0]
          .as<int64_t>();
  text::ArticleWords words = text::SplitArticleWords(title, "", {body});
  storage::SearchStore(tx).SetDocument(id, text::SearchDocument(words, absl::Now()));
  IndexRelatedNews(tx, ArticleText{id, std::move(words), category_id, {}}, true);
  tx.commit();
  return id;
}

// ---------------------------------------------------------------------------------------------
// Related news and search share one server: four samples among 300 generated articles.

class DiscoveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("discovery_test").release();
    ASSERT_NE(server_, nullptr);
    pqxx::connection db(server_->database_url);
    importer::CorpusOptions corpus;
    corpus.articles = 300;
    corpus.seed = 42;
    auto generated = importer::GenerateCorpus(db, corpus);
    ASSERT_TRUE(generated.ok()) << generated.status();
    testing::ImportSamplePages(server_->database_url);
    stub_ = v1::DiscoveryService::NewStub(server_->channel).release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
  }

  v1::SearchArticlesResponse Search(v1::SearchArticlesRequest request) {
    v1::SearchArticlesResponse response;
    grpc::Status status = stub_->SearchArticles(ContextWithDeadline().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::SearchArticlesResponse Search(const std::string& query) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_page_size(50);
    return Search(request);
  }

  static std::vector<int64_t> Ids(const v1::SearchArticlesResponse& response) {
    std::vector<int64_t> ids;
    for (const auto& result : response.results()) ids.push_back(result.article().id());
    return ids;
  }

  static testing::TestServer* server_;
  static v1::DiscoveryService::Stub* stub_;
};

testing::TestServer* DiscoveryTest::server_ = nullptr;
v1::DiscoveryService::Stub* DiscoveryTest::stub_ = nullptr;

TEST_F(DiscoveryTest, EachSampleIsRelatedFirstToTheOtherThree) {
  const std::vector<int64_t> samples = SampleIds(server_->database_url);
  ASSERT_EQ(samples.size(), 4u);
  for (int64_t sample : samples) {
    v1::ListRelatedArticlesRequest request;
    request.set_article_id(sample);
    request.set_page_size(10);
    v1::ListRelatedArticlesResponse response;
    grpc::Status status =
        stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GE(response.related_articles_size(), 3);
    std::set<int64_t> first_three;
    for (int i = 0; i < 3; ++i) first_three.insert(response.related_articles(i).article().id());
    std::set<int64_t> others(samples.begin(), samples.end());
    others.erase(sample);
    EXPECT_EQ(first_three, others) << "for sample " << sample;
    for (int i = 1; i < response.related_articles_size(); ++i) {
      EXPECT_LE(response.related_articles(i).score(), response.related_articles(i - 1).score());
      EXPECT_NE(response.related_articles(i).article().id(), sample);
    }
  }
}

TEST_F(DiscoveryTest, GeneratedStoriesAreRelatedAndUnpublishedArticlesNeverShow) {
  pqxx::connection db(server_->database_url);
  const int64_t article_id =
      pqxx::nontransaction(db)
          .exec(
              "SELECT article_id FROM related_articles WHERE score > 0.2 ORDER BY article_id "
              "LIMIT 1")[0][0]
          .as<int64_t>();
  v1::ListRelatedArticlesRequest request;
  request.set_article_id(article_id);
  request.set_page_size(20);
  v1::ListRelatedArticlesResponse before;
  ASSERT_TRUE(stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &before).ok());
  ASSERT_GE(before.related_articles_size(), 1);
  const int64_t hidden = before.related_articles(0).article().id();
  pqxx::nontransaction(db).exec_params("UPDATE articles SET status = 'draft' WHERE id = $1",
                                       hidden);
  v1::ListRelatedArticlesResponse after;
  ASSERT_TRUE(stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &after).ok());
  for (const auto& entry : after.related_articles()) {
    EXPECT_NE(entry.article().id(), hidden);
    EXPECT_NE(entry.article().id(), article_id);
  }
  EXPECT_EQ(after.related_articles_size(), before.related_articles_size() - 1);

  // The draft itself has no related list to show.
  request.set_article_id(hidden);
  v1::ListRelatedArticlesResponse none;
  EXPECT_EQ(stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &none).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pqxx::nontransaction(db).exec_params("UPDATE articles SET status = 'published' WHERE id = $1",
                                       hidden);
}

TEST_F(DiscoveryTest, RelatedFallsBackToTheCategoryWhenTextSaysTooLittle) {
  const std::string url = server_->database_url;
  const int64_t first = InsertArticle(url, "du-phong", "nguon-a", "Xyzzy", "Plugh.");
  const int64_t second = InsertArticle(url, "du-phong", "nguon-a", "Quux", "Frobnicate.");
  v1::ListRelatedArticlesRequest request;
  request.set_article_id(second);
  v1::ListRelatedArticlesResponse response;
  ASSERT_TRUE(stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &response).ok());
  ASSERT_EQ(response.related_articles_size(), 1);
  EXPECT_EQ(response.related_articles(0).article().id(), first);
  EXPECT_EQ(response.related_articles(0).score(), 0);
}

TEST_F(DiscoveryTest, RelatedRejectsBadRequests) {
  v1::ListRelatedArticlesRequest request;
  v1::ListRelatedArticlesResponse response;
  grpc::Status status = stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"article_id"});
  request.set_article_id(1);
  request.set_page_size(-1);
  status = stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &response);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"page_size"});
  request.set_article_id(987654321);
  request.set_page_size(0);
  EXPECT_EQ(
      stub_->ListRelatedArticles(ContextWithDeadline().get(), request, &response).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// Related lists do not depend on the order articles arrive in, and follow the corpus as it grows.

// Imports the four sample pages (sorted by name) in the order of `order`'s indexes.
void ImportSamplePagesInOrder(const std::string& database_url, const std::vector<int>& order) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(NEWS_SAMPLES_DIR)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), order.size());
  pqxx::connection db(database_url);
  for (int index : order) {
    std::ifstream in(files[index], std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    auto outcome = importer::ImportPortalPage(db, files[index].string(), content.str(), {});
    ASSERT_TRUE(outcome.ok()) << outcome.status();
  }
}

v1::ListRelatedArticlesResponse ListRelated(const std::shared_ptr<grpc::Channel>& channel,
                                            int64_t article_id) {
  v1::ListRelatedArticlesRequest request;
  request.set_article_id(article_id);
  request.set_page_size(20);
  v1::ListRelatedArticlesResponse response;
  const grpc::Status status = v1::DiscoveryService::NewStub(channel)->ListRelatedArticles(
      ContextWithDeadline().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

TEST(RelatedOrderTest, SamplesAreEachOthersFirstTextMatchesWhateverTheImportOrder) {
  ServerOptions options;
  // Every list must be right when the import ends, not after a background refresh.
  options.related_refresh_lists = 0;
  const std::vector<std::vector<int>> orders = {{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1},
                                                {1, 3, 0, 2}};
  for (size_t o = 0; o < orders.size(); ++o) {
    SCOPED_TRACE(absl::StrCat("import order ", absl::StrJoin(orders[o], ",")));
    auto server = testing::TestServer::Start(absl::StrCat("related_order_test_", o), options);
    ASSERT_NE(server, nullptr);
    ImportSamplePagesInOrder(server->database_url, orders[o]);
    const std::vector<int64_t> samples = SampleIds(server->database_url);
    ASSERT_EQ(samples.size(), 4u);
    for (int64_t sample : samples) {
      SCOPED_TRACE(absl::StrCat("related list of article ", sample));
      const v1::ListRelatedArticlesResponse response = ListRelated(server->channel, sample);
      ASSERT_EQ(response.related_articles_size(), 3);
      std::set<int64_t> listed;
      for (const auto& entry : response.related_articles()) {
        listed.insert(entry.article().id());
        EXPECT_GT(entry.score(), kMinRelatedScore);
      }
      std::set<int64_t> others(samples.begin(), samples.end());
      others.erase(sample);
      EXPECT_EQ(listed, others);
    }
  }
}

TEST(RelatedGrowthTest, ListsComputedInASmallCorpusAreRecomputedAsItGrows) {
  ServerOptions frozen;
  frozen.related_refresh_lists = 0;
  auto server = testing::TestServer::Start("related_growth_test", frozen);
  ASSERT_NE(server, nullptr);
  const std::string url = server->database_url;
  // C first, so that A, having only one text match, takes C as a category fallback.
  const int64_t c = InsertArticle(url, "kinh-te", "nguon-a", "Zulu Yankee", "Whiskey xray.");
  const int64_t a = InsertArticle(url, "kinh-te", "nguon-a", "Alpha Bravo",
                                  "Charlie delta echo foxtrot golf hotel.");
  const int64_t b = InsertArticle(url, "kinh-te", "nguon-a", "India Juliett",
                                  "Charlie delta kilo lima mike november.");
  const v1::ListRelatedArticlesResponse small = ListRelated(server->channel, a);
  ASSERT_EQ(small.related_articles_size(), 2);
  EXPECT_EQ(small.related_articles(0).article().id(), b);
  const double small_score = small.related_articles(0).score();
  EXPECT_GT(small_score, kMinRelatedScore);
  EXPECT_EQ(small.related_articles(1).article().id(), c);
  EXPECT_EQ(small.related_articles(1).score(), 0);

  // "charlie delta", rare among three articles, becomes common; six articles share A's title
  // and its other words.
  for (int i = 0; i < 12; ++i) {
    InsertArticle(url, "xa-hoi", "nguon-b", absl::StrCat("Oscar papa ", i),
                  absl::StrCat("Charlie delta quebec romeo sierra tango", i, "."));
  }
  std::set<int64_t> closest;
  for (int i = 0; i < 6; ++i) {
    closest.insert(InsertArticle(url, "the-gioi", "nguon-c", "Alpha Bravo",
                                 absl::StrCat("Echo foxtrot golf hotel uniform victor", i, ".")));
  }
  // New articles enter A's list, but what was there is as it was computed among three.
  const v1::ListRelatedArticlesResponse grown = ListRelated(server->channel, a);
  bool fallback_kept = false;
  for (const auto& entry : grown.related_articles()) {
    if (entry.article().id() == b) EXPECT_EQ(entry.score(), small_score);
    if (entry.article().id() == c) fallback_kept = true;
  }
  EXPECT_TRUE(fallback_kept);

  // A server that refreshes stale lists recomputes A's list with the corpus of now.
  server->server->Shutdown(absl::ZeroDuration());
  ServerOptions refreshing;
  refreshing.related_refresh_lists = 100;
  refreshing.related_refresh_interval = absl::Milliseconds(20);
  auto again = testing::TestServer::StartOnDatabase(url, refreshing);
  ASSERT_NE(again, nullptr);
  v1::ListRelatedArticlesResponse refreshed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    refreshed = ListRelated(again->channel, a);
    const bool still_old = std::any_of(
        refreshed.related_articles().begin(), refreshed.related_articles().end(),
        [&](const auto& entry) { return entry.article().id() == c; });
    if (!still_old) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(refreshed.related_articles_size(), 7);
  std::set<int64_t> first_six;
  for (int i = 0; i < 6; ++i) first_six.insert(refreshed.related_articles(i).article().id());
  EXPECT_EQ(first_six, closest);
  bool b_listed = false;
  for (int i = 0; i < refreshed.related_articles_size(); ++i) {
    const auto& entry = refreshed.related_articles(i);
    EXPECT_NE(entry.article().id(), c);
    EXPECT_GT(entry.score(), kMinRelatedScore);
    if (i > 0) EXPECT_LE(entry.score(), refreshed.related_articles(i - 1).score());
    if (entry.article().id() == b) {
      b_listed = true;
      // What A shares with B is now shared with twelve more articles.
      EXPECT_LT(entry.score(), small_score / 2);
    }
  }
  EXPECT_TRUE(b_listed);
}

TEST_F(DiscoveryTest, SearchIgnoresToneMarksCaseAndNormalisation) {
  const std::vector<int64_t> samples = SampleIds(server_->database_url);
  const std::vector<int64_t> plain = Ids(Search("doi ngoai nhan dan"));
  std::vector<int64_t> sorted = plain;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, samples);
  EXPECT_EQ(Ids(Search("ĐỐI NGOẠI NHÂN DÂN")), plain);
  // NFD: base letters followed by combining marks ("đ" has no decomposition).
  EXPECT_EQ(Ids(Search("\u0111o\u0302\u0301i ngoa\u0323i nha\u0302n da\u0302n")), plain);
  EXPECT_EQ(Ids(Search("  Đối   ngoại, nhân-dân! ")), plain);
}

TEST_F(DiscoveryTest, SearchRanksTitleAndPhraseMatchesFirstWithHighlightedSnippets) {
  const std::string url = server_->database_url;
  const int64_t scattered =
      InsertArticle(url, "ranking", "nguon-a", "Bản tin chiều",
                    "Trời Bình Minh sáng, nước sông Hòa chảy xiết, trạm thủy văn báo điện yếu.");
  const int64_t phrase =
      InsertArticle(url, "ranking", "nguon-a", "Bản tin sáng",
                    "Nhà máy thủy điện Hòa Bình vận hành an toàn trong mùa lũ năm nay.");
  const int64_t title = InsertArticle(url, "ranking", "nguon-b", "Thủy điện Hòa Bình mở cửa xả đáy",
                                      "Mực nước hồ đang lên nhanh.");
  v1::SearchArticlesResponse response = Search("thuy dien hoa binh");
  EXPECT_EQ(Ids(response), (std::vector<int64_t>{title, phrase, scattered}));
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_GT(response.results(0).score(), response.results(1).score());
  EXPECT_GT(response.results(1).score(), response.results(2).score());
  EXPECT_TRUE(absl::StrContains(response.results(1).snippet(), "«thủy» «điện» «Hòa» «Bình»"))
      << response.results(1).snippet();

  // Body repeats do not beat a title.
  const int64_t body_repeats = InsertArticle(
      url, "ranking", "nguon-a", "Giao thông thủ đô",
      "Cầu Long Biên cũ. Cầu Long Biên đông xe. Cầu Long Biên cần sửa. Cầu Long Biên đẹp.");
  const int64_t titled = InsertArticle(url, "ranking", "nguon-b", "Sửa chữa cầu Long Biên",
                                       "Công trình kéo dài ba tháng.");
  EXPECT_EQ(Ids(Search("cau long bien")), (std::vector<int64_t>{titled, body_repeats}));
}

TEST_F(DiscoveryTest, SearchFiltersByCategoryAndSource) {
  const std::string url = server_->database_url;
  const int64_t a = InsertArticle(url, "loc-mot", "nguon-loc-1", "Lễ hội hoa ban Mường Thanh",
                                  "Hoa ban nở trắng rừng.");
  const int64_t b = InsertArticle(url, "loc-hai", "nguon-loc-1", "Hoa ban Mường Thanh vào mùa",
                                  "Du khách kéo về.");
  const int64_t c =
      InsertArticle(url, "loc-hai", "nguon-loc-2", "Mường Thanh đón hoa ban", "Thời tiết đẹp.");
  pqxx::connection db(url);
  pqxx::nontransaction tx(db);
  auto id_of = [&](const char* table, const char* slug) {
    return tx.exec_params1(absl::StrCat("SELECT id FROM ", table, " WHERE slug = $1"), slug)[0]
        .as<int64_t>();
  };
  std::vector<int64_t> all = Ids(Search("hoa ban muong thanh"));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<int64_t>{a, b, c}));

  v1::SearchArticlesRequest request;
  request.set_query("hoa ban muong thanh");
  request.set_category_id(id_of("categories", "loc-hai"));
  std::vector<int64_t> by_category = Ids(Search(request));
  std::sort(by_category.begin(), by_category.end());
  EXPECT_EQ(by_category, (std::vector<int64_t>{b, c}));
  request.set_source_id(id_of("sources", "nguon-loc-2"));
  EXPECT_EQ(Ids(Search(request)), (std::vector<int64_t>{c}));
}

TEST_F(DiscoveryTest, SearchPagesWithoutDuplicatesOrGapsAndRejectsForeignTokens) {
  // Generated articles share many words; take one that matches plenty.
  const std::vector<int64_t> everything = Ids(Search("dia phuong"));
  ASSERT_GE(everything.size(), 8u);
  v1::SearchArticlesRequest request;
  request.set_query("Địa phương");
  request.set_page_size(3);
  std::vector<int64_t> paged;
  int pages = 0;
  do {
    v1::SearchArticlesResponse response = Search(request);
    for (int64_t id : Ids(response)) paged.push_back(id);
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty() && ++pages < 100);
  const size_t limit = std::min<size_t>(paged.size(), 50);
  EXPECT_EQ(std::vector<int64_t>(paged.begin(), paged.begin() + limit),
            std::vector<int64_t>(everything.begin(), everything.begin() + limit));
  EXPECT_EQ(std::set<int64_t>(paged.begin(), paged.end()).size(), paged.size());

  v1::SearchArticlesRequest first;
  first.set_query("dia phuong");
  first.set_page_size(2);
  const std::string token = Search(first).next_page_token();
  ASSERT_FALSE(token.empty());
  v1::SearchArticlesRequest other = first;
  other.set_query("da nang");
  other.set_page_token(token);
  v1::SearchArticlesResponse response;
  grpc::Status status = stub_->SearchArticles(ContextWithDeadline().get(), other, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"page_token"});
  // The same words folded the same way continue the same search.
  other.set_query("ĐỊA PHƯƠNG");
  EXPECT_TRUE(stub_->SearchArticles(ContextWithDeadline().get(), other, &response).ok());
}

TEST_F(DiscoveryTest, SearchFindsLettersOfEveryScript) {
  const std::string url = server_->database_url;
  const int64_t id = InsertArticle(
      url, "quoc-te", "nguon-a", "Đoàn đại biểu thăm Москва và 北京",
      "Phái đoàn gặp lãnh đạo thành phố Москва, sau đó tới 北京市 và thủ đô ວຽງຈັນ.");
  for (const std::string& query : {"Москва", "москва", "МОСКВА", "北京", "北京市", "京", "市",
                                   "ວຽງຈັນ", "Москва 北京"}) {
    const v1::SearchArticlesResponse response = Search(query);
    ASSERT_EQ(Ids(response), std::vector<int64_t>{id}) << query;
  }
  // The title ranks as a title: all words there.
  EXPECT_GE(Search("北京").results(0).score(), 2.0);
  EXPECT_TRUE(absl::StrContains(Search("Москва").results(0).snippet(), "«Москва»"));
  EXPECT_TRUE(absl::StrContains(Search("北京市").results(0).snippet(), "«北京市»"))
      << Search("北京市").results(0).snippet();
  // A pair of letters must be adjacent in the text, not just both present.
  EXPECT_TRUE(Search("京北").results().empty());
  EXPECT_TRUE(Search("上海").results().empty());
  EXPECT_TRUE(Search("Петербург").results().empty());
}

// As after migration 0009, which empties article_terms: `newsctl reindex` extracts the terms of
// the articles that have none, the servers recompute their lists, and a second run finds nothing
// to do (scripts/run.sh runs it at every start).
TEST(RelatedReindexTest, ArticlesWithoutTermsGetThemBackAndASecondRunDoesNothing) {
  auto server = testing::TestServer::Start("related_reindex_test");
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  const std::vector<int64_t> samples = SampleIds(server->database_url);
  ASSERT_EQ(samples.size(), 4u);
  pqxx::connection db(server->database_url);
  storage::PrepareStatements(db);
  auto terms_of = [&](int64_t id) {
    return pqxx::nontransaction(db)
        .exec_params1("SELECT count(*) FROM article_terms WHERE article_id = $1", id)[0]
        .as<int64_t>();
  };
  const int64_t terms_before = terms_of(samples[0]);
  ASSERT_GT(terms_before, 0);
  pqxx::nontransaction(db).exec_params("DELETE FROM article_terms WHERE article_id = $1",
                                       samples[0]);
  {
    pqxx::work tx(db);
    EXPECT_EQ(ReindexRelatedTerms(tx, 0, 1000), samples[0]);
    tx.commit();
  }
  EXPECT_EQ(terms_of(samples[0]), terms_before);
  pqxx::work tx(db);
  EXPECT_EQ(ReindexRelatedTerms(tx, 0, 1000), 0);
}

TEST_F(DiscoveryTest, QueuedSearchDocumentsAreRebuiltWithTheCurrentTokenisation) {
  const std::string url = server_->database_url;
  const int64_t id = InsertArticle(url, "quoc-te", "nguon-a", "Tin từ Владивосток",
                                   "Cảng Владивосток đón tàu.");
  {
    // As a document written before migration 0007 holds it: Latin words only, and queued.
    pqxx::connection db(url);
    pqxx::work tx(db);
    tx.exec_params("UPDATE articles SET search_document = to_tsvector('simple', 'tin tu cang')"
                   " WHERE id = $1",
                   id);
    tx.exec_params("INSERT INTO search_documents_to_rebuild VALUES ($1), ($2)", id,
                   id + 1000000);
    tx.commit();
  }
  EXPECT_TRUE(Search("Владивосток").results().empty());
  pqxx::connection db(url);
  EXPECT_EQ(importer::RebuildQueuedSearchDocuments(db, /*batch_size=*/1), 1);
  EXPECT_EQ(Ids(Search("Владивосток")), std::vector<int64_t>{id});
  EXPECT_EQ(Ids(Search("tin tu cang don tau")), std::vector<int64_t>{id});
  EXPECT_EQ(importer::RebuildQueuedSearchDocuments(db), 0);
  pqxx::nontransaction tx(db);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM search_documents_to_rebuild")[0].as<int64_t>(), 0);
}

TEST_F(DiscoveryTest, SearchRejectsEmptyBlankAndOverlongQueries) {
  for (const std::string& query :
       {std::string(""), std::string("   \t "), std::string("\u00a0\u3000"), std::string(201, 'a'),
        std::string("!!! ???"), std::string("！？。、"), std::string("★ € ※ — … « »"),
        std::string("\u200B\u2060\uFEFF")}) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    v1::SearchArticlesResponse response;
    grpc::Status status = stub_->SearchArticles(ContextWithDeadline().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "'" << query << "'";
    EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"query"});
  }
  // 200 characters (not bytes) is fine: "đ" is 2 bytes.
  v1::SearchArticlesRequest request;
  std::string longest;
  for (int i = 0; i < 200; ++i) longest += "đ";
  request.set_query(longest);
  v1::SearchArticlesResponse response;
  EXPECT_TRUE(stub_->SearchArticles(ContextWithDeadline().get(), request, &response).ok());
  request.set_query("ha noi");
  request.set_page_size(-1);
  EXPECT_EQ(testing::ViolatedFields(
                stub_->SearchArticles(ContextWithDeadline().get(), request, &response)),
            std::vector<std::string>{"page_size"});
}

// ---------------------------------------------------------------------------------------------
// View counting, most viewed and site statistics, each on its own database.

v1::Article GetArticle(const std::shared_ptr<grpc::Channel>& channel, int64_t id,
                       const std::string& client) {
  v1::GetArticleRequest request;
  request.set_id(id);
  v1::Article article;
  grpc::Status status =
      v1::ArticleService::NewStub(channel)->GetArticle(ContextAs(client).get(), request, &article);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return article;
}

// Polls until the article's stored view count is `expected` (flushes are asynchronous).
void ExpectViewCountSoon(const std::string& url, int64_t id, int64_t expected) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (ViewCount(url, id) != expected && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(ViewCount(url, id), expected);
}

// Title matches come from the whole archive, the other matches from the newest
// kMaxScoredMatches, and each tier newest first.
TEST(SearchAtScaleTest, FindsEveryTitleMatchAndTheNewestOtherMatchesNewestFirstInEachTier) {
  auto server = testing::TestServer::Start("search_scale_test");
  ASSERT_NE(server, nullptr);
  pqxx::connection db(server->database_url);
  importer::CorpusOptions corpus;
  corpus.articles = 3000;
  corpus.seed = 7;
  ASSERT_TRUE(importer::GenerateCorpus(db, corpus).ok());

  // A word in most articles: more matches than are ranked, so search must pick the newest.
  pqxx::nontransaction tx(db);
  const std::string word = tx.exec1(
                                 "SELECT word FROM ts_stat('SELECT search_document FROM articles')"
                                 " WHERE word ~ '^[a-z]+$' AND ndoc BETWEEN 1800 AND 2900"
                                 " ORDER BY ndoc DESC, word LIMIT 1")[0]
                               .as<std::string>();
  std::set<int64_t> expected;
  size_t newest = 0;
  for (const auto& row : tx.exec_params(
           "SELECT id, search_title @@ $1::tsquery FROM articles WHERE status = 'published'"
           " AND search_document @@ $1::tsquery ORDER BY publish_time DESC, id DESC LIMIT $2",
           word, storage::kMaxScoredMatches)) {
    ++newest;
    if (!row[1].as<bool>()) expected.insert(row[0].as<int64_t>());
  }
  ASSERT_EQ(newest, static_cast<size_t>(storage::kMaxScoredMatches));
  ASSERT_FALSE(expected.empty());
  for (const auto& row : tx.exec_params("SELECT id FROM articles WHERE status = 'published'"
                                        " AND search_title @@ $1::tsquery",
                                        word)) {
    expected.insert(row[0].as<int64_t>());
  }
  // The largest recent block alone holds enough, so the search for other matches stops there,
  // not at the whole archive; what it ranks must still be exactly the newest matches.
  const absl::Time newest_time = absl::FromUnixMicros(
      tx.exec1("SELECT (extract(epoch FROM max(publish_time)) * 1000000)::bigint FROM articles")[0]
          .as<int64_t>());
  const std::string block =
      text::RecentPublishBlockLexeme(newest_time, std::end(text::kPublishBlockDays)[-1]);
  ASSERT_GE(tx.exec_params1("SELECT count(*) FROM articles WHERE search_document @@ $1::tsquery",
                            absl::StrCat(word, " & '", block, "'"))[0]
                .as<int64_t>(),
            storage::kMaxScoredMatches);

  auto stub = v1::DiscoveryService::NewStub(server->channel);
  v1::SearchArticlesRequest request;
  request.set_query(word);
  request.set_page_size(50);
  std::vector<v1::SearchResult> ranked;
  for (int page = 0; page < 100; ++page) {
    v1::SearchArticlesResponse response;
    ASSERT_TRUE(stub->SearchArticles(ContextWithDeadline().get(), request, &response).ok());
    for (const auto& result : response.results()) ranked.push_back(result);
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  std::set<int64_t> ranked_ids;
  for (const auto& result : ranked) ranked_ids.insert(result.article().id());
  EXPECT_EQ(ranked_ids.size(), ranked.size());
  EXPECT_EQ(ranked_ids, expected);
  for (size_t i = 1; i < ranked.size(); ++i) {
    const v1::ArticleSummary& before = ranked[i - 1].article();
    const v1::ArticleSummary& after = ranked[i].article();
    ASSERT_GE(ranked[i - 1].score(), ranked[i].score()) << i;
    if (ranked[i - 1].score() == ranked[i].score()) {
      const auto key = [](const v1::ArticleSummary& a) {
        return std::make_tuple(a.publish_time().seconds(), a.publish_time().nanos(), a.id());
      };
      ASSERT_GT(key(before), key(after)) << i;
    }
  }
}

TEST(ViewCountingTest, RepeatViewsCountOncePerClientPerHalfHour) {
  FakeClock clock;
  auto server = testing::TestServer::Start("view_counting_test",
                                           OptionsWithClock(&clock, absl::Milliseconds(50)));
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  const int64_t id = SampleIds(server->database_url)[0];
  const int64_t initial = ViewCount(server->database_url, id);

  for (int i = 0; i < 3; ++i) GetArticle(server->channel, id, "reader-a");
  ExpectViewCountSoon(server->database_url, id, initial + 1);
  GetArticle(server->channel, id, "reader-b");
  GetArticle(server->channel, id, "reader-b");
  ExpectViewCountSoon(server->database_url, id, initial + 2);

  clock.Advance(absl::Minutes(29));
  GetArticle(server->channel, id, "reader-a");
  clock.Advance(absl::Minutes(2));
  GetArticle(server->channel, id, "reader-a");
  ExpectViewCountSoon(server->database_url, id, initial + 3);
  // GetArticle reports the stored count.
  EXPECT_EQ(GetArticle(server->channel, id, "reader-a").view_count(), initial + 3);
}

TEST(ViewCountingTest, PendingViewsSurviveAGracefulRestart) {
  FakeClock clock;
  // Flushes would only happen at shutdown.
  const ServerOptions options = OptionsWithClock(&clock, absl::Hours(1));
  auto server = testing::TestServer::Start("view_restart_test", options);
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  const int64_t id = SampleIds(server->database_url)[1];
  const int64_t initial = ViewCount(server->database_url, id);
  for (const char* client : {"r1", "r2", "r3"}) GetArticle(server->channel, id, client);
  EXPECT_EQ(ViewCount(server->database_url, id), initial);

  server->server->Shutdown(absl::Seconds(1));
  EXPECT_EQ(ViewCount(server->database_url, id), initial + 3);
  auto again = testing::TestServer::StartOnDatabase(server->database_url, options);
  ASSERT_NE(again, nullptr);
  const auto& channel = again->channel;
  EXPECT_EQ(GetArticle(channel, id, "r4").view_count(), initial + 3);
}

TEST(ViewCountingTest, TwoServersOnOneDatabaseAddUp) {
  FakeClock clock;
  const ServerOptions options = OptionsWithClock(&clock, absl::Milliseconds(30));
  auto first = testing::TestServer::Start("view_two_servers_test", options);
  ASSERT_NE(first, nullptr);
  testing::ImportSamplePages(first->database_url);
  auto second = testing::TestServer::StartOnDatabase(first->database_url, options);
  ASSERT_NE(second, nullptr);
  const auto& second_channel = second->channel;
  const int64_t id = SampleIds(first->database_url)[2];
  const int64_t initial = ViewCount(first->database_url, id);

  // Both servers flush often and at the same time; 40 distinct clients, 20 on each.
  std::thread a([&] {
    for (int i = 0; i < 20; ++i) GetArticle(first->channel, id, absl::StrCat("a-", i));
  });
  std::thread b([&] {
    for (int i = 0; i < 20; ++i) GetArticle(second_channel, id, absl::StrCat("b-", i));
  });
  a.join();
  b.join();
  ExpectViewCountSoon(first->database_url, id, initial + 40);
  second->server->Shutdown(absl::Seconds(1));
}

// The article row's version (xmin, ctid: a new one when it is updated) and xmax (set also when
// the row is locked, e.g. by a foreign key check of a row that references it).
std::string ArticleRowVersion(const std::string& database_url, int64_t id) {
  pqxx::connection db(database_url);
  pqxx::nontransaction tx(db);
  return tx
      .exec_params1("SELECT concat_ws(' ', xmin, ctid, xmax) FROM articles WHERE id = $1", id)[0]
      .as<std::string>();
}

// Counting views writes article_counters and article_daily_views only (issue 16): the wide,
// heavily indexed articles row is neither rewritten nor locked, while GetArticle and the most
// viewed list show the new count.
TEST(ViewCountingTest, FlushedViewsLeaveTheArticleRowAlone) {
  FakeClock clock;
  auto server = testing::TestServer::Start("view_article_row_test",
                                           OptionsWithClock(&clock, absl::Milliseconds(30)));
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  const int64_t id = SampleIds(server->database_url)[0];
  const std::string version = ArticleRowVersion(server->database_url, id);
  {
    pqxx::connection db(server->database_url);
    pqxx::nontransaction(db).exec_params(
        "UPDATE article_counters SET view_count = 1000000 WHERE article_id = $1", id);
  }

  for (const char* client : {"v1", "v2", "v3"}) GetArticle(server->channel, id, client);
  ExpectViewCountSoon(server->database_url, id, 1000003);
  EXPECT_EQ(ArticleRowVersion(server->database_url, id), version);
  EXPECT_EQ(GetArticle(server->channel, id, "v1").view_count(), 1000003);
  v1::ListMostViewedArticlesRequest request;
  request.set_window(v1::VIEW_WINDOW_ALL);
  request.set_page_size(1);
  v1::ListMostViewedArticlesResponse response;
  const grpc::Status status = v1::DiscoveryService::NewStub(server->channel)
                                  ->ListMostViewedArticles(ContextWithDeadline().get(), request,
                                                           &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.articles_size(), 1);
  EXPECT_EQ(response.articles(0).article().id(), id);
  EXPECT_EQ(response.articles(0).window_views(), 1000003);
  EXPECT_EQ(response.articles(0).article().view_count(), 1000003);
}

TEST(MostViewedTest, WindowsCountViewsOfTheirDaysOnly) {
  FakeClock clock;
  auto server = testing::TestServer::Start("most_viewed_test",
                                           OptionsWithClock(&clock, absl::Milliseconds(30)));
  ASSERT_NE(server, nullptr);
  testing::ImportSamplePages(server->database_url);
  const std::vector<int64_t> ids = SampleIds(server->database_url);
  {
    pqxx::connection db(server->database_url);
    pqxx::work tx(db);
    // The clock says 2025-03-10 local time. Lifetime counts order them the other way round.
    tx.exec_params("UPDATE article_counters SET view_count = 100000 - article_id * 10");
    tx.exec_params(
        "INSERT INTO article_daily_views (article_id, day, views) VALUES "
        "($1, '2025-02-20', 500), ($2, '2025-03-05', 50), ($3, '2025-03-10', 7), "
        "($3, '2025-03-09', 1), ($4, '2025-01-01', 9000)",
        ids[0], ids[1], ids[2], ids[3]);
    tx.commit();
  }
  auto stub = v1::DiscoveryService::NewStub(server->channel);
  auto most_viewed = [&](v1::ViewWindow window) {
    v1::ListMostViewedArticlesRequest request;
    request.set_window(window);
    v1::ListMostViewedArticlesResponse response;
    grpc::Status status =
        stub->ListMostViewedArticles(ContextWithDeadline().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::pair<int64_t, int64_t>> entries;
    for (const auto& entry : response.articles()) {
      entries.emplace_back(entry.article().id(), entry.window_views());
    }
    return entries;
  };
  using Entries = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(most_viewed(v1::VIEW_WINDOW_DAY), (Entries{{ids[2], 7}}));
  EXPECT_EQ(most_viewed(v1::VIEW_WINDOW_WEEK), (Entries{{ids[1], 50}, {ids[2], 8}}));
  EXPECT_EQ(most_viewed(v1::VIEW_WINDOW_MONTH),
            (Entries{{ids[0], 500}, {ids[1], 50}, {ids[2], 8}}));
  const Entries all = most_viewed(v1::VIEW_WINDOW_ALL);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].first, ids[0]);
  EXPECT_EQ(all[3].first, ids[3]);

  // Views counted now land on today's row.
  GetArticle(server->channel, ids[3], "today-reader");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (most_viewed(v1::VIEW_WINDOW_DAY).size() < 2 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(most_viewed(v1::VIEW_WINDOW_DAY), (Entries{{ids[2], 7}, {ids[3], 1}}));
  // A day later, today's views are yesterday's: still in the week, gone from the day.
  clock.Advance(absl::Hours(24));
  EXPECT_TRUE(most_viewed(v1::VIEW_WINDOW_DAY).empty());
  EXPECT_EQ(most_viewed(v1::VIEW_WINDOW_WEEK).size(), 3u);

  v1::ListMostViewedArticlesRequest bad;
  bad.set_window(static_cast<v1::ViewWindow>(42));
  v1::ListMostViewedArticlesResponse response;
  grpc::Status status = stub->ListMostViewedArticles(ContextWithDeadline().get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"window"});
}

TEST(SiteStatsTest, OnlineNowAndVisitsFollowTheClock) {
  FakeClock clock;
  const ServerOptions options = OptionsWithClock(&clock, absl::Hours(1));
  auto server = testing::TestServer::Start("site_stats_test", options);
  ASSERT_NE(server, nullptr);
  auto stub = v1::DiscoveryService::NewStub(server->channel);
  auto stats_as = [&](const std::string& client) {
    v1::SiteStats stats;
    grpc::Status status = stub->GetSiteStats(ContextAs(client).get(), {}, &stats);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return stats;
  };

  stats_as("s2");
  v1::SiteStats stats = stats_as("s1");
  EXPECT_EQ(stats.online_now(), 2);
  EXPECT_EQ(stats.total_visits(), 2);
  clock.Advance(absl::Minutes(4));
  stats = stats_as("s1");
  EXPECT_EQ(stats.online_now(), 2);
  EXPECT_EQ(stats.total_visits(), 2);
  clock.Advance(absl::Minutes(2));
  stats = stats_as("s1");
  EXPECT_EQ(stats.online_now(), 1) << "s2 was last seen 6 minutes ago";
  EXPECT_EQ(stats.total_visits(), 2);
  clock.Advance(absl::Minutes(31));
  stats = stats_as("s1");
  EXPECT_EQ(stats.total_visits(), 3) << "s1 came back after 31 minutes of silence";
  EXPECT_EQ(stats.online_now(), 1);

  // Visits are persisted at shutdown; a new instance starts with no one online.
  server->server->Shutdown(absl::Seconds(1));
  auto again = testing::TestServer::StartOnDatabase(server->database_url, options);
  ASSERT_NE(again, nullptr);
  const auto& channel = again->channel;
  v1::SiteStats after;
  ASSERT_TRUE(
      v1::DiscoveryService::NewStub(channel)->GetSiteStats(ContextAs("s3").get(), {}, &after).ok());
  EXPECT_EQ(after.total_visits(), 4);
  EXPECT_EQ(after.online_now(), 1);
}

}  // namespace
}  // namespace news
