// The article lifecycle end to end (docs/newsroom.md): imported and generated articles take
// their state from the lifecycle, readers see only published articles (and expired ones by
// direct id or slug), and the scheduler publishes and expires articles by itself.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "server/importer/article_importer.h"
#include "tests/support/comment_calls.h"
#include "tests/support/reader_view.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::ObserveArticle;
using testing::ReaderView;

// A sample page whose date line is "Thứ hai - 05/09/2022 22:28".
constexpr char kDatedSample[] = "003_dbc14d009e467cf4.txt";
constexpr char kSampleDateLine[] = "Thứ hai - 05/09/2022 22:28";
constexpr char kSampleSearchQuery[] = "Nâng cao hiệu quả công tác đối ngoại đảng";

std::string ReadSample(const std::string& name) {
  std::ifstream in(std::filesystem::path(NEWS_SAMPLES_DIR) / name, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

class NewsroomTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("newsroom_test").release();
    ASSERT_NE(server_, nullptr);
    testing::ImportSamplePages(server_->database_url);
  }

  static void TearDownTestSuite() { delete server_; }

  // Imports the dated sample page under file name `stem`.txt with its date line replaced.
  static importer::ImportOutcome ImportDated(const std::string& stem,
                                             const std::string& date_line) {
    const std::string content =
        absl::StrReplaceAll(ReadSample(kDatedSample), {{kSampleDateLine, date_line}});
    pqxx::connection db(server_->database_url);
    auto outcome = importer::ImportPortalPage(db, stem + ".txt", content, {});
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    return *outcome;
  }

  static std::string StatusOf(int64_t id) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    return tx.exec_params1("SELECT status::text FROM articles WHERE id = $1", id)[0]
        .as<std::string>();
  }

  static void SetStatus(int64_t id, const std::string& status) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    tx.exec_params("UPDATE articles SET status = $2::article_status WHERE id = $1", id, status);
  }

  static testing::TestServer* server_;
};

testing::TestServer* NewsroomTest::server_ = nullptr;

TEST_F(NewsroomTest, PageDatedInTheFutureIsScheduledAndInvisibleEverywhere) {
  const importer::ImportOutcome outcome = ImportDated("future-page", "Thứ hai - 01/01/2029 08:00");
  EXPECT_TRUE(outcome.created);
  EXPECT_EQ(outcome.state, ArticleState::kScheduled);
  EXPECT_EQ(StatusOf(outcome.article_id), "scheduled");

  const ReaderView view =
      ObserveArticle(server_->channel, outcome.article_id, outcome.slug, kSampleSearchQuery);
  EXPECT_FALSE(view.in_feed);
  EXPECT_EQ(view.get_by_id, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(view.get_by_slug, grpc::StatusCode::NOT_FOUND);
  EXPECT_FALSE(view.in_search);
  EXPECT_FALSE(view.in_related);
  EXPECT_FALSE(view.in_most_viewed);
  EXPECT_FALSE(view.is_neighbour);

  // The same page with its real date is visible everywhere the scheduled one is not, so the
  // checks above could fail.
  const importer::ImportOutcome present = ImportDated("present-page", kSampleDateLine);
  EXPECT_EQ(present.state, ArticleState::kPublished);
  const ReaderView seen =
      ObserveArticle(server_->channel, present.article_id, present.slug, kSampleSearchQuery);
  EXPECT_TRUE(seen.in_feed);
  EXPECT_EQ(seen.get_by_id, grpc::StatusCode::OK);
  EXPECT_EQ(seen.get_by_slug, grpc::StatusCode::OK);
  EXPECT_TRUE(seen.in_search);
  EXPECT_TRUE(seen.in_related);
  EXPECT_TRUE(seen.in_most_viewed);
  EXPECT_TRUE(seen.is_neighbour);
}

TEST_F(NewsroomTest, ImportedPageIsServedAsBlocksWithItsImageCaption) {
  const importer::ImportOutcome outcome = ImportDated("blocks-page", kSampleDateLine);
  auto stub = v1::ArticleService::NewStub(server_->channel);
  v1::GetArticleRequest request;
  request.set_id(outcome.article_id);
  v1::Article article;
  ASSERT_TRUE(stub->GetArticle(testing::ContextWithDeadline().get(), request, &article).ok());
  ASSERT_EQ(article.blocks_size(), article.body_paragraphs_size() + 1);
  EXPECT_TRUE(absl::StartsWith(article.blocks(0).image().caption(), "Đồng chí Lò Văn Mừng"));
  EXPECT_EQ(article.blocks(1).paragraph().text(), article.body_paragraphs(0));
}

TEST_F(NewsroomTest, ReimportingFollowsTheDateButNeverResurrectsAnEditorsState) {
  importer::ImportOutcome outcome = ImportDated("moving-page", "Thứ hai - 01/01/2029 08:00");
  ASSERT_EQ(outcome.state, ArticleState::kScheduled);
  // The portal corrected the date: the article is published at once.
  outcome = ImportDated("moving-page", kSampleDateLine);
  EXPECT_FALSE(outcome.created);
  EXPECT_EQ(outcome.state, ArticleState::kPublished);

  for (const char* state : {"retracted", "deleted", "expired", "draft"}) {
    SCOPED_TRACE(state);
    SetStatus(outcome.article_id, state);
    const importer::ImportOutcome again = ImportDated("moving-page", kSampleDateLine);
    EXPECT_EQ(again.article_id, outcome.article_id);
    EXPECT_EQ(StatusOf(outcome.article_id), state);
  }
  SetStatus(outcome.article_id, "retracted");
  const ReaderView view =
      ObserveArticle(server_->channel, outcome.article_id, outcome.slug, kSampleSearchQuery);
  EXPECT_EQ(view.get_by_id, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(view.InNoList());
}

TEST_F(NewsroomTest, ExpiredArticleIsReadableByIdAndSlugButInNoList) {
  const importer::ImportOutcome outcome = ImportDated("expired-page", kSampleDateLine);
  ASSERT_EQ(outcome.state, ArticleState::kPublished);
  SetStatus(outcome.article_id, "expired");
  const ReaderView view =
      ObserveArticle(server_->channel, outcome.article_id, outcome.slug, kSampleSearchQuery);
  EXPECT_EQ(view.get_by_id, grpc::StatusCode::OK);
  EXPECT_EQ(view.get_by_slug, grpc::StatusCode::OK);
  EXPECT_TRUE(view.InNoList());
}

// Inserts an article straight into the database in `status` with publish and expire times
// `publish_in` and `expire_in` from the database's now (expire_in 0: none).
int64_t InsertTimedArticle(const std::string& database_url, const std::string& status,
                           double publish_in, double expire_in) {
  pqxx::connection db(database_url);
  pqxx::nontransaction tx(db);
  static int counter = 0;
  return tx
      .exec_params1(
          "INSERT INTO articles (slug, title, category_id, publish_time, expire_time, status)"
          " SELECT $1, $1, min(id), now() + $2 * interval '1 second',"
          " CASE WHEN $3 = 0 THEN NULL ELSE now() + $3 * interval '1 second' END,"
          " $4::article_status FROM categories RETURNING id",
          absl::StrCat("hen-gio-", ++counter), publish_in, expire_in, status)[0]
      .as<int64_t>();
}

bool InFeed(const std::shared_ptr<grpc::Channel>& channel, int64_t id) {
  auto stub = v1::ArticleService::NewStub(channel);
  v1::ListArticlesRequest request;
  request.set_page_size(100);
  v1::ListArticlesResponse response;
  EXPECT_TRUE(stub->ListArticles(testing::ContextWithDeadline().get(), request, &response).ok());
  for (const auto& summary : response.articles()) {
    if (summary.id() == id) return true;
  }
  return false;
}

// Polls the feed every 50 ms until the article's presence is `present`, for at most `limit`.
bool WaitForFeed(const std::shared_ptr<grpc::Channel>& channel, int64_t id, bool present,
                 absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    if (InFeed(channel, id) == present) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The number of stamped changes of `kind` for the article, once every change is stamped.
int64_t CountChanges(const std::string& database_url, int64_t article_id, const std::string& kind) {
  pqxx::connection db(database_url);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    pqxx::nontransaction tx(db);
    if (tx.exec("SELECT count(*) FROM change_log WHERE position IS NULL")[0][0].as<int64_t>() ==
        0) {
      return tx
          .exec_params1("SELECT count(*) FROM change_log WHERE article_id = $1 AND kind = $2",
                        article_id, kind)[0]
          .as<int64_t>();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

TEST_F(NewsroomTest, ScheduledArticleAppearsByItselfOnceAcrossTwoInstances) {
  auto second = testing::TestServer::StartOnDatabase(server_->database_url);
  ASSERT_NE(second, nullptr);
  const int64_t id = InsertTimedArticle(server_->database_url, "scheduled", 2, 0);
  EXPECT_FALSE(InFeed(server_->channel, id));
  EXPECT_FALSE(InFeed(second->channel, id));
  // Nothing but the two servers' schedulers can publish it; reading the feed does not.
  EXPECT_TRUE(WaitForFeed(server_->channel, id, true, absl::Seconds(10)));
  EXPECT_TRUE(InFeed(second->channel, id));
  EXPECT_EQ(StatusOf(id), "published");
  // Both instances kept scheduling for a while after the article's time.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(CountChanges(server_->database_url, id, "article.published"), 1);
}

TEST_F(NewsroomTest, ArticleExpiresByItselfAndStaysReadableById) {
  const int64_t id = InsertTimedArticle(server_->database_url, "published", -60, 1);
  EXPECT_TRUE(InFeed(server_->channel, id));
  EXPECT_TRUE(WaitForFeed(server_->channel, id, false, absl::Seconds(10)));
  EXPECT_EQ(StatusOf(id), "expired");
  EXPECT_EQ(CountChanges(server_->database_url, id, "article.expired"), 1);
}

// The portal's count of its own comments ("... 22:28 120 7") is not comment_count: an imported
// article starts at 0, and re-imports keep the count of the approved comments ListComments shows.
TEST_F(NewsroomTest, ImportedArticlesCountOnlyTheirOwnApprovedComments) {
  const std::string line = absl::StrCat(kSampleDateLine, " 120 7");
  const importer::ImportOutcome imported = ImportDated("portal-comments", line);
  ServerOptions post;
  post.comment_rules.moderation = CommentModeration::kPost;
  auto post_server = testing::TestServer::StartOnDatabase(server_->database_url, post);
  ASSERT_NE(post_server, nullptr);
  auto comments = v1::CommentService::NewStub(post_server->channel);
  auto articles = v1::ArticleService::NewStub(post_server->channel);
  auto expect_count_matches_list = [&](int64_t expected) {
    v1::GetArticleRequest get;
    get.set_id(imported.article_id);
    v1::Article article;
    ASSERT_TRUE(articles->GetArticle(testing::ContextWithDeadline().get(), get, &article).ok());
    v1::ListCommentsRequest list;
    list.set_article_id(imported.article_id);
    v1::ListCommentsResponse shown;
    ASSERT_TRUE(comments->ListComments(testing::ContextWithDeadline().get(), list, &shown).ok());
    EXPECT_EQ(article.comment_count(), expected);
    EXPECT_EQ(article.comment_count(), shown.comments_size());
  };
  expect_count_matches_list(0);

  v1::CreateCommentRequest request;
  request.set_article_id(imported.article_id);
  request.set_author_name("Lê Thị Hoa");
  request.set_body("Cảm ơn bài viết rất hữu ích");
  request.set_request_id("portal-comments-1");
  v1::Comment comment;
  ASSERT_TRUE(comments->CreateComment(testing::ClientContext("portal-reader").get(), request,
                                      &comment).ok());
  ASSERT_EQ(comment.state(), v1::COMMENT_STATE_APPROVED);
  // The portal's count grows past ours; the re-import keeps ours.
  ImportDated("portal-comments", absl::StrCat(kSampleDateLine, " 120 9"));
  expect_count_matches_list(1);
}

}  // namespace
}  // namespace news
