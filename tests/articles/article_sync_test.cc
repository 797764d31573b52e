// Offline sync end to end (docs/sync.md): ListArticleChanges against the real server and
// database: full sync then deltas, tombstones and their reasons, tokens that were tampered with
// or outlived the change log's retention, the category filter, the response bounds, and an app
// that syncs while several editors write, whose copy must end equal to the database.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/editorial.grpc.pb.h"
#include "server/domain/articles/article_sync.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/newsroom/newsroom_store.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/error_details.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using Tombstone = v1::ArticleTombstone;

// An app's offline copy, kept as docs/sync.md tells apps to keep theirs.
struct AppCopy {
  int64_t category_id = 0;
  std::string sync_token;
  std::map<int64_t, v1::Article> articles;
  // The reason of each tombstone that removed an article the copy held.
  std::map<int64_t, Tombstone::Reason> removed;
  // The responses of the last SyncUntilCaughtUp.
  std::vector<v1::ListArticleChangesResponse> responses;
};

class ArticleSyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("article_sync_test").release();
    ASSERT_NE(server_, nullptr);
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    editor_token_ = IssueToken(tx, AdminRole::kEditor, "Biên tập Hòa", "test")->token;
    tx.commit();
    articles_ = v1::ArticleService::NewStub(server_->channel).release();
    editorial_ = v1::EditorialService::NewStub(server_->channel).release();
  }

  static void TearDownTestSuite() {
    delete editorial_;
    delete articles_;
    delete server_;
  }

  static void Exec(const std::string& sql) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    tx.exec(sql);
  }

  static int64_t NewCategory() {
    static int counter = 0;
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    ++counter;
    return tx
        .exec1(absl::StrCat("INSERT INTO categories (slug, name) VALUES ('dong-bo-", counter,
                            "', 'Đồng bộ ", counter, "') RETURNING id"))[0]
        .as<int64_t>();
  }

  // Inserts `count` published articles of `category_id` in one statement; their ids.
  static std::vector<int64_t> InsertArticles(int64_t category_id, int count) {
    static int batch = 0;
    ++batch;
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec(absl::StrCat(
             "INSERT INTO articles (slug, title, category_id, publish_time, body_paragraphs)"
             " SELECT 'dong-bo-", batch, "-' || g, 'Bài đồng bộ ", batch, "-' || g, ",
             category_id,
             ", now() - g * interval '1 minute', ARRAY['Đoạn văn.'] FROM generate_series(1, ",
             count, ") g RETURNING id"))) {
      ids.push_back(row[0].as<int64_t>());
    }
    return ids;
  }

  // Stamps every committed change now, as the sequencer would within 50 ms, so that a sync
  // that follows sees them (any session may stamp, docs/newsroom.md).
  static void StampLog() { Exec("SELECT stamp_change_log(1000000)"); }

  static int64_t LastPosition() {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    return storage::NewsroomStore(tx).LastPosition();
  }

  static grpc::Status Call(const std::string& token, int page_size, int64_t category_id,
                           v1::ListArticleChangesResponse* response) {
    v1::ListArticleChangesRequest request;
    request.set_sync_token(token);
    request.set_page_size(page_size);
    request.set_category_id(category_id);
    return articles_->ListArticleChanges(testing::ContextWithDeadline().get(), request, response);
  }

  // Syncs `app` until the server says caught_up, applying every response as an app would.
  static grpc::Status SyncUntilCaughtUp(AppCopy& app, int page_size = 0) {
    app.responses.clear();
    // A full sync replaces the copy: what the copy held and the snapshot does not bring left
    // while the app was not syncing, and goes when the snapshot is complete.
    std::set<int64_t> unconfirmed;
    for (int call = 0; call < 10000; ++call) {
      v1::ListArticleChangesResponse response;
      const grpc::Status status = Call(app.sync_token, page_size, app.category_id, &response);
      if (!status.ok()) return status;
      if (app.sync_token.empty()) {
        for (const auto& [id, article] : app.articles) unconfirmed.insert(id);
      }
      for (const v1::ArticleChange& change : response.changes()) {
        if (change.has_upsert()) {
          app.articles[change.upsert().id()] = change.upsert();
          unconfirmed.erase(change.upsert().id());
        } else if (app.articles.erase(change.tombstone().id()) > 0) {
          app.removed[change.tombstone().id()] = change.tombstone().reason();
        }
      }
      if (response.full_sync_complete()) {
        for (int64_t id : unconfirmed) app.articles.erase(id);
        unconfirmed.clear();
      }
      app.sync_token = response.next_sync_token();
      app.responses.push_back(std::move(response));
      if (app.responses.back().caught_up()) return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::INTERNAL, "never caught up");
  }

  // id -> title of the published articles (of `category_id` unless 0) in the database.
  static std::map<int64_t, std::string> PublishedTitles(int64_t category_id = 0) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    std::map<int64_t, std::string> titles;
    for (const auto& row : tx.exec(absl::StrCat(
             "SELECT id, title FROM articles WHERE status = 'published'",
             category_id == 0 ? "" : absl::StrCat(" AND category_id = ", category_id)))) {
      titles[row[0].as<int64_t>()] = row[1].as<std::string>();
    }
    return titles;
  }

  static std::map<int64_t, std::string> Titles(const AppCopy& app) {
    std::map<int64_t, std::string> titles;
    for (const auto& [id, article] : app.articles) titles[id] = article.title();
    return titles;
  }

  // EditorialService calls, as the newsroom makes them.
  static grpc::Status CreatePublished(const std::string& title, int64_t category_id,
                                      int64_t* id) {
    static std::atomic<int> counter{0};
    v1::CreateArticleRequest create;
    create.mutable_article()->set_title(title);
    create.mutable_article()->set_summary("Tóm tắt bài viết.");
    create.mutable_article()->set_author("Minh Anh");
    create.mutable_article()->set_category_id(category_id);
    create.mutable_article()->add_blocks()->mutable_paragraph()->set_text("Nội dung bài viết.");
    create.set_request_id(absl::StrCat("sync-test-", ++counter));
    v1::EditorialArticle created;
    grpc::Status status =
        editorial_->CreateArticle(testing::AdminContext(editor_token_).get(), create, &created);
    if (!status.ok()) return status;
    *id = created.id();
    return Publish(*id);
  }

  static grpc::Status Publish(int64_t id) {
    v1::PublishArticleRequest request;
    request.set_id(id);
    v1::EditorialArticle out;
    return editorial_->PublishArticle(testing::AdminContext(editor_token_).get(), request, &out);
  }

  static grpc::Status Retract(int64_t id) {
    v1::UnpublishArticleRequest request;
    request.set_id(id);
    request.set_reason("Sai thông tin");
    v1::EditorialArticle out;
    return editorial_->UnpublishArticle(testing::AdminContext(editor_token_).get(), request,
                                        &out);
  }

  static grpc::Status Delete(int64_t id) {
    v1::DeleteArticleRequest request;
    request.set_id(id);
    v1::EditorialArticle out;
    return editorial_->DeleteArticle(testing::AdminContext(editor_token_).get(), request, &out);
  }

  static grpc::Status UpdateTitle(int64_t id, const std::string& title) {
    v1::UpdateArticleRequest request;
    request.mutable_article()->set_id(id);
    request.mutable_article()->set_title(title);
    request.mutable_update_mask()->add_paths("title");
    v1::EditorialArticle out;
    return editorial_->UpdateArticle(testing::AdminContext(editor_token_).get(), request, &out);
  }

  static grpc::Status MoveToCategory(int64_t id, int64_t category_id) {
    v1::UpdateArticleRequest request;
    request.mutable_article()->set_id(id);
    request.mutable_article()->set_category_id(category_id);
    request.mutable_update_mask()->add_paths("category_id");
    v1::EditorialArticle out;
    return editorial_->UpdateArticle(testing::AdminContext(editor_token_).get(), request, &out);
  }

  static testing::TestServer* server_;
  static std::string editor_token_;
  static v1::ArticleService::Stub* articles_;
  static v1::EditorialService::Stub* editorial_;
};

testing::TestServer* ArticleSyncTest::server_ = nullptr;
std::string ArticleSyncTest::editor_token_;
v1::ArticleService::Stub* ArticleSyncTest::articles_ = nullptr;
v1::EditorialService::Stub* ArticleSyncTest::editorial_ = nullptr;

TEST_F(ArticleSyncTest, FullSyncPagesNewestFirstThenDeltasBringWhatChanged) {
  const int64_t category = NewCategory();
  const std::vector<int64_t> ids = InsertArticles(category, 5);
  StampLog();

  AppCopy app;
  app.category_id = category;
  ASSERT_TRUE(SyncUntilCaughtUp(app, 2).ok());
  EXPECT_EQ(Titles(app), PublishedTitles(category));
  // 5 articles in pages of 2: 2, 2, 1 and the last page completes the full sync.
  ASSERT_EQ(app.responses.size(), 3u);
  for (const auto& response : app.responses) EXPECT_TRUE(response.full_sync());
  EXPECT_FALSE(app.responses[0].full_sync_complete());
  EXPECT_TRUE(app.responses[2].full_sync_complete());
  // Newest first: InsertArticles dates article g at now - g minutes.
  EXPECT_EQ(app.responses[0].changes(0).upsert().id(), ids[0]);
  EXPECT_EQ(app.responses[2].changes(0).upsert().id(), ids[4]);
  // Whole articles, without neighbours.
  const v1::Article& first = app.responses[0].changes(0).upsert();
  EXPECT_EQ(first.body_paragraphs_size(), 1);
  EXPECT_EQ(first.category().id(), category);
  EXPECT_EQ(first.status(), v1::ARTICLE_STATUS_PUBLISHED);
  EXPECT_FALSE(first.has_newer());

  // Nothing changed: one call, nothing in it, caught up.
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  ASSERT_EQ(app.responses.size(), 1u);
  EXPECT_EQ(app.responses[0].changes_size(), 0);
  EXPECT_FALSE(app.responses[0].full_sync());

  int64_t added = 0;
  ASSERT_TRUE(CreatePublished("Tin mới sau lần đồng bộ", category, &added).ok());
  ASSERT_TRUE(UpdateTitle(ids[1], "Tiêu đề đã sửa").ok());
  // Changed three times, delivered once.
  ASSERT_TRUE(UpdateTitle(ids[2], "Sửa lần 1").ok());
  ASSERT_TRUE(UpdateTitle(ids[2], "Sửa lần 2").ok());
  ASSERT_TRUE(UpdateTitle(ids[2], "Sửa lần 3").ok());
  StampLog();
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  ASSERT_EQ(app.responses.size(), 1u);
  EXPECT_EQ(app.responses[0].changes_size(), 3);
  EXPECT_EQ(app.articles[ids[1]].title(), "Tiêu đề đã sửa");
  EXPECT_EQ(app.articles[ids[2]].title(), "Sửa lần 3");
  EXPECT_EQ(app.articles[added].title(), "Tin mới sau lần đồng bộ");
  EXPECT_EQ(Titles(app), PublishedTitles(category));
}

TEST_F(ArticleSyncTest, TombstonesSayWhyAnArticleWentAway) {
  const int64_t category = NewCategory();
  const std::vector<int64_t> ids = InsertArticles(category, 5);
  StampLog();
  AppCopy app;
  app.category_id = category;
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  ASSERT_EQ(app.articles.size(), 5u);

  ASSERT_TRUE(Retract(ids[0]).ok());
  ASSERT_TRUE(Retract(ids[1]).ok());
  ASSERT_TRUE(Delete(ids[1]).ok());
  // Expired by the scheduler once its expire_time passed.
  Exec(absl::StrCat("UPDATE articles SET expire_time = now() WHERE id = ", ids[2]));
  // Back into the future: scheduled again.
  Exec(absl::StrCat("UPDATE articles SET status = 'scheduled', publish_time = now() + interval"
                    " '1 day' WHERE id = ",
                    ids[3]));
  // Removed for good (retention of a deleted article): the row is gone.
  Exec(absl::StrCat("UPDATE articles SET status = 'deleted' WHERE id = ", ids[4]));
  Exec(absl::StrCat("DELETE FROM articles WHERE id = ", ids[4]));
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (PublishedTitles(category).count(ids[2]) > 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  StampLog();
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  EXPECT_TRUE(app.articles.empty());
  EXPECT_EQ(app.removed[ids[0]], Tombstone::RETRACTED);
  EXPECT_EQ(app.removed[ids[1]], Tombstone::DELETED);
  EXPECT_EQ(app.removed[ids[2]], Tombstone::EXPIRED);
  EXPECT_EQ(app.removed[ids[3]], Tombstone::UNPUBLISHED);
  EXPECT_EQ(app.removed[ids[4]], Tombstone::DELETED);

  // Published again: back as an upsert.
  ASSERT_TRUE(Publish(ids[0]).ok());
  StampLog();
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  EXPECT_EQ(Titles(app), PublishedTitles(category));
  EXPECT_EQ(app.articles.count(ids[0]), 1u);
}

TEST_F(ArticleSyncTest, AlteredOrMisusedTokensAreInvalidArgument) {
  const int64_t category = NewCategory();
  InsertArticles(category, 3);
  StampLog();
  v1::ListArticleChangesResponse page;
  ASSERT_TRUE(Call("", 1, category, &page).ok());
  const std::string token = page.next_sync_token();
  ASSERT_FALSE(token.empty());

  std::string altered = token;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  for (const auto& [sent, sent_category] :
       std::vector<std::pair<std::string, int64_t>>{{altered, category},
                                                    {"not-a-token", category},
                                                    {token + "A", category},
                                                    // Issued for another filter.
                                                    {token, 0},
                                                    {token, category + 1}}) {
    v1::ListArticleChangesResponse response;
    const grpc::Status status = Call(sent, 1, sent_category, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << sent;
    EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"sync_token"}) << sent;
  }
  v1::ListArticleChangesResponse response;
  const grpc::Status negative = Call("", -1, -1, &response);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(negative),
            (std::vector<std::string>{"page_size", "category_id"}));
  // The untouched token still works.
  EXPECT_TRUE(Call(token, 1, category, &response).ok());
}

TEST_F(ArticleSyncTest, ATokenOlderThanTheRetainedLogAsksForAFullSync) {
  const int64_t category = NewCategory();
  const std::vector<int64_t> ids = InsertArticles(category, 3);
  StampLog();
  AppCopy app;
  app.category_id = category;
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  const int64_t token_position = LastPosition();

  ASSERT_TRUE(Retract(ids[0]).ok());
  ASSERT_TRUE(UpdateTitle(ids[1], "Sửa trong lúc app ngoại tuyến").ok());
  StampLog();
  // Retention removed the first change after the token (the same as prune_newsroom does to old
  // rows: a prefix of the log).
  Exec(absl::StrCat("DELETE FROM change_log WHERE position <= ", token_position + 1));
  v1::ListArticleChangesResponse response;
  const grpc::Status status = Call(app.sync_token, 0, category, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ErrorReason(status), "SYNC_TOKEN_EXPIRED");

  // The app starts again without a token; its copy ends equal, the retracted article gone
  // although no tombstone said so.
  app.sync_token.clear();
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  EXPECT_EQ(Titles(app), PublishedTitles(category));
  EXPECT_EQ(app.articles.count(ids[0]), 0u);
  EXPECT_EQ(app.articles[ids[1]].title(), "Sửa trong lúc app ngoại tuyến");
}

TEST_F(ArticleSyncTest, RetentionPrunesAPrefixSoNoTokenMissesAChangeUnnoticed) {
  const int64_t category = NewCategory();
  const std::vector<int64_t> ids = InsertArticles(category, 1);
  StampLog();
  AppCopy app;
  app.category_id = category;
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  ASSERT_TRUE(UpdateTitle(ids[0], "Thay đổi thứ nhất").ok());
  StampLog();
  ASSERT_TRUE(UpdateTitle(ids[0], "Thay đổi thứ hai").ok());
  StampLog();
  const int64_t last = LastPosition();
  pqxx::connection db(server_->database_url);
  pqxx::nontransaction tx(db);
  // The later change is the older one by change_time (its transaction began first): pruning
  // by age alone would delete it and keep the one before it.
  tx.exec("ALTER TABLE change_log DISABLE TRIGGER change_log_append_only");
  tx.exec(absl::StrCat("UPDATE change_log SET change_time = now() - interval '2 h'"
                       " WHERE position = ",
                       last));
  tx.exec("ALTER TABLE change_log ENABLE TRIGGER change_log_append_only");
  storage::NewsroomStore(tx).Prune(absl::Hours(1));
  EXPECT_EQ(tx.exec(absl::StrCat("SELECT 1 FROM change_log WHERE position = ", last)).size(), 1u);
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  EXPECT_EQ(app.articles[ids[0]].title(), "Thay đổi thứ hai");

  // Once everything up to it is old, it goes, and the token held before it has expired.
  const std::string old_token = app.sync_token;
  ASSERT_TRUE(UpdateTitle(ids[0], "Thay đổi thứ ba").ok());
  StampLog();
  tx.exec("ALTER TABLE change_log DISABLE TRIGGER change_log_append_only");
  tx.exec(absl::StrCat("UPDATE change_log SET change_time = now() - interval '2 h'"
                       " WHERE position <= ",
                       last + 1));
  tx.exec("ALTER TABLE change_log ENABLE TRIGGER change_log_append_only");
  storage::NewsroomStore(tx).Prune(absl::Hours(1));
  v1::ListArticleChangesResponse response;
  const grpc::Status status = Call(old_token, 0, category, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ErrorReason(status), "SYNC_TOKEN_EXPIRED");
}

TEST_F(ArticleSyncTest, ACategoryFilterDropsArticlesThatLeaveTheCategory) {
  const int64_t sport = NewCategory();
  const int64_t news = NewCategory();
  const std::vector<int64_t> sport_ids = InsertArticles(sport, 3);
  const std::vector<int64_t> news_ids = InsertArticles(news, 2);
  StampLog();
  AppCopy app;
  app.category_id = sport;
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  EXPECT_EQ(Titles(app), PublishedTitles(sport));

  ASSERT_TRUE(MoveToCategory(sport_ids[0], news).ok());
  ASSERT_TRUE(MoveToCategory(news_ids[0], sport).ok());
  ASSERT_TRUE(UpdateTitle(news_ids[1], "Tin của chuyên mục khác").ok());
  StampLog();
  ASSERT_TRUE(SyncUntilCaughtUp(app).ok());
  EXPECT_EQ(Titles(app), PublishedTitles(sport));
  EXPECT_EQ(app.removed[sport_ids[0]], Tombstone::NOT_IN_CATEGORY);
  EXPECT_EQ(app.articles.count(news_ids[0]), 1u);
  // The other category's change came as a tombstone of an id the app does not hold, never as
  // an upsert.
  EXPECT_EQ(app.articles.count(news_ids[1]), 0u);
}

TEST_F(ArticleSyncTest, ResponsesStayWithinPageSizeAndBytes) {
  const int64_t many = NewCategory();
  InsertArticles(many, 210);
  StampLog();
  v1::ListArticleChangesResponse response;
  ASSERT_TRUE(Call("", 0, many, &response).ok());
  EXPECT_EQ(response.changes_size(), ArticleSync::kDefaultPageSize);
  ASSERT_TRUE(Call("", 1000, many, &response).ok());
  EXPECT_EQ(response.changes_size(), ArticleSync::kMaxPageSize);
  AppCopy app;
  app.category_id = many;
  ASSERT_TRUE(SyncUntilCaughtUp(app, 1000).ok());
  EXPECT_EQ(app.articles.size(), 210u);

  // Deltas page too: 7 changed articles in pages of 3.
  int updated = 0;
  for (const auto& [id, article] : app.articles) {
    if (updated++ == 7) break;
    Exec(absl::StrCat("UPDATE articles SET title = 'Sửa ", id, "' WHERE id = ", id));
  }
  StampLog();
  ASSERT_TRUE(SyncUntilCaughtUp(app, 3).ok());
  ASSERT_EQ(app.responses.size(), 3u);
  EXPECT_EQ(app.responses[0].changes_size(), 3);
  EXPECT_EQ(app.responses[2].changes_size(), 1);
  EXPECT_EQ(Titles(app), PublishedTitles(many));

  // Four articles of about 600 KB each (a 300 KB paragraph, in body_paragraphs and blocks): a
  // response stops before 1 MiB, so each brings one, full sync and delta alike.
  const int64_t big = NewCategory();
  const std::vector<int64_t> big_ids = InsertArticles(big, 4);
  Exec(absl::StrCat("UPDATE articles SET body_paragraphs = ARRAY[repeat('x', 300000)]"
                    " WHERE category_id = ",
                    big));
  StampLog();
  AppCopy big_app;
  big_app.category_id = big;
  ASSERT_TRUE(SyncUntilCaughtUp(big_app, 10).ok());
  EXPECT_EQ(big_app.articles.size(), 4u);
  EXPECT_EQ(big_app.responses.size(), 4u);
  for (const auto& page : big_app.responses) {
    EXPECT_LE(page.ByteSizeLong(), ArticleSync::kMaxResponseBytes);
    EXPECT_EQ(page.changes_size(), 1);
  }
  Exec(absl::StrCat("UPDATE articles SET body_paragraphs = ARRAY[repeat('y', 300000)]"
                    " WHERE category_id = ",
                    big));
  StampLog();
  ASSERT_TRUE(SyncUntilCaughtUp(big_app, 10).ok());
  EXPECT_EQ(big_app.responses.size(), 4u);
  for (const auto& page : big_app.responses) {
    EXPECT_LE(page.ByteSizeLong(), ArticleSync::kMaxResponseBytes);
  }
  for (const auto& [id, article] : big_app.articles) {
    EXPECT_EQ(article.body_paragraphs(0)[0], 'y');
  }
}

// Several editors publish, update and retract while an app syncs over and over (and once starts
// again from scratch in the middle); once they stop and the app syncs a last time, its copy is
// the database's published set, title for title.
TEST_F(ArticleSyncTest, AnAppSyncingDuringConcurrentWritesEndsEqualToTheDatabase) {
  const int64_t category = NewCategory();
  InsertArticles(category, 20);
  StampLog();
  constexpr int kWriters = 4;
  const absl::Duration kWriting = absl::Seconds(2);
  std::atomic<bool> writing{true};
  std::atomic<int> writes{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 random(w);
      std::vector<int64_t> published;
      std::vector<int64_t> retracted;
      int n = 0;
      while (writing) {
        const int action = static_cast<int>(random() % 4);
        grpc::Status status;
        if (action == 0 || published.empty()) {
          int64_t id = 0;
          status = CreatePublished(absl::StrCat("Biên tập ", w, " bài ", ++n), category, &id);
          if (status.ok()) published.push_back(id);
        } else if (action == 1) {
          status = UpdateTitle(published[random() % published.size()],
                               absl::StrCat("Biên tập ", w, " sửa ", ++n));
        } else if (action == 2) {
          const size_t at = random() % published.size();
          status = Retract(published[at]);
          if (status.ok()) {
            retracted.push_back(published[at]);
            published.erase(published.begin() + static_cast<long>(at));
          }
        } else if (!retracted.empty()) {
          status = Publish(retracted.back());
          if (status.ok()) {
            published.push_back(retracted.back());
            retracted.pop_back();
          }
        }
        // Writes on different articles never conflict (docs/newsroom.md, "Concurrency").
        if (!status.ok()) {
          ADD_FAILURE() << "action " << action << ": " << status.error_code() << " "
                        << status.error_message();
        }
        ++writes;
      }
    });
  }

  AppCopy app;
  std::atomic<int> failed_syncs{0};
  int syncs = 0;
  std::thread reader([&] {
    while (writing) {
      if (!SyncUntilCaughtUp(app, 5).ok()) ++failed_syncs;
      // Once, a full sync again while the writers write.
      if (++syncs == 5) app.sync_token.clear();
    }
  });
  absl::SleepFor(kWriting);
  writing = false;
  for (auto& writer : writers) writer.join();
  reader.join();

  EXPECT_EQ(failed_syncs, 0);
  EXPECT_GT(writes, 10);
  EXPECT_GT(syncs, 5);
  // Every write has returned, so it committed or rolled back; stamped, the log holds them all.
  StampLog();
  ASSERT_TRUE(SyncUntilCaughtUp(app, 5).ok());
  EXPECT_EQ(Titles(app), PublishedTitles());
}

}  // namespace
}  // namespace news
