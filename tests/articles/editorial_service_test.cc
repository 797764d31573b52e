// EditorialService end to end (docs/newsroom.md): roles, validation, idempotent create, etags,
// every lifecycle transition allowed and refused, and what readers see after each.

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/editorial.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/error_details.h"
#include "tests/support/reader_view.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;
using testing::AdminContext;

class EditorialServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    // Views reach most-viewed lists quickly.
    options.view_flush_interval = absl::Milliseconds(100);
    server_ = testing::TestServer::Start("editorial_service_test", options).release();
    ASSERT_NE(server_, nullptr);
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    category_id_ = storage::CategoryStore(tx).Ensure("thoi-su", "Thời sự");
    other_category_id_ = storage::CategoryStore(tx).Ensure("the-thao", "Thể thao");
    editor_token_ = IssueToken(tx, AdminRole::kEditor, "Biên tập Hòa", "test")->token;
    admin_token_ = IssueToken(tx, AdminRole::kAdmin, "Tổng biên tập", "test")->token;
    moderator_token_ = IssueToken(tx, AdminRole::kModerator, "Kiểm duyệt", "test")->token;
    tx.commit();
    stub_ = v1::EditorialService::NewStub(server_->channel).release();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete server_;
  }

  static v1::EditorialArticle Draft(const std::string& title) {
    v1::EditorialArticle article;
    article.set_title(title);
    article.set_summary(absl::StrCat("Tóm tắt: ", title));
    article.set_author("Minh Anh");
    article.set_category_id(category_id_);
    article.add_tags("thoi-su");
    article.mutable_cover_image()->set_url("https://anh.example.vn/bia.jpg");
    article.mutable_cover_image()->set_caption("Quang cảnh buổi lễ");
    article.mutable_cover_image()->set_credit("Ảnh: Minh Anh");
    article.add_blocks()->mutable_paragraph()->set_text(
        absl::StrCat(title, ". Đây là đoạn mở đầu của bài viết."));
    article.add_blocks()->mutable_heading()->set_text("Diễn biến chính");
    auto* image = article.add_blocks()->mutable_image();
    image->set_url("https://anh.example.vn/1.jpg");
    image->set_caption("Người dân tham gia");
    auto* quote = article.add_blocks()->mutable_quote();
    quote->set_text("Chúng tôi rất vui mừng.");
    quote->set_attribution("Ông Nguyễn Văn A");
    auto* link = article.add_blocks()->mutable_link();
    link->set_url("https://baochinhphu.vn/");
    link->set_title("Báo Chính phủ");
    return article;
  }

  static grpc::Status Create(const v1::EditorialArticle& article, const std::string& request_id,
                             v1::EditorialArticle* created,
                             const std::string& token = editor_token_) {
    v1::CreateArticleRequest request;
    *request.mutable_article() = article;
    request.set_request_id(request_id);
    return stub_->CreateArticle(AdminContext(token).get(), request, created);
  }

  static v1::EditorialArticle CreateOk(const std::string& title) {
    static int counter = 0;
    v1::EditorialArticle created;
    const grpc::Status status = Create(Draft(title), absl::StrCat("req-", ++counter), &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  static grpc::Status Publish(int64_t id, v1::EditorialArticle* out,
                              std::optional<absl::Time> at = std::nullopt) {
    v1::PublishArticleRequest request;
    request.set_id(id);
    if (at) {
      *request.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(*at));
    }
    return stub_->PublishArticle(AdminContext(editor_token_).get(), request, out);
  }

  static grpc::Status Unpublish(int64_t id, v1::EditorialArticle* out,
                                const std::string& reason = "Sai thông tin") {
    v1::UnpublishArticleRequest request;
    request.set_id(id);
    request.set_reason(reason);
    return stub_->UnpublishArticle(AdminContext(editor_token_).get(), request, out);
  }

  static grpc::Status Delete(int64_t id, v1::EditorialArticle* out) {
    v1::DeleteArticleRequest request;
    request.set_id(id);
    return stub_->DeleteArticle(AdminContext(editor_token_).get(), request, out);
  }

  static grpc::Status UpdateTitle(int64_t id, const std::string& title, const std::string& etag,
                                  v1::EditorialArticle* out) {
    v1::UpdateArticleRequest request;
    request.mutable_article()->set_id(id);
    request.mutable_article()->set_title(title);
    request.mutable_article()->set_etag(etag);
    request.mutable_update_mask()->add_paths("title");
    return stub_->UpdateArticle(AdminContext(editor_token_).get(), request, out);
  }

  static v1::EditorialArticle Get(int64_t id) {
    v1::GetEditorialArticleRequest request;
    request.set_id(id);
    v1::EditorialArticle article;
    EXPECT_TRUE(stub_->GetArticle(AdminContext(editor_token_).get(), request, &article).ok());
    return article;
  }

  // A scheduled article gets a publish time an hour ahead, so that the scheduler leaves it.
  static void SetStatus(int64_t id, const std::string& status) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction(db).exec_params(
        "UPDATE articles SET status = $2::article_status, publish_time = CASE WHEN $2 ="
        " 'scheduled' THEN now() + interval '1 hour' ELSE publish_time END WHERE id = $1",
        id, status);
  }

  static std::vector<std::string> ChangeKinds(int64_t article_id) {
    pqxx::connection db(server_->database_url);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      pqxx::nontransaction tx(db);
      if (tx.exec("SELECT count(*) FROM change_log WHERE position IS NULL")[0][0].as<int64_t>() ==
          0) {
        std::vector<std::string> kinds;
        for (const auto& row : tx.exec_params(
                 "SELECT kind FROM change_log WHERE article_id = $1 AND comment_id IS NULL"
                 " ORDER BY position",
                 article_id)) {
          kinds.push_back(row[0].as<std::string>());
        }
        return kinds;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "change log not stamped";
    return {};
  }

  static testing::TestServer* server_;
  static v1::EditorialService::Stub* stub_;
  static int64_t category_id_;
  static int64_t other_category_id_;
  static std::string editor_token_;
  static std::string admin_token_;
  static std::string moderator_token_;
};

testing::TestServer* EditorialServiceTest::server_ = nullptr;
v1::EditorialService::Stub* EditorialServiceTest::stub_ = nullptr;
int64_t EditorialServiceTest::category_id_ = 0;
int64_t EditorialServiceTest::other_category_id_ = 0;
std::string EditorialServiceTest::editor_token_;
std::string EditorialServiceTest::admin_token_;
std::string EditorialServiceTest::moderator_token_;

TEST_F(EditorialServiceTest, EditorsAndAdminsMayModeratorsAndStrangersMayNot) {
  v1::EditorialArticle created;
  EXPECT_EQ(Create(Draft("Không có quyền"), "roles-1", &created, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Create(Draft("Không có quyền"), "roles-1", &created, "nmt_forged").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const grpc::Status moderator =
      Create(Draft("Không có quyền"), "roles-1", &created, moderator_token_);
  EXPECT_EQ(moderator.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(testing::ErrorReason(moderator), "EDITOR_ROLE_REQUIRED");
  EXPECT_TRUE(Create(Draft("Quản trị viết bài"), "roles-2", &created, admin_token_).ok());
  EXPECT_TRUE(Create(Draft("Biên tập viết bài"), "roles-3", &created, editor_token_).ok());

  // Editors get no moderation rights.
  auto moderation = v1::ModerationService::NewStub(server_->channel);
  v1::ListModerationQueueRequest queue_request;
  v1::ListModerationQueueResponse queue;
  const grpc::Status editor_moderating =
      moderation->ListModerationQueue(AdminContext(editor_token_).get(), queue_request, &queue);
  EXPECT_EQ(editor_moderating.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(testing::ErrorReason(editor_moderating), "MODERATOR_ROLE_REQUIRED");

  // Every call is audited under the token's name.
  v1::ListModerationEventsRequest events_request;
  events_request.set_action("ARTICLE_CREATE");
  v1::ListModerationEventsResponse events;
  ASSERT_TRUE(
      moderation->ListModerationEvents(AdminContext(admin_token_).get(), events_request, &events)
          .ok());
  ASSERT_GE(events.events_size(), 2);
  EXPECT_EQ(events.events(0).actor(), "Biên tập Hòa");
  EXPECT_EQ(events.events(0).article_id(), created.id());
  EXPECT_EQ(events.events(1).actor(), "Tổng biên tập");
}

TEST_F(EditorialServiceTest, CreateMakesAnInvisibleDraftWithAFoldedUniqueSlug) {
  const v1::EditorialArticle first = CreateOk("Đà Nẵng khánh thành cầu Rồng mới");
  EXPECT_EQ(first.status(), v1::ARTICLE_STATUS_DRAFT);
  EXPECT_EQ(first.slug(), "da-nang-khanh-thanh-cau-rong-moi");
  EXPECT_FALSE(first.etag().empty());
  EXPECT_EQ(first.blocks_size(), 5);
  EXPECT_EQ(first.blocks(2).image().caption(), "Người dân tham gia");
  EXPECT_EQ(first.cover_image().credit(), "Ảnh: Minh Anh");
  const v1::EditorialArticle second = CreateOk("Đà Nẵng khánh thành cầu Rồng mới");
  EXPECT_EQ(second.slug(), "da-nang-khanh-thanh-cau-rong-moi-2");
  const v1::EditorialArticle third = CreateOk("Đà Nẵng khánh thành cầu Rồng mới");
  EXPECT_EQ(third.slug(), "da-nang-khanh-thanh-cau-rong-moi-3");

  const testing::ReaderView view =
      testing::ObserveArticle(server_->channel, first.id(), first.slug(), "cau rong");
  EXPECT_EQ(view.get_by_id, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(view.InNoList());

  // A given slug that is taken.
  v1::EditorialArticle taken = Draft("Tiêu đề khác");
  taken.set_slug(first.slug());
  v1::EditorialArticle out;
  EXPECT_EQ(Create(taken, "taken-slug", &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(EditorialServiceTest, CreateIsIdempotentPerRequestId) {
  v1::EditorialArticle first;
  v1::EditorialArticle again;
  ASSERT_TRUE(Create(Draft("Bài gửi hai lần"), "same-request", &first).ok());
  ASSERT_TRUE(Create(Draft("Bài gửi hai lần"), "same-request", &again).ok());
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(again.slug(), first.slug());
  // Another token's request ids are its own.
  v1::EditorialArticle other;
  ASSERT_TRUE(Create(Draft("Bài gửi hai lần"), "same-request", &other, admin_token_).ok());
  EXPECT_NE(other.id(), first.id());
}

TEST_F(EditorialServiceTest, InvalidFieldsAreNamed) {
  v1::EditorialArticle article = Draft("");
  article.set_category_id(999999);
  article.mutable_cover_image()->set_url("ftp://x");
  article.add_blocks();         // no kind
  article.add_tags("thoi-su");  // repeated
  v1::EditorialArticle out;
  const grpc::Status status = Create(article, "invalid-1", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status),
            (std::vector<std::string>{"article.title", "article.category_id", "article.tags[1]",
                                      "article.cover_image.url", "article.blocks[5]"}));

  EXPECT_EQ(Create(Draft(std::string(251, 'a')), "invalid-2", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // 250 code points of two bytes each are fine.
  std::string long_title;
  for (int i = 0; i < 250; ++i) long_title += "ă";
  EXPECT_TRUE(Create(Draft(long_title), "valid-250", &out).ok());
  EXPECT_EQ(Create(Draft("Thiếu mã yêu cầu"), "", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EditorialServiceTest, StaleEtagIsAbortedAndNoEtagIsNoCondition) {
  const v1::EditorialArticle created = CreateOk("Hai biên tập viên cùng sửa");
  v1::EditorialArticle first_edit;
  ASSERT_TRUE(UpdateTitle(created.id(), "Sửa lần một", created.etag(), &first_edit).ok());
  EXPECT_NE(first_edit.etag(), created.etag());
  EXPECT_EQ(first_edit.title(), "Sửa lần một");
  EXPECT_GT(TimeUtil::TimestampToMicroseconds(first_edit.update_time()),
            TimeUtil::TimestampToMicroseconds(created.update_time()));
  // The second editor still holds the first etag.
  v1::EditorialArticle second_edit;
  const grpc::Status stale = UpdateTitle(created.id(), "Sửa lần hai", created.etag(), &second_edit);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(testing::ErrorReason(stale), "ETAG_MISMATCH");
  EXPECT_EQ(Get(created.id()).title(), "Sửa lần một");
  EXPECT_TRUE(UpdateTitle(created.id(), "Sửa lần ba", "", &second_edit).ok());
  // Other fields were left alone (the mask named only the title).
  EXPECT_EQ(second_edit.summary(), created.summary());
  EXPECT_EQ(second_edit.blocks_size(), created.blocks_size());

  v1::PublishArticleRequest publish;
  publish.set_id(created.id());
  publish.set_etag(created.etag());
  v1::EditorialArticle out;
  EXPECT_EQ(stub_->PublishArticle(AdminContext(editor_token_).get(), publish, &out).error_code(),
            grpc::StatusCode::ABORTED);

  v1::UpdateArticleRequest bad_mask;
  bad_mask.mutable_article()->set_id(created.id());
  bad_mask.mutable_update_mask()->add_paths("view_count");
  EXPECT_EQ(stub_->UpdateArticle(AdminContext(editor_token_).get(), bad_mask, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Every state against every action: what CheckArticleAction allows succeeds, the rest is
// FAILED_PRECONDITION and changes nothing.
TEST_F(EditorialServiceTest, EveryTransitionAllowedAndRefused) {
  const std::vector<std::string> states = {"draft",   "scheduled", "published",
                                           "expired", "retracted", "deleted"};
  const std::map<std::string, std::vector<std::string>> allowed = {
      {"update", {"draft", "scheduled", "published", "expired", "retracted"}},
      {"publish", {"draft", "scheduled", "expired", "retracted"}},
      {"unpublish", {"scheduled", "published", "expired"}},
      {"delete", {"draft", "retracted"}},
  };
  const std::map<std::string, v1::ArticleStatus> statuses = {
      {"draft", v1::ARTICLE_STATUS_DRAFT},         {"scheduled", v1::ARTICLE_STATUS_SCHEDULED},
      {"published", v1::ARTICLE_STATUS_PUBLISHED}, {"expired", v1::ARTICLE_STATUS_ARCHIVED},
      {"retracted", v1::ARTICLE_STATUS_RETRACTED}, {"deleted", v1::ARTICLE_STATUS_DELETED}};
  const std::map<std::string, std::string> after = {
      {"publish", "published"}, {"unpublish", "retracted"}, {"delete", "deleted"}};
  for (const auto& [action, from_states] : allowed) {
    for (const std::string& state : states) {
      SCOPED_TRACE(action + " from " + state);
      const v1::EditorialArticle article = CreateOk(absl::StrCat("Chuyển trạng thái ", action));
      SetStatus(article.id(), state);
      v1::EditorialArticle out;
      grpc::Status status;
      if (action == "update") status = UpdateTitle(article.id(), "Tiêu đề mới", "", &out);
      if (action == "publish") status = Publish(article.id(), &out);
      if (action == "unpublish") status = Unpublish(article.id(), &out);
      if (action == "delete") status = Delete(article.id(), &out);
      const bool ok = std::find(from_states.begin(), from_states.end(), state) != from_states.end();
      if (ok) {
        ASSERT_TRUE(status.ok()) << status.error_message();
        const std::string expected = after.count(action) ? after.at(action) : state;
        EXPECT_EQ(Get(article.id()).status(), statuses.at(expected));
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
        EXPECT_EQ(testing::ErrorReason(status), "ARTICLE_STATE_CONFLICT");
        EXPECT_EQ(Get(article.id()).title(), article.title());
      }
    }
  }
  v1::EditorialArticle out;
  EXPECT_EQ(Unpublish(CreateOk("Không lý do").id(), &out, " ").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Publish(987654321, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(EditorialServiceTest, PublishedArticleReachesReadersAndRetractionTakesItOffEverywhere) {
  // Two articles on one story, so that each is in the other's related list and neighbours.
  const v1::EditorialArticle story = CreateOk("Lũ lớn ở miền Trung, hàng nghìn hộ dân sơ tán");
  const v1::EditorialArticle follow_up =
      CreateOk("Lũ lớn ở miền Trung: hàng nghìn hộ dân sơ tán trở về nhà");
  v1::EditorialArticle out;
  ASSERT_TRUE(Publish(story.id(), &out, absl::Now() - absl::Minutes(5)).ok());
  EXPECT_EQ(out.status(), v1::ARTICLE_STATUS_PUBLISHED);
  ASSERT_TRUE(Publish(follow_up.id(), &out).ok());

  auto articles = v1::ArticleService::NewStub(server_->channel);
  v1::GetArticleRequest get;
  get.set_id(story.id());
  v1::Article read;
  ASSERT_TRUE(articles->GetArticle(testing::ContextWithDeadline().get(), get, &read).ok());
  // Readers get the blocks, and the paragraphs for clients without blocks.
  ASSERT_EQ(read.blocks_size(), 5);
  EXPECT_EQ(read.blocks(4).link().url(), "https://baochinhphu.vn/");
  EXPECT_EQ(read.body_paragraphs_size(), 3);
  EXPECT_EQ(read.cover_image().credit(), "Ảnh: Minh Anh");
  // Views for most viewed (flushed every 100 ms).
  for (int i = 0; i < 3; ++i) {
    articles->GetArticle(testing::ContextWithDeadline().get(), get, &read);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));

  const testing::ReaderView seen =
      testing::ObserveArticle(server_->channel, story.id(), story.slug(), "lu lon mien trung");
  EXPECT_TRUE(seen.in_feed);
  EXPECT_TRUE(seen.in_search);
  EXPECT_TRUE(seen.in_related);
  EXPECT_TRUE(seen.in_most_viewed);
  EXPECT_TRUE(seen.is_neighbour);

  ASSERT_TRUE(Unpublish(story.id(), &out, "Số liệu chưa được kiểm chứng").ok());
  EXPECT_EQ(out.status(), v1::ARTICLE_STATUS_RETRACTED);
  EXPECT_EQ(out.retract_reason(), "Số liệu chưa được kiểm chứng");
  const testing::ReaderView gone =
      testing::ObserveArticle(server_->channel, story.id(), story.slug(), "lu lon mien trung");
  EXPECT_EQ(gone.get_by_id, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(gone.get_by_slug, grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(gone.InNoList());

  ASSERT_TRUE(Delete(story.id(), &out).ok());
  EXPECT_EQ(out.status(), v1::ARTICLE_STATUS_DELETED);
  EXPECT_EQ(
      ChangeKinds(story.id()),
      (std::vector<std::string>{"article.published", "article.retracted", "article.deleted"}));

  // An update of a published article is re-indexed: search finds the new title.
  v1::EditorialArticle updated;
  ASSERT_TRUE(
      UpdateTitle(follow_up.id(), "Nước rút, người dân miền Trung dọn dẹp nhà cửa", "", &updated)
          .ok());
  EXPECT_TRUE(
      testing::ObserveArticle(server_->channel, follow_up.id(), follow_up.slug(), "don dep nha cua")
          .in_search);
  EXPECT_EQ(ChangeKinds(follow_up.id()),
            (std::vector<std::string>{"article.published", "article.updated"}));
}

TEST_F(EditorialServiceTest, ScheduledThroughTheApiAppearsByItselfAndReschedulingMovesIt) {
  const v1::EditorialArticle article = CreateOk("Bài hẹn giờ đăng");
  v1::EditorialArticle out;
  ASSERT_TRUE(Publish(article.id(), &out, absl::Now() + absl::Hours(1)).ok());
  EXPECT_EQ(out.status(), v1::ARTICLE_STATUS_SCHEDULED);
  // Rescheduled to 2 s from now.
  v1::UpdateArticleRequest reschedule;
  reschedule.mutable_article()->set_id(article.id());
  *reschedule.mutable_article()->mutable_publish_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() + absl::Seconds(2)));
  reschedule.mutable_update_mask()->add_paths("publish_time");
  ASSERT_TRUE(stub_->UpdateArticle(AdminContext(editor_token_).get(), reschedule, &out).ok());
  EXPECT_EQ(out.status(), v1::ARTICLE_STATUS_SCHEDULED);
  EXPECT_EQ(
      testing::ObserveArticle(server_->channel, article.id(), article.slug(), "hen gio").get_by_id,
      grpc::StatusCode::NOT_FOUND);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline && Get(article.id()).status() != v1::ARTICLE_STATUS_PUBLISHED) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(Get(article.id()).status(), v1::ARTICLE_STATUS_PUBLISHED);
  EXPECT_TRUE(
      testing::ObserveArticle(server_->channel, article.id(), article.slug(), "hen gio").in_feed);
  EXPECT_EQ(ChangeKinds(article.id()), (std::vector<std::string>{"article.published"}));
}

TEST_F(EditorialServiceTest, ListArticlesSeesEveryStateAndFilters) {
  const v1::EditorialArticle draft = CreateOk("Danh sách: nháp");
  const v1::EditorialArticle retracted = CreateOk("Danh sách: rút");
  v1::EditorialArticle out;
  ASSERT_TRUE(Publish(retracted.id(), &out).ok());
  ASSERT_TRUE(Unpublish(retracted.id(), &out).ok());

  v1::ListEditorialArticlesRequest request;
  request.set_status(v1::ARTICLE_STATUS_RETRACTED);
  request.set_page_size(1);
  std::vector<int64_t> ids;
  do {
    v1::ListEditorialArticlesResponse page;
    ASSERT_TRUE(stub_->ListArticles(AdminContext(editor_token_).get(), request, &page).ok());
    for (const auto& article : page.articles()) {
      EXPECT_EQ(article.status(), v1::ARTICLE_STATUS_RETRACTED);
      ids.push_back(article.id());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_NE(std::find(ids.begin(), ids.end(), retracted.id()), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), draft.id()), ids.end());

  v1::ListEditorialArticlesRequest all;
  all.set_page_size(100);
  v1::ListEditorialArticlesResponse page;
  ASSERT_TRUE(stub_->ListArticles(AdminContext(editor_token_).get(), all, &page).ok());
  ASSERT_GE(page.articles_size(), 2);
  EXPECT_EQ(page.articles(0).id(), retracted.id());
  EXPECT_EQ(page.articles(1).id(), draft.id());
}

}  // namespace
}  // namespace news
