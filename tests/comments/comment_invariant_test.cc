// The comment board's reader invariant (docs/comments.md, "What readers see"), checked after
// every step of a seeded random sequence of reader and moderator actions against the real
// server under pre-moderation: Article.comment_count equals the number of approved comments
// ListComments shows over all its pages; the listing is exactly the approved comments plus a
// tombstone for each removed top-level comment with approved replies; hidden comments refuse
// likes and replies (NOT_FOUND); banned clients are refused every write (PERMISSION_DENIED).
// The actions include reader reports (hiding at the threshold), authors' edits and withdrawals,
// featuring, and removing all comments of a client.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "news/v1/article.grpc.pb.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::AdminContext;
using testing::ClientContext;

constexpr int kClients = 5;
constexpr int kArticles = 2;
constexpr int kSteps = 400;
constexpr int kPageSize = 4;

// What the test expects the board to hold.
struct ModelComment {
  int64_t id = 0;
  int64_t article_id = 0;
  int64_t thread_id = 0;  // 0 for a top-level comment; else its top-level comment
  v1::CommentState state = v1::COMMENT_STATE_PENDING;
  std::set<std::string> likers;
  std::string author;  // the client that posted it
  std::string edit_token;
  std::set<std::string> reporters;
  // A moderator approved it after reports: reports no longer hide it.
  bool reports_overruled = false;
  bool featured = false;
};

// The server's default --comment_report_threshold.
constexpr int kReportThreshold = 3;

class CommentInvariantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.comment_rules.moderation = CommentModeration::kPre;
    options.comment_rules.flood_limit = 1000000;
    server_ = testing::TestServer::Start("comment_invariant_test", options);
    ASSERT_NE(server_, nullptr);
    comments_ = v1::CommentService::NewStub(server_->channel);
    moderation_ = v1::ModerationService::NewStub(server_->channel);
    articles_ = v1::ArticleService::NewStub(server_->channel);
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    absl::StatusOr<IssuedToken> issued =
        IssueToken(tx, AdminRole::kModerator, "Kiểm thử bất biến", "newsctl:test");
    ASSERT_TRUE(issued.ok()) << issued.status();
    tx.commit();
    token_ = issued->token;
    for (int a = 0; a < kArticles; ++a) {
      article_ids_.push_back(
          testing::InsertArticle(server_->database_url, absl::StrCat("Bài bình luận ", a)));
    }
  }

  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  std::string RandomClient() { return absl::StrCat("reader-", Below(kClients)); }
  bool Banned(const std::string& client) { return banned_.count("id:" + client) > 0; }

  ModelComment* RandomComment() {
    if (order_.empty()) return nullptr;
    return &model_.at(order_[Below(order_.size())]);
  }

  grpc::Status Create(const std::string& client, int64_t article_id, int64_t parent_id,
                      v1::Comment* created) {
    v1::CreateCommentRequest request;
    request.set_article_id(article_id);
    request.set_parent_id(parent_id);
    request.set_author_name(absl::StrCat("Độc giả ", client));
    request.set_body(absl::StrCat("Ý kiến số ", ++serial_, " về bài này"));
    request.set_request_id(absl::StrCat("invariant-", serial_));
    return comments_->CreateComment(ClientContext(client).get(), request, created);
  }

  grpc::Status SetLike(const std::string& client, int64_t id, bool like, v1::Comment* comment) {
    if (like) {
      v1::LikeCommentRequest request;
      request.set_comment_id(id);
      return comments_->LikeComment(ClientContext(client).get(), request, comment);
    }
    v1::UnlikeCommentRequest request;
    request.set_comment_id(id);
    return comments_->UnlikeComment(ClientContext(client).get(), request, comment);
  }

  void StepCreate(bool reply) {
    const std::string client = RandomClient();
    const ModelComment* parent = reply ? RandomComment() : nullptr;
    if (reply && parent == nullptr) return;
    const int64_t article_id = parent ? parent->article_id : article_ids_[Below(kArticles)];
    SCOPED_TRACE(absl::StrCat("create by ", client, " under ", parent ? parent->id : 0));
    v1::Comment created;
    const grpc::Status status = Create(client, article_id, parent ? parent->id : 0, &created);
    if (Banned(client)) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      ASSERT_EQ(testing::ErrorReason(status), "CLIENT_BANNED");
      return;
    }
    if (parent != nullptr && parent->state != v1::COMMENT_STATE_APPROVED) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
      return;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(created.state(), v1::COMMENT_STATE_PENDING);
    const int64_t thread_id = parent ? (parent->thread_id ? parent->thread_id : parent->id) : 0;
    ASSERT_EQ(created.parent_id(), thread_id);
    ModelComment& added = model_[created.id()];
    added = ModelComment{created.id(), article_id, thread_id, v1::COMMENT_STATE_PENDING, {}};
    added.author = client;
    added.edit_token = created.edit_token();
    order_.push_back(created.id());
  }

  void StepModerate() {
    ModelComment* target = RandomComment();
    if (target == nullptr) return;
    // Pending comments are mostly approved, so that threads grow; the rest is any action.
    static constexpr v1::ModerationAction kActions[] = {
        v1::MODERATION_ACTION_APPROVE, v1::MODERATION_ACTION_REJECT,
        v1::MODERATION_ACTION_MARK_SPAM, v1::MODERATION_ACTION_DELETE};
    static constexpr v1::CommentState kTargets[] = {
        v1::COMMENT_STATE_APPROVED, v1::COMMENT_STATE_REJECTED, v1::COMMENT_STATE_SPAM,
        v1::COMMENT_STATE_DELETED};
    int action = Below(4);
    if (target->state == v1::COMMENT_STATE_PENDING && Below(10) < 7) action = 0;
    if (target->state != v1::COMMENT_STATE_APPROVED && Below(10) < 3) action = 0;
    // Now and then the moderator saw a stale state.
    const bool stale = Below(10) == 0;
    const v1::CommentState expected =
        stale ? kTargets[(action + 1 + Below(3)) % 4] : target->state;
    SCOPED_TRACE(absl::StrCat("moderate ", target->id, " ",
                              v1::ModerationAction_Name(kActions[action]), " expecting ",
                              v1::CommentState_Name(expected), ", is ",
                              v1::CommentState_Name(target->state)));
    v1::ModerateCommentsRequest request;
    request.add_comment_ids(target->id);
    request.set_action(kActions[action]);
    request.set_expected_state(expected);
    v1::ModerateCommentsResponse response;
    const grpc::Status status =
        moderation_->ModerateComments(AdminContext(token_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results_size(), 1);
    const v1::ModerationResult& result = response.results(0);
    const v1::CommentState to = kTargets[action];
    if (target->state == to) {
      ASSERT_EQ(result.status().code(), 0);
      ASSERT_FALSE(result.changed());
    } else if (target->state != expected) {
      ASSERT_EQ(result.status().code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
      ASSERT_FALSE(result.changed());
    } else {
      ASSERT_EQ(result.status().code(), 0) << result.status().message();
      ASSERT_TRUE(result.changed());
      target->state = to;
      states_reached_.insert(to);
      if (to == v1::COMMENT_STATE_APPROVED && !target->reporters.empty()) {
        target->reports_overruled = true;
      }
    }
    ASSERT_EQ(result.state(), target->state);
  }

  void StepBan() {
    const std::string client_id = "id:" + RandomClient();
    SCOPED_TRACE(absl::StrCat("ban or lift ", client_id));
    if (banned_.count(client_id)) {
      v1::LiftBanRequest lift;
      lift.set_client_id(client_id);
      v1::LiftBanResponse lifted;
      ASSERT_TRUE(moderation_->LiftBan(AdminContext(token_).get(), lift, &lifted).ok());
      banned_.erase(client_id);
    } else {
      v1::BanClientRequest ban;
      ban.set_client_id(client_id);
      v1::Ban made;
      ASSERT_TRUE(moderation_->BanClient(AdminContext(token_).get(), ban, &made).ok());
      banned_.insert(client_id);
    }
  }

  void StepLike() {
    ModelComment* target = RandomComment();
    if (target == nullptr) return;
    const std::string client = RandomClient();
    const bool like = Below(3) != 0;
    SCOPED_TRACE(absl::StrCat(like ? "like " : "unlike ", target->id, " by ", client));
    v1::Comment comment;
    const grpc::Status status = SetLike(client, target->id, like, &comment);
    if (Banned(client)) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      ASSERT_EQ(testing::ErrorReason(status), "CLIENT_BANNED");
      return;
    }
    if (target->state != v1::COMMENT_STATE_APPROVED) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
      return;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (like) {
      target->likers.insert(client);
    } else {
      target->likers.erase(client);
    }
    ASSERT_EQ(comment.like_count(), static_cast<int64_t>(target->likers.size()));
  }

  void StepReport() {
    // Mostly the most reported readable comment, so that reports reach the threshold now and
    // then.
    ModelComment* most_reported = nullptr;
    for (auto& [id, comment] : model_) {
      if (comment.state == v1::COMMENT_STATE_APPROVED &&
          (most_reported == nullptr ||
           comment.reporters.size() > most_reported->reporters.size())) {
        most_reported = &comment;
      }
    }
    ModelComment* target =
        most_reported != nullptr && Below(10) < 7 ? most_reported : RandomComment();
    if (target == nullptr) return;
    const std::string client = RandomClient();
    SCOPED_TRACE(absl::StrCat("report ", target->id, " by ", client));
    v1::ReportCommentRequest request;
    request.set_comment_id(target->id);
    request.set_reason(v1::REPORT_REASON_ABUSE);
    v1::ReportCommentResponse response;
    const grpc::Status status =
        comments_->ReportComment(ClientContext(client).get(), request, &response);
    if (Banned(client)) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      return;
    }
    if (target->state != v1::COMMENT_STATE_APPROVED) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
      return;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    const bool recorded = target->reporters.insert(client).second;
    ASSERT_EQ(response.recorded(), recorded);
    if (recorded && target->reporters.size() >= kReportThreshold && !target->reports_overruled) {
      target->state = v1::COMMENT_STATE_PENDING;
      ++hidden_by_reports_;
    }
  }

  void StepEdit() {
    ModelComment* target = RandomComment();
    if (target == nullptr) return;
    SCOPED_TRACE(absl::StrCat("edit ", target->id));
    v1::UpdateCommentRequest request;
    request.set_comment_id(target->id);
    request.set_body(absl::StrCat("Ý kiến đã sửa lần ", ++serial_));
    request.set_edit_token(target->edit_token);
    v1::Comment updated;
    const grpc::Status status =
        comments_->UpdateComment(ClientContext(target->author).get(), request, &updated);
    if (Banned(target->author)) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      return;
    }
    if (target->state != v1::COMMENT_STATE_APPROVED && target->state != v1::COMMENT_STATE_PENDING) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
      return;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Pre-moderation holds an edited text.
    target->state = v1::COMMENT_STATE_PENDING;
    target->reports_overruled = false;
    ASSERT_EQ(updated.state(), target->state);
  }

  void StepWithdraw() {
    ModelComment* target = RandomComment();
    if (target == nullptr) return;
    SCOPED_TRACE(absl::StrCat("withdraw ", target->id));
    v1::DeleteCommentRequest request;
    request.set_comment_id(target->id);
    request.set_edit_token(target->edit_token);
    google::protobuf::Empty response;
    const grpc::Status status =
        comments_->DeleteComment(ClientContext(target->author).get(), request, &response);
    if (Banned(target->author)) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      return;
    }
    if (target->state == v1::COMMENT_STATE_REJECTED || target->state == v1::COMMENT_STATE_SPAM) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
      return;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    target->state = v1::COMMENT_STATE_DELETED;
  }

  void StepFeature() {
    ModelComment* target = RandomComment();
    if (target == nullptr) return;
    const bool featured = Below(3) != 0;
    SCOPED_TRACE(absl::StrCat(featured ? "feature " : "unfeature ", target->id));
    v1::SetCommentFeaturedRequest request;
    request.set_comment_id(target->id);
    request.set_featured(featured);
    v1::Comment comment;
    const grpc::Status status =
        moderation_->SetCommentFeatured(AdminContext(token_).get(), request, &comment);
    if (featured && target->state != v1::COMMENT_STATE_APPROVED) {
      ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
      return;
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    target->featured = featured;
    ASSERT_EQ(comment.featured(), featured);
  }

  void StepRemoveAll() {
    const std::string client = RandomClient();
    SCOPED_TRACE(absl::StrCat("remove all of ", client));
    v1::RemoveClientCommentsRequest request;
    request.set_client_id("id:" + client);
    request.set_action(Below(2) ? v1::MODERATION_ACTION_DELETE : v1::MODERATION_ACTION_MARK_SPAM);
    v1::RemoveClientCommentsResponse response;
    ASSERT_TRUE(
        moderation_->RemoveClientComments(AdminContext(token_).get(), request, &response).ok());
    banned_.insert("id:" + client);
    const v1::CommentState to = request.action() == v1::MODERATION_ACTION_DELETE
                                    ? v1::COMMENT_STATE_DELETED
                                    : v1::COMMENT_STATE_SPAM;
    std::vector<int64_t> expected;
    for (auto& [id, comment] : model_) {
      if (comment.author == client && (comment.state == v1::COMMENT_STATE_PENDING ||
                                       comment.state == v1::COMMENT_STATE_APPROVED)) {
        expected.push_back(id);
        comment.state = to;
      }
    }
    std::vector<int64_t> removed;
    for (const auto& result : response.results()) {
      ASSERT_TRUE(result.changed()) << result.status().message();
      removed.push_back(result.comment_id());
    }
    std::sort(removed.begin(), removed.end());
    ASSERT_EQ(removed, expected);
    ASSERT_EQ(response.removed_count(), static_cast<int64_t>(expected.size()));
  }

  // The invariant, for one article.
  void CheckArticle(int64_t article_id) {
    SCOPED_TRACE(absl::StrCat("article ", article_id));
    v1::GetArticleRequest get;
    get.set_id(article_id);
    v1::Article article;
    ASSERT_TRUE(articles_->GetArticle(testing::ContextWithDeadline().get(), get, &article).ok());

    std::set<int64_t> shown;
    std::set<int64_t> tombstones;
    v1::ListCommentsRequest list;
    list.set_article_id(article_id);
    list.set_page_size(kPageSize);
    do {
      v1::ListCommentsResponse page;
      const grpc::Status status =
          comments_->ListComments(ClientContext("observer").get(), list, &page);
      ASSERT_TRUE(status.ok()) << status.error_message();
      for (const v1::Comment& top : page.comments()) {
        if (top.state() == v1::COMMENT_STATE_APPROVED) {
          ASSERT_TRUE(shown.insert(top.id()).second) << "listed twice: " << top.id();
          ASSERT_EQ(top.like_count(), static_cast<int64_t>(model_.at(top.id()).likers.size()));
          ASSERT_EQ(top.featured(), model_.at(top.id()).featured);
        } else {
          ASSERT_EQ(top.state(), v1::COMMENT_STATE_DELETED);
          ASSERT_TRUE(top.body().empty());
          ASSERT_TRUE(top.author_name().empty());
          ASSERT_FALSE(top.featured());
          ASSERT_GT(top.replies_size(), 0) << "empty tombstone " << top.id();
          tombstones.insert(top.id());
        }
        for (const v1::Comment& reply : top.replies()) {
          ASSERT_EQ(reply.state(), v1::COMMENT_STATE_APPROVED);
          ASSERT_EQ(reply.parent_id(), top.id());
          ASSERT_TRUE(shown.insert(reply.id()).second) << "listed twice: " << reply.id();
        }
      }
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());

    ASSERT_EQ(article.comment_count(), static_cast<int64_t>(shown.size()));

    std::set<int64_t> approved;
    std::set<int64_t> expected_tombstones;
    for (const auto& [id, comment] : model_) {
      if (comment.article_id != article_id || comment.state != v1::COMMENT_STATE_APPROVED) {
        continue;
      }
      approved.insert(id);
      if (comment.thread_id != 0 &&
          model_.at(comment.thread_id).state != v1::COMMENT_STATE_APPROVED) {
        expected_tombstones.insert(comment.thread_id);
      }
    }
    ASSERT_EQ(shown, approved);
    ASSERT_EQ(tombstones, expected_tombstones);
    tombstones_seen_ += tombstones.size();

    // Featured first lists the same threads, the featured ones before the rest.
    std::set<int64_t> tops_featured_first;
    bool past_featured = false;
    list.set_featured_first(true);
    do {
      v1::ListCommentsResponse page;
      const grpc::Status status =
          comments_->ListComments(ClientContext("observer").get(), list, &page);
      ASSERT_TRUE(status.ok()) << status.error_message();
      for (const v1::Comment& top : page.comments()) {
        ASSERT_TRUE(tops_featured_first.insert(top.id()).second);
        if (!top.featured()) past_featured = true;
        ASSERT_FALSE(past_featured && top.featured()) << "featured after others: " << top.id();
      }
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
    std::set<int64_t> tops;
    for (int64_t id : shown) {
      if (model_.at(id).thread_id == 0) tops.insert(id);
    }
    tops.insert(tombstones.begin(), tombstones.end());
    ASSERT_EQ(tops_featured_first, tops);
  }

  // A hidden comment, if any, refuses a like and a reply from a client that is not banned.
  void CheckHiddenRefuses() {
    std::vector<const ModelComment*> hidden;
    for (const auto& [id, comment] : model_) {
      if (comment.state != v1::COMMENT_STATE_APPROVED) hidden.push_back(&comment);
    }
    if (hidden.empty()) return;
    const ModelComment& target = *hidden[Below(hidden.size())];
    SCOPED_TRACE(absl::StrCat("hidden ", target.id, " ", v1::CommentState_Name(target.state)));
    const std::string client = "outsider";  // never banned
    v1::Comment ignored;
    ASSERT_EQ(SetLike(client, target.id, true, &ignored).error_code(),
              grpc::StatusCode::NOT_FOUND);
    ASSERT_EQ(Create(client, target.article_id, target.id, &ignored).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::CommentService::Stub> comments_;
  std::unique_ptr<v1::ModerationService::Stub> moderation_;
  std::unique_ptr<v1::ArticleService::Stub> articles_;
  std::string token_;
  std::vector<int64_t> article_ids_;
  std::mt19937 random_{20261130};
  int serial_ = 0;
  std::map<int64_t, ModelComment> model_;
  std::vector<int64_t> order_;
  std::set<std::string> banned_;
  std::set<v1::CommentState> states_reached_;
  int64_t tombstones_seen_ = 0;
  int hidden_by_reports_ = 0;
};

TEST_F(CommentInvariantTest, RandomActionsKeepCountsEqualToWhatReadersSee) {
  for (int step = 0; step < kSteps; ++step) {
    SCOPED_TRACE(absl::StrCat("step ", step));
    const int roll = Below(100);
    if (roll < 20) {
      ASSERT_NO_FATAL_FAILURE(StepCreate(false));
    } else if (roll < 38) {
      ASSERT_NO_FATAL_FAILURE(StepCreate(true));
    } else if (roll < 65) {
      ASSERT_NO_FATAL_FAILURE(StepModerate());
    } else if (roll < 69) {
      ASSERT_NO_FATAL_FAILURE(StepBan());
    } else if (roll < 79) {
      ASSERT_NO_FATAL_FAILURE(StepLike());
    } else if (roll < 88) {
      ASSERT_NO_FATAL_FAILURE(StepReport());
    } else if (roll < 92) {
      ASSERT_NO_FATAL_FAILURE(StepEdit());
    } else if (roll < 95) {
      ASSERT_NO_FATAL_FAILURE(StepWithdraw());
    } else if (roll < 99) {
      ASSERT_NO_FATAL_FAILURE(StepFeature());
    } else {
      ASSERT_NO_FATAL_FAILURE(StepRemoveAll());
    }
    for (int64_t article_id : article_ids_) ASSERT_NO_FATAL_FAILURE(CheckArticle(article_id));
    ASSERT_NO_FATAL_FAILURE(CheckHiddenRefuses());
  }
  // The sequence went through what the invariant is about: every moderation action, and
  // threads whose top-level comment was removed.
  EXPECT_EQ(states_reached_.size(), 4u);
  EXPECT_GT(tombstones_seen_, 0);
  EXPECT_GT(hidden_by_reports_, 0);
}

}  // namespace
}  // namespace news
