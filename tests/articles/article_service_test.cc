// ArticleService end to end: a real PostgreSQL cluster, the real server on a loopback port, the
// generated stubs.

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <pqxx/pqxx>
#include <set>
#include <tuple>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client-sample/reflection_client.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "news/v1/article.grpc.pb.h"
#include "server/db/text_array.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/articles/source_store.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/error_details.h"
#include "tests/support/test_postgres.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;
using testing::ContextWithDeadline;

class ArticleServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("article_service_test").release();
    ASSERT_NE(server_, nullptr);
    testing::ImportSamplePages(server_->database_url);
    stub_ = v1::ArticleService::NewStub(server_->channel).release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
  }

  // Inserts a published article in category `category_slug` (created when missing) and returns
  // its id.
  static int64_t InsertArticle(const std::string& title, const std::string& category_slug,
                               const std::string& publish_time) {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    const int64_t category_id =
        storage::CategoryStore(tx).Ensure(category_slug, category_slug);
    static int counter = 0;
    const int64_t id = tx.exec_params1(
                             "INSERT INTO articles (slug, title, category_id, publish_time, tags) "
                             "VALUES ($1, $2, $3, $4::timestamptz, '{thu-nghiem}') RETURNING id",
                             absl::StrCat("test-", category_slug, "-", ++counter), title,
                             category_id, publish_time)[0]
                           .as<int64_t>();
    tx.commit();
    return id;
  }

  v1::Article GetBySlug(const std::string& slug) {
    v1::GetArticleRequest request;
    request.set_slug(slug);
    v1::Article article;
    grpc::Status status = stub_->GetArticle(ContextWithDeadline().get(), request, &article);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return article;
  }

  static testing::TestServer* server_;
  static v1::ArticleService::Stub* stub_;
};

testing::TestServer* ArticleServiceTest::server_ = nullptr;
v1::ArticleService::Stub* ArticleServiceTest::stub_ = nullptr;

const char kSharedTitle[] =
    "Tăng cường sự lãnh đạo của Đảng, nâng cao hiệu quả đối ngoại nhân dân trong tình hình mới";

TEST_F(ArticleServiceTest, FeedListsSamplesNewestFirst) {
  v1::ListCategoriesResponse categories;
  ASSERT_TRUE(stub_->ListCategories(ContextWithDeadline().get(), {}, &categories).ok());
  int64_t samples_category = 0;
  for (const auto& category : categories.categories()) {
    if (category.slug() == "thoi-su") samples_category = category.id();
  }
  ASSERT_NE(samples_category, 0);

  v1::ListArticlesRequest request;
  request.set_category_id(samples_category);
  v1::ListArticlesResponse response;
  ASSERT_TRUE(stub_->ListArticles(ContextWithDeadline().get(), request, &response).ok());
  ASSERT_EQ(response.articles_size(), 4);
  EXPECT_TRUE(response.next_page_token().empty());
  // 002 has no date and is stamped with its import time, so it leads; then 004, 003, 000.
  EXPECT_EQ(response.articles(0).title(), "Công tác đối ngoại nhân dân trong tình hình mới");
  EXPECT_EQ(response.articles(1).title(), kSharedTitle);
  EXPECT_EQ(TimeUtil::ToString(response.articles(1).publish_time()), "2023-01-11T21:44:00Z");
  EXPECT_EQ(response.articles(2).title(),
            "Nâng cao hiệu quả công tác đối ngoại đảng, đối ngoại nhân dân");
  EXPECT_EQ(TimeUtil::ToString(response.articles(2).publish_time()), "2022-09-05T15:28:00Z");
  EXPECT_EQ(response.articles(3).title(), kSharedTitle);
  EXPECT_EQ(TimeUtil::ToString(response.articles(3).publish_time()), "2022-04-25T07:41:00Z");
  // Two pages share a title; their slugs still differ.
  EXPECT_NE(response.articles(1).slug(), response.articles(3).slug());
}

TEST_F(ArticleServiceTest, PagingWhileArticlesAreInsertedHasNoDuplicatesOrGaps) {
  std::set<int64_t> expected;
  for (int i = 0; i < 45; ++i) {
    // Several articles share a publish time, so the id must break ties in the cursor.
    expected.insert(InsertArticle(absl::StrCat("Bài ", i), "paging",
                                  absl::StrCat("2021-03-0", 1 + i % 5, " 08:00:00+07")));
  }
  v1::ListCategoriesResponse categories;
  ASSERT_TRUE(stub_->ListCategories(ContextWithDeadline().get(), {}, &categories).ok());
  int64_t category_id = 0;
  for (const auto& category : categories.categories()) {
    if (category.slug() == "paging") category_id = category.id();
  }

  v1::ListArticlesRequest request;
  request.set_category_id(category_id);
  request.set_page_size(10);
  std::vector<int64_t> seen;
  google::protobuf::Timestamp previous_time;
  int pages = 0;
  do {
    v1::ListArticlesResponse response;
    grpc::Status status = stub_->ListArticles(ContextWithDeadline().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& article : response.articles()) {
      if (!seen.empty()) EXPECT_LE(article.publish_time(), previous_time);
      previous_time = article.publish_time();
      seen.push_back(article.id());
    }
    // New stories arrive between page loads.
    InsertArticle("Tin mới chen vào", "paging", "2030-01-01 00:00:00+07");
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 20);

  EXPECT_EQ(pages, 5);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size()) << "duplicates";
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()), expected) << "gaps";
}

TEST_F(ArticleServiceTest, GetsArticleBySlugAndIdWithNeighbours) {
  v1::ListArticlesRequest request;
  request.set_page_size(100);
  v1::ListArticlesResponse feed;
  ASSERT_TRUE(stub_->ListArticles(ContextWithDeadline().get(), request, &feed).ok());
  std::string slug_2023;
  for (const auto& article : feed.articles()) {
    if (TimeUtil::ToString(article.publish_time()) == "2023-01-11T21:44:00Z") {
      slug_2023 = article.slug();
    }
  }
  ASSERT_FALSE(slug_2023.empty());

  const v1::Article article = GetBySlug(slug_2023);
  EXPECT_EQ(article.title(), kSharedTitle);
  EXPECT_EQ(article.author(), "Ngô Phương Văn");
  EXPECT_EQ(article.view_count(), 120);
  EXPECT_EQ(article.comment_count(), 0);
  EXPECT_EQ(article.status(), v1::ARTICLE_STATUS_PUBLISHED);
  EXPECT_GE(article.body_paragraphs_size(), 4);
  EXPECT_TRUE(absl::StartsWith(article.summary(), "Ban Thường vụ Thành ủy vừa ban hành"));
  EXPECT_EQ(article.category().slug(), "thoi-su");
  // In its category, 002 (undated, stamped at import) is newer and 003 is older.
  EXPECT_EQ(article.newer().title(), "Công tác đối ngoại nhân dân trong tình hình mới");
  EXPECT_EQ(article.older().title(),
            "Nâng cao hiệu quả công tác đối ngoại đảng, đối ngoại nhân dân");

  v1::GetArticleRequest by_id;
  by_id.set_id(article.id());
  v1::Article same;
  ASSERT_TRUE(stub_->GetArticle(ContextWithDeadline().get(), by_id, &same).ok());
  EXPECT_EQ(same.slug(), slug_2023);
  EXPECT_EQ(same.body_paragraphs_size(), article.body_paragraphs_size());

  // The oldest sample has a source and no older neighbour.
  const v1::Article oldest = GetBySlug(article.older().slug());
  const v1::Article first = GetBySlug(oldest.older().slug());
  EXPECT_EQ(first.source().name(), "PROVINCE INSPECTORATE");
  EXPECT_EQ(first.author(), "Hà Văn Dương");
  EXPECT_FALSE(first.has_older());
  EXPECT_EQ(oldest.source().name(), "DIC");
}

TEST_F(ArticleServiceTest, UnknownArticleIsNotFound) {
  v1::GetArticleRequest request;
  request.set_id(987654321);
  v1::Article article;
  EXPECT_EQ(stub_->GetArticle(ContextWithDeadline().get(), request, &article).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_slug("khong-co-bai-nay");
  EXPECT_EQ(stub_->GetArticle(ContextWithDeadline().get(), request, &article).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ArticleServiceTest, BadArgumentsNameTheField) {
  v1::Article article;
  grpc::Status status = stub_->GetArticle(ContextWithDeadline().get(), {}, &article);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"article"});

  v1::GetArticleRequest negative;
  negative.set_id(-3);
  status = stub_->GetArticle(ContextWithDeadline().get(), negative, &article);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"id"});

  v1::ListArticlesResponse response;
  v1::ListArticlesRequest bad_size;
  bad_size.set_page_size(-1);
  status = stub_->ListArticles(ContextWithDeadline().get(), bad_size, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"page_size"});

  v1::ListArticlesRequest bad_tag;
  std::string long_tag;
  for (int i = 0; i < 101; ++i) long_tag += "đ";  // 101 code points, 202 bytes
  bad_tag.set_tag(long_tag);
  status = stub_->ListArticles(ContextWithDeadline().get(), bad_tag, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"tag"});

  // libpq would cut a NUL-bearing parameter short and filter on "thu"; it is refused instead.
  bad_tag.set_tag(std::string("thu\0nghiem", 10));
  status = stub_->ListArticles(ContextWithDeadline().get(), bad_tag, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"tag"});

  v1::GetArticleRequest nul_slug;
  nul_slug.set_slug(std::string("cong-tac\0", 9));
  status = stub_->GetArticle(ContextWithDeadline().get(), nul_slug, &article);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"slug"});
}

TEST_F(ArticleServiceTest, TamperedOrReusedPageTokenIsInvalid) {
  v1::ListArticlesRequest request;
  request.set_page_size(1);
  v1::ListArticlesResponse first;
  ASSERT_TRUE(stub_->ListArticles(ContextWithDeadline().get(), request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListArticlesResponse response;
  v1::ListArticlesRequest tampered = request;
  std::string token = first.next_page_token();
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  tampered.set_page_token(token);
  grpc::Status status = stub_->ListArticles(ContextWithDeadline().get(), tampered, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"page_token"});

  v1::ListArticlesRequest changed_filter = request;
  changed_filter.set_page_token(first.next_page_token());
  changed_filter.set_tag("thu-nghiem");
  status = stub_->ListArticles(ContextWithDeadline().get(), changed_filter, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"page_token"});

  // A changed page size is allowed (AIP-158).
  v1::ListArticlesRequest bigger_page = request;
  bigger_page.set_page_token(first.next_page_token());
  bigger_page.set_page_size(3);
  status = stub_->ListArticles(ContextWithDeadline().get(), bigger_page, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.articles_size(), 3);
}

TEST_F(ArticleServiceTest, FiltersBySourceAndTag) {
  v1::ListSourcesResponse sources;
  ASSERT_TRUE(stub_->ListSources(ContextWithDeadline().get(), {}, &sources).ok());
  ASSERT_EQ(sources.sources_size(), 2);
  for (const auto& source : sources.sources()) {
    v1::ListArticlesRequest request;
    request.set_source_id(source.id());
    v1::ListArticlesResponse response;
    ASSERT_TRUE(stub_->ListArticles(ContextWithDeadline().get(), request, &response).ok());
    ASSERT_EQ(response.articles_size(), 1) << source.name();
    EXPECT_EQ(response.articles(0).source().id(), source.id());
  }
  InsertArticle("Bài có thẻ", "the-loai-the", "2020-01-01 00:00:00+07");
  v1::ListArticlesRequest by_tag;
  by_tag.set_tag("thu-nghiem");
  by_tag.set_page_size(100);
  v1::ListArticlesResponse tagged;
  ASSERT_TRUE(stub_->ListArticles(ContextWithDeadline().get(), by_tag, &tagged).ok());
  ASSERT_GT(tagged.articles_size(), 0);
  for (const auto& article : tagged.articles()) {
    EXPECT_EQ(article.tags(0), "thu-nghiem");
  }
}

// Every combination of category, source and tag returns exactly the articles that match all the
// filters set, newest first, with no duplicate or gap across small pages; each token continues
// only the combination it was issued for.
TEST_F(ArticleServiceTest, CombinedFiltersPageExactlyTheMatchingArticles) {
  struct Stored {
    int64_t id;
    int64_t category_id;
    int64_t source_id;  // 0: none
    std::set<std::string> tags;
    int64_t publish_micros;
    bool published = true;
  };
  // Names no other test uses, so every filtered feed below holds these articles only. One tag
  // holds a '/', as the joined-string scopes once did.
  const std::vector<std::string> tags = {"ket-hop-kinh-te", "ket-hop/the-thao"};
  std::vector<Stored> stored;
  std::vector<int64_t> category_ids;
  std::vector<int64_t> source_ids;
  {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    storage::CategoryStore categories(tx);
    storage::SourceStore sources(tx);
    for (const char* slug : {"ket-hop-a", "ket-hop-b"}) {
      category_ids.push_back(categories.Ensure(slug, slug));
      source_ids.push_back(sources.Ensure(slug, slug));
    }
    for (int i = 0; i < 48; ++i) {
      Stored article;
      article.category_id = category_ids[i % 2];
      article.source_id = i % 3 == 2 ? 0 : source_ids[i % 3];
      // Tags: none, the first, the second, or both (the first twice, once).
      std::vector<std::string> article_tags;
      if ((i / 6) % 4 == 1 || (i / 6) % 4 == 3) article_tags.push_back(tags[0]);
      if ((i / 6) % 4 >= 2) article_tags.push_back(tags[1]);
      if (i == 30) article_tags.push_back(tags[0]);
      article.tags = {article_tags.begin(), article_tags.end()};
      // Few distinct times: the id must break ties.
      const std::string publish_time = absl::StrCat("2019-05-0", 1 + i % 4, " 10:00:00+00");
      const pqxx::row row = tx.exec_params1(
          "INSERT INTO articles (slug, title, category_id, source_id, publish_time, tags) "
          "VALUES ($1, $2, $3, NULLIF($4, 0), $5::timestamptz, $6::text[]) "
          "RETURNING id, (extract(epoch FROM publish_time) * 1000000)::bigint",
          absl::StrCat("ket-hop-", i), absl::StrCat("Bài kết hợp ", i), article.category_id,
          article.source_id, publish_time, db::ToTextArrayLiteral(article_tags));
      article.id = row[0].as<int64_t>();
      article.publish_micros = row[1].as<int64_t>();
      stored.push_back(std::move(article));
    }
    // Later changes reach every filter: a retagged article, a moved one and an unpublished one.
    tx.exec_params("UPDATE articles SET tags = $2::text[] WHERE id = $1", stored[7].id,
                   db::ToTextArrayLiteral({tags[1]}));
    stored[7].tags = {tags[1]};
    tx.exec_params("UPDATE articles SET category_id = $2 WHERE id = $1", stored[20].id,
                   category_ids[1]);
    stored[20].category_id = category_ids[1];
    tx.exec_params("UPDATE articles SET status = 'draft' WHERE id = $1", stored[44].id);
    stored[44].published = false;
    tx.commit();
  }

  struct Filters {
    int64_t category_id;
    int64_t source_id;
    std::string tag;
  };
  std::vector<Filters> combinations;
  for (int64_t category_id : {int64_t{0}, category_ids[0], category_ids[1]}) {
    for (int64_t source_id : {int64_t{0}, source_ids[0], source_ids[1]}) {
      for (const std::string& tag : {std::string(), tags[0], tags[1]}) {
        if (category_id != 0 || source_id != 0 || !tag.empty()) {
          combinations.push_back({category_id, source_id, tag});
        }
      }
    }
  }
  auto request_for = [](const Filters& filters) {
    v1::ListArticlesRequest request;
    request.set_category_id(filters.category_id);
    request.set_source_id(filters.source_id);
    request.set_tag(filters.tag);
    request.set_page_size(2);
    return request;
  };

  std::vector<std::string> second_page_tokens;
  for (const Filters& filters : combinations) {
    const std::string label = absl::StrCat("category ", filters.category_id, ", source ",
                                           filters.source_id, ", tag '", filters.tag, "'");
    std::vector<const Stored*> matching;
    for (const Stored& article : stored) {
      if (article.published &&
          (filters.category_id == 0 || article.category_id == filters.category_id) &&
          (filters.source_id == 0 || article.source_id == filters.source_id) &&
          (filters.tag.empty() || article.tags.count(filters.tag) > 0)) {
        matching.push_back(&article);
      }
    }
    std::sort(matching.begin(), matching.end(), [](const Stored* a, const Stored* b) {
      return std::tie(a->publish_micros, a->id) > std::tie(b->publish_micros, b->id);
    });
    std::vector<int64_t> expected;
    for (const Stored* article : matching) expected.push_back(article->id);
    ASSERT_GT(expected.size(), 2u) << label << ": want more than one page";

    v1::ListArticlesRequest request = request_for(filters);
    std::vector<int64_t> seen;
    int pages = 0;
    do {
      v1::ListArticlesResponse response;
      grpc::Status status = stub_->ListArticles(ContextWithDeadline().get(), request, &response);
      ASSERT_TRUE(status.ok()) << label << ": " << status.error_message();
      for (const auto& article : response.articles()) seen.push_back(article.id());
      if (pages == 0) second_page_tokens.push_back(response.next_page_token());
      request.set_page_token(response.next_page_token());
      ++pages;
    } while (!request.page_token().empty() && pages < 20);
    EXPECT_EQ(seen, expected) << label;
  }

  // Each combination's token, replayed with any other combination, is refused.
  for (size_t i = 0; i < combinations.size(); ++i) {
    for (size_t j = 0; j < combinations.size(); ++j) {
      v1::ListArticlesRequest request = request_for(combinations[j]);
      request.set_page_token(second_page_tokens[i]);
      v1::ListArticlesResponse response;
      grpc::Status status = stub_->ListArticles(ContextWithDeadline().get(), request, &response);
      if (i == j) {
        EXPECT_TRUE(status.ok()) << status.error_message();
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i << " in " << j;
        EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"page_token"});
      }
    }
  }
}

TEST_F(ArticleServiceTest, ReflectionListsTheServices) {
  auto services = client::ListServicesByReflection(server_->channel, absl::Seconds(5));
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_NE(std::find(services->begin(), services->end(), "news.v1.ArticleService"),
            services->end());
  EXPECT_NE(std::find(services->begin(), services->end(), "grpc.health.v1.Health"),
            services->end());
}

// Runs last in this file: it stops and restarts the shared cluster.
TEST_F(ArticleServiceTest, HealthFollowsTheDatabase) {
  auto health = grpc::health::v1::Health::NewStub(server_->channel);
  auto status_of = [&](const std::string& service) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health->Check(ContextWithDeadline().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  };
  auto wait_for = [&](grpc::health::v1::HealthCheckResponse::ServingStatus wanted) {
    for (int i = 0; i < 100 && status_of("") != wanted; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status_of("");
  };
  EXPECT_EQ(wait_for(grpc::health::v1::HealthCheckResponse::SERVING),
            grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(status_of("news.v1.ArticleService"), grpc::health::v1::HealthCheckResponse::SERVING);

  testing::TestPostgres::Instance().StopImmediately();
  EXPECT_EQ(wait_for(grpc::health::v1::HealthCheckResponse::NOT_SERVING),
            grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  v1::ListArticlesResponse response;
  EXPECT_EQ(stub_->ListArticles(ContextWithDeadline().get(), {}, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  testing::TestPostgres::Instance().Start();
  EXPECT_EQ(wait_for(grpc::health::v1::HealthCheckResponse::SERVING),
            grpc::health::v1::HealthCheckResponse::SERVING);
  // The pool reconnects by itself.
  grpc::Status status;
  for (int i = 0; i < 50; ++i) {
    status = stub_->ListArticles(ContextWithDeadline().get(), {}, &response);
    if (status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace news
