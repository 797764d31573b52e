// Coherent caches (docs/caching.md): two server instances on one database, both caching with a
// long TTL; a change made through one shows on the other within the bound, for every cached
// read, while the other's change-log follower listens and when its listening session has just
// been terminated. A third instance refreshes its entries after 200 ms (news-server: after 5 s):
// counters without change-log rows keep moving there.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/discovery.grpc.pb.h"
#include "news/v1/editorial.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::AdminContext;
using testing::ClientContext;

// docs/caching.md promises 100 ms (p99) while the follower listens and 1 s after its session
// was lost; the tests allow 1 s for both, so that a loaded machine does not fail them.
constexpr absl::Duration kBound = absl::Seconds(1);

// Counters reach the database at the view flush (100 ms below), then a cached article at the next
// counter read (100 ms) and a cached list at its next refresh (200 ms on instance C):
// docs/caching.md's lag, with room for a loaded machine.
constexpr absl::Duration kCounterBound = absl::Seconds(2);

// Whether `condition` holds within `bound`, asking every 10 ms.
bool Eventually(const std::function<bool()>& condition, absl::Duration bound = kBound) {
  const absl::Time deadline = absl::Now() + bound;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

ServerOptions CachingOptions() {
  ServerOptions options;
  options.article_cache_entries = 1000;
  options.feed_cache_entries = 100;
  options.related_cache_entries = 100;
  options.most_viewed_cache_entries = 10;
  options.search_cache_entries = 100;
  // Nothing below expires by age: only invalidation can show a change.
  options.article_cache_ttl = absl::Hours(1);
  options.article_cache_refresh_after = absl::Hours(1);
  options.search_cache_refresh_after = absl::Hours(1);
  options.most_viewed_cache_ttl = absl::Hours(1);
  options.view_flush_interval = absl::Milliseconds(100);
  // GetArticle's counters, read apart from the entries (never refreshed on A and B).
  options.article_counter_refresh_interval = absl::Milliseconds(100);
  return options;
}

// Long-lived lists refreshed in the background when read after 200 ms.
ServerOptions RefreshingOptions() {
  ServerOptions options = CachingOptions();
  options.article_cache_refresh_after = absl::Milliseconds(200);
  return options;
}

constexpr int kInstances = 3;

class CacheCoherenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = testing::TestServer::Start("cache_coherence_test", CachingOptions()).release();
    ASSERT_NE(a_, nullptr);
    b_ = testing::TestServer::StartOnDatabase(a_->database_url, CachingOptions()).release();
    ASSERT_NE(b_, nullptr);
    c_ = testing::TestServer::StartOnDatabase(a_->database_url, RefreshingOptions()).release();
    ASSERT_NE(c_, nullptr);
    // Four related stories (each is related first to the other three).
    testing::ImportSamplePages(a_->database_url);
    pqxx::connection db(a_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    editor_token_ = IssueToken(tx, AdminRole::kEditor, "Biên tập Hòa", "test")->token;
    moderator_token_ = IssueToken(tx, AdminRole::kModerator, "Kiểm duyệt Lan", "test")->token;
    tx.commit();
  }

  static void TearDownTestSuite() {
    delete c_;
    delete b_;
    delete a_;
  }

  // GetArticle on instance B.
  static grpc::Status ReadOnB(int64_t id, v1::Article* article) {
    v1::GetArticleRequest request;
    request.set_id(id);
    return v1::ArticleService::NewStub(b_->channel)
        ->GetArticle(testing::ContextWithDeadline().get(), request, article);
  }

  static std::string TitleOnB(int64_t id) {
    v1::Article article;
    return ReadOnB(id, &article).ok() ? article.title() : "";
  }

  // Whether B's first feed page lists `id`.
  static bool FirstPageOnBLists(int64_t id) {
    v1::ListArticlesResponse page;
    grpc::Status status = v1::ArticleService::NewStub(b_->channel)
                              ->ListArticles(testing::ContextWithDeadline().get(), {}, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::ArticleSummary& summary : page.articles()) {
      if (summary.id() == id) return true;
    }
    return false;
  }

  // Whether B's first page of SearchArticles for `query` lists `id`.
  static bool SearchOnBLists(const std::string& query, int64_t id) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    v1::SearchArticlesResponse response;
    grpc::Status status =
        v1::DiscoveryService::NewStub(b_->channel)
            ->SearchArticles(testing::ContextWithDeadline().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::SearchResult& result : response.results()) {
      if (result.article().id() == id) return true;
    }
    return false;
  }

  // Reads the article and the first page on B, so that B's caches hold them.
  static void WarmB(int64_t id, const std::string& title) {
    ASSERT_TRUE(Eventually([&] { return TitleOnB(id) == title && FirstPageOnBLists(id); }));
    ASSERT_EQ(TitleOnB(id), title);
  }

  static void UpdateTitleOnA(int64_t id, const std::string& title) {
    v1::UpdateArticleRequest request;
    request.mutable_article()->set_id(id);
    request.mutable_article()->set_title(title);
    request.mutable_update_mask()->add_paths("title");
    v1::EditorialArticle updated;
    grpc::Status status = v1::EditorialService::NewStub(a_->channel)
                              ->UpdateArticle(AdminContext(editor_token_).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static void UnpublishOnA(int64_t id) {
    v1::UnpublishArticleRequest request;
    request.set_id(id);
    request.set_reason("Sai thông tin");
    v1::EditorialArticle unpublished;
    grpc::Status status =
        v1::EditorialService::NewStub(a_->channel)
            ->UnpublishArticle(AdminContext(editor_token_).get(), request, &unpublished);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Posts a comment on A (held for moderation) and approves it there.
  static void ApproveCommentOnA(int64_t article_id) {
    static int counter = 0;
    v1::CreateCommentRequest create;
    create.set_article_id(article_id);
    create.set_author_name("Độc giả");
    create.set_body(absl::StrCat("Bài viết hay, cảm ơn tác giả (", ++counter, ")"));
    create.set_request_id(absl::StrCat("coherence-", counter));
    v1::Comment comment;
    grpc::Status status = v1::CommentService::NewStub(a_->channel)
                              ->CreateComment(ClientContext("reader-1").get(), create, &comment);
    ASSERT_TRUE(status.ok()) << status.error_message();
    v1::ModerateCommentsRequest approve;
    approve.add_comment_ids(comment.id());
    approve.set_action(v1::MODERATION_ACTION_APPROVE);
    v1::ModerateCommentsResponse moderated;
    status = v1::ModerationService::NewStub(a_->channel)
                 ->ModerateComments(AdminContext(moderator_token_).get(), approve, &moderated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static int64_t CommentCountOnB(int64_t id) {
    v1::Article article;
    return ReadOnB(id, &article).ok() ? article.comment_count() : -1;
  }

  // Terminates the change followers' listening sessions (every instance's: they share the
  // application_name), once they are there.
  static void TerminateFollowerSessions() {
    pqxx::connection db(a_->database_url);
    pqxx::nontransaction tx(db);
    const std::string followers =
        " FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name = 'news-server change follower'";
    // Reconnecting after the previous termination is not what is measured: allow a loaded
    // machine its time.
    ASSERT_TRUE(Eventually(
        [&] { return tx.exec1("SELECT count(*)" + followers)[0].as<int>() == kInstances; },
        absl::Seconds(10)));
    EXPECT_EQ(tx.exec("SELECT pg_terminate_backend(pid)" + followers).size(),
              static_cast<size_t>(kInstances));
  }

  // The imported sample stories, by id.
  static std::vector<int64_t> SampleIds() {
    pqxx::connection db(a_->database_url);
    pqxx::nontransaction tx(db);
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec("SELECT id FROM articles WHERE slug NOT LIKE 'comment-test-%'"
                                   " ORDER BY id LIMIT 4")) {
      ids.push_back(row[0].as<int64_t>());
    }
    return ids;
  }

  // The title of `member` in B's related list of `subject`; "" when it is not listed.
  static std::string RelatedTitleOnB(int64_t subject, int64_t member) {
    v1::ListRelatedArticlesRequest request;
    request.set_article_id(subject);
    request.set_page_size(20);
    v1::ListRelatedArticlesResponse related;
    grpc::Status status = v1::DiscoveryService::NewStub(b_->channel)
                              ->ListRelatedArticles(testing::ContextWithDeadline().get(), request,
                                                    &related);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::RelatedArticle& entry : related.related_articles()) {
      if (entry.article().id() == member) return entry.article().title();
    }
    return "";
  }

  // The title of `id` in B's all-time most viewed list (every article of this small database);
  // "" when it is not listed.
  static std::string MostViewedTitleOnB(int64_t id) {
    v1::ListMostViewedArticlesRequest request;
    request.set_window(v1::VIEW_WINDOW_ALL);
    request.set_page_size(50);
    v1::ListMostViewedArticlesResponse most_viewed;
    grpc::Status status = v1::DiscoveryService::NewStub(b_->channel)
                              ->ListMostViewedArticles(testing::ContextWithDeadline().get(),
                                                       request, &most_viewed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::MostViewedArticle& entry : most_viewed.articles()) {
      if (entry.article().id() == id) return entry.article().title();
    }
    return "";
  }

  // Whether B's category and source lists hold the slugs.
  static bool ListsOnBHold(const std::string& category_slug, const std::string& source_slug) {
    auto stub = v1::ArticleService::NewStub(b_->channel);
    v1::ListCategoriesResponse categories;
    v1::ListSourcesResponse sources;
    grpc::Status status =
        stub->ListCategories(testing::ContextWithDeadline().get(), {}, &categories);
    EXPECT_TRUE(status.ok()) << status.error_message();
    status = stub->ListSources(testing::ContextWithDeadline().get(), {}, &sources);
    EXPECT_TRUE(status.ok()) << status.error_message();
    bool category_listed = false;
    bool source_listed = false;
    for (const v1::Category& category : categories.categories()) {
      category_listed = category_listed || category.slug() == category_slug;
    }
    for (const v1::Source& source : sources.sources()) {
      source_listed = source_listed || source.slug() == source_slug;
    }
    return category_listed && source_listed;
  }

  // Imports a published article in a new category from a new source, as the importer does (one
  // transaction).
  static void ImportArticleInNewCategoryAndSource(const std::string& category_slug,
                                                  const std::string& source_slug) {
    pqxx::connection db(a_->database_url);
    pqxx::work tx(db);
    const auto category_id =
        tx.exec_params1("INSERT INTO categories (slug, name) VALUES ($1, $1) RETURNING id",
                        category_slug)[0]
            .as<int64_t>();
    const auto source_id =
        tx.exec_params1("INSERT INTO sources (slug, name) VALUES ($1, $1) RETURNING id",
                        source_slug)[0]
            .as<int64_t>();
    tx.exec_params("INSERT INTO articles (slug, title, category_id, source_id, publish_time)"
                   " VALUES ($1, 'Tin từ nguồn mới', $2, $3, now())",
                   "comment-test-" + category_slug, category_id, source_id);
    tx.commit();
  }

  // Reads `id` on instance C; its view_count, or -1.
  static int64_t ViewCountOnC(int64_t id) {
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::Article article;
    return v1::ArticleService::NewStub(c_->channel)
                   ->GetArticle(testing::ContextWithDeadline().get(), request, &article)
                   .ok()
               ? article.view_count()
               : -1;
  }

  // The comment_count of `id` on C's first feed page, or -1 when it is not there.
  static int64_t FeedCommentCountOnC(int64_t id) {
    v1::ListArticlesResponse page;
    grpc::Status status = v1::ArticleService::NewStub(c_->channel)
                              ->ListArticles(testing::ContextWithDeadline().get(), {}, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::ArticleSummary& summary : page.articles()) {
      if (summary.id() == id) return summary.comment_count();
    }
    return -1;
  }

  static testing::TestServer* a_;
  static testing::TestServer* b_;
  static testing::TestServer* c_;
  static std::string editor_token_;
  static std::string moderator_token_;
};

testing::TestServer* CacheCoherenceTest::a_ = nullptr;
testing::TestServer* CacheCoherenceTest::b_ = nullptr;
testing::TestServer* CacheCoherenceTest::c_ = nullptr;
std::string CacheCoherenceTest::editor_token_;
std::string CacheCoherenceTest::moderator_token_;

TEST_F(CacheCoherenceTest, AnEditorialUpdateOnAShowsOnB) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Bão số 3 đổ bộ");
  WarmB(id, "Bão số 3 đổ bộ");
  UpdateTitleOnA(id, "Bão số 3 đổ bộ Quảng Ninh");
  EXPECT_TRUE(Eventually([&] { return TitleOnB(id) == "Bão số 3 đổ bộ Quảng Ninh"; }));
}

TEST_F(CacheCoherenceTest, AnUnpublishedArticleLeavesBsArticleAndFeedCaches) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Tin sẽ bị gỡ");
  WarmB(id, "Tin sẽ bị gỡ");
  UnpublishOnA(id);
  EXPECT_TRUE(Eventually([&] {
    v1::Article article;
    return ReadOnB(id, &article).error_code() == grpc::StatusCode::NOT_FOUND;
  }));
  EXPECT_TRUE(Eventually([&] { return !FirstPageOnBLists(id); }));
}

TEST_F(CacheCoherenceTest, AnApprovedCommentOnAMovesTheCommentCountOnB) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Giá xăng giảm");
  WarmB(id, "Giá xăng giảm");
  ASSERT_EQ(CommentCountOnB(id), 0);
  ApproveCommentOnA(id);
  EXPECT_TRUE(Eventually([&] { return CommentCountOnB(id) == 1; }));
}

TEST_F(CacheCoherenceTest, ChangesShowOnBAfterItsListeningSessionWasTerminated) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Khai mạc hội nghị");
  WarmB(id, "Khai mạc hội nghị");
  ASSERT_EQ(CommentCountOnB(id), 0);

  TerminateFollowerSessions();
  UpdateTitleOnA(id, "Khai mạc hội nghị thượng đỉnh");
  EXPECT_TRUE(Eventually([&] { return TitleOnB(id) == "Khai mạc hội nghị thượng đỉnh"; }));

  WarmB(id, "Khai mạc hội nghị thượng đỉnh");
  TerminateFollowerSessions();
  ApproveCommentOnA(id);
  EXPECT_TRUE(Eventually([&] { return CommentCountOnB(id) == 1; }));

  WarmB(id, "Khai mạc hội nghị thượng đỉnh");
  TerminateFollowerSessions();
  UnpublishOnA(id);
  EXPECT_TRUE(Eventually([&] { return !FirstPageOnBLists(id); }));
}

TEST_F(CacheCoherenceTest, RelatedListsOnBFollowTheirMembersOnA) {
  const std::vector<int64_t> samples = SampleIds();
  ASSERT_EQ(samples.size(), 4u);
  const int64_t subject = samples[0];
  const int64_t member = samples[1];
  ASSERT_TRUE(Eventually([&] { return !RelatedTitleOnB(subject, member).empty(); }));
  UpdateTitleOnA(member, "Tin liên quan đã sửa");
  EXPECT_TRUE(
      Eventually([&] { return RelatedTitleOnB(subject, member) == "Tin liên quan đã sửa"; }));
  UnpublishOnA(member);
  EXPECT_TRUE(Eventually([&] { return RelatedTitleOnB(subject, member).empty(); }));
}

TEST_F(CacheCoherenceTest, MostViewedOnBFollowsItsArticlesOnA) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Đọc nhiều");
  ASSERT_TRUE(Eventually([&] { return MostViewedTitleOnB(id) == "Đọc nhiều"; }));
  UpdateTitleOnA(id, "Đọc nhiều nhất tuần");
  EXPECT_TRUE(Eventually([&] { return MostViewedTitleOnB(id) == "Đọc nhiều nhất tuần"; }));
  UnpublishOnA(id);
  EXPECT_TRUE(Eventually([&] { return MostViewedTitleOnB(id).empty(); }));
}

TEST_F(CacheCoherenceTest, NewCategoriesAndSourcesShowOnB) {
  ASSERT_FALSE(ListsOnBHold("the-thao", "bao-the-thao"));
  ImportArticleInNewCategoryAndSource("the-thao", "bao-the-thao");
  EXPECT_TRUE(Eventually([&] { return ListsOnBHold("the-thao", "bao-the-thao"); }));
}

TEST_F(CacheCoherenceTest, ListChangesShowOnBAfterItsListeningSessionWasTerminated) {
  const std::vector<int64_t> samples = SampleIds();
  ASSERT_EQ(samples.size(), 4u);
  const int64_t subject = samples[0];
  const int64_t member = samples[2];
  ASSERT_TRUE(Eventually([&] { return !RelatedTitleOnB(subject, member).empty(); }));
  TerminateFollowerSessions();
  UpdateTitleOnA(member, "Tin liên quan sau khi mất kết nối");
  EXPECT_TRUE(Eventually(
      [&] { return RelatedTitleOnB(subject, member) == "Tin liên quan sau khi mất kết nối"; }));

  ASSERT_FALSE(ListsOnBHold("giao-duc", "bao-giao-duc"));
  TerminateFollowerSessions();
  ImportArticleInNewCategoryAndSource("giao-duc", "bao-giao-duc");
  EXPECT_TRUE(Eventually([&] { return ListsOnBHold("giao-duc", "bao-giao-duc"); }));

  const int64_t id = testing::InsertArticle(a_->database_url, "Xem nhiều");
  ASSERT_TRUE(Eventually([&] { return MostViewedTitleOnB(id) == "Xem nhiều"; }));
  TerminateFollowerSessions();
  UnpublishOnA(id);
  EXPECT_TRUE(Eventually([&] { return MostViewedTitleOnB(id).empty(); }));
}

// Entries live an hour on C too, but views and feed comment counts keep moving within the
// documented lag: the view flush, then the next background refresh of the entry.
TEST_F(CacheCoherenceTest, CountersAreNotFrozenByLongLivedEntries) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Tin được đọc nhiều");
  ASSERT_TRUE(Eventually([&] { return ViewCountOnC(id) >= 0 && FeedCommentCountOnC(id) == 0; }));
  const int64_t before = ViewCountOnC(id);
  for (int reader = 0; reader < 3; ++reader) {
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::Article article;
    ASSERT_TRUE(v1::ArticleService::NewStub(a_->channel)
                    ->GetArticle(ClientContext(absl::StrCat("viewer-", reader)).get(), request,
                                 &article)
                    .ok());
  }
  EXPECT_TRUE(Eventually([&] { return ViewCountOnC(id) >= before + 3; }, kCounterBound));

  ApproveCommentOnA(id);
  EXPECT_TRUE(Eventually([&] { return FeedCommentCountOnC(id) == 1; }, kCounterBound));
}

// The search cache: B keeps a search's page until an article changes; a retracted article
// leaves it within the bound, and so does an article whose title no longer matches.
TEST_F(CacheCoherenceTest, ARetractedArticleLeavesBsCachedSearches) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Tin tạm");
  // The editorial update indexes the article for search.
  UpdateTitleOnA(id, "Hồ Thủy Tiên được cải tạo");
  ASSERT_TRUE(Eventually([&] { return SearchOnBLists("ho thuy tien", id); }));
  // Cached: every spelling of the query shares the entry.
  ASSERT_TRUE(SearchOnBLists("HỒ THỦY TIÊN", id));
  UnpublishOnA(id);
  EXPECT_TRUE(Eventually([&] { return !SearchOnBLists("Hồ Thủy Tiên", id); }));
}

TEST_F(CacheCoherenceTest, AnArticleRetitledOnALeavesBsCachedSearchesForItsOldTitle) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Tin tạm");
  UpdateTitleOnA(id, "Chợ hoa Quảng Bá họp sớm");
  ASSERT_TRUE(Eventually([&] { return SearchOnBLists("cho hoa quang ba", id); }));
  UpdateTitleOnA(id, "Làng đào Nhật Tân vào vụ");
  EXPECT_TRUE(Eventually([&] { return !SearchOnBLists("cho hoa quang ba", id); }));
  EXPECT_TRUE(Eventually([&] { return SearchOnBLists("lang dao nhat tan", id); }));
}

// GetArticle entries live an hour on B and are never re-read, yet their view and comment counts
// move within the documented lag (the view flush, then the next batched counter read), and
// content changes still replace them.
TEST_F(CacheCoherenceTest, CachedArticlesOnBShowCurrentCountersWithoutBeingReRead) {
  const int64_t id = testing::InsertArticle(a_->database_url, "Giá xăng giảm");
  WarmB(id, "Giá xăng giảm");
  v1::Article cached;
  ASSERT_TRUE(ReadOnB(id, &cached).ok());
  for (int reader = 0; reader < 3; ++reader) {
    v1::GetArticleRequest request;
    request.set_id(id);
    v1::Article article;
    ASSERT_TRUE(v1::ArticleService::NewStub(a_->channel)
                    ->GetArticle(ClientContext(absl::StrCat("reader-", reader)).get(), request,
                                 &article)
                    .ok());
  }
  // The reads on B count views too: at least A's three.
  EXPECT_TRUE(Eventually(
      [&] {
        v1::Article article;
        return ReadOnB(id, &article).ok() && article.view_count() >= cached.view_count() + 3;
      },
      kCounterBound));
  // A count written without a change-log row (as view flushes write them).
  {
    pqxx::connection db(a_->database_url);
    pqxx::work tx(db);
    tx.exec_params("UPDATE article_counters SET comment_count = 7 WHERE article_id = $1", id);
    tx.commit();
  }
  EXPECT_TRUE(Eventually(
      [&] {
        v1::Article article;
        return ReadOnB(id, &article).ok() && article.comment_count() == 7;
      },
      kCounterBound));
  v1::Article counted;
  ASSERT_TRUE(ReadOnB(id, &counted).ok());
  EXPECT_EQ(counted.title(), "Giá xăng giảm");
  EXPECT_EQ(counted.body_paragraphs_size(), cached.body_paragraphs_size());
  EXPECT_EQ(counted.update_time().seconds(), cached.update_time().seconds());

  UpdateTitleOnA(id, "Giá xăng giảm mạnh");
  EXPECT_TRUE(Eventually([&] { return TitleOnB(id) == "Giá xăng giảm mạnh"; }));
  v1::Article updated;
  ASSERT_TRUE(ReadOnB(id, &updated).ok());
  EXPECT_EQ(updated.comment_count(), 7);
}

}  // namespace
}  // namespace news
