// The change log (docs/newsroom.md): every change readers can see is logged in its own
// transaction, and positions grow in commit order, so a follower misses nothing.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/newsroom/newsroom_store.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

class ChangeLogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.comment_rules.moderation = CommentModeration::kPost;
    server_ = testing::TestServer::Start("change_log_test", options).release();
    ASSERT_NE(server_, nullptr);
  }

  static void TearDownTestSuite() { delete server_; }

  // Waits (up to 10 s) until every logged change has a position, and returns the log in
  // position order.
  static std::vector<storage::Change> StampedLog() {
    pqxx::connection db(server_->database_url);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      pqxx::nontransaction tx(db);
      if (tx.exec("SELECT count(*) FROM change_log WHERE position IS NULL")[0][0].as<int64_t>() ==
          0) {
        return storage::NewsroomStore(tx).ListChangesAfter(0, 1000000);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "changes were not stamped within 10 s";
    return {};
  }

  // The changes logged for `article_id`, in position order, as "kind" or "kind comment_id".
  static std::vector<std::string> KindsFor(int64_t article_id) {
    std::vector<std::string> kinds;
    for (const storage::Change& change : StampedLog()) {
      if (change.article_id != article_id) continue;
      kinds.push_back(change.comment_id == 0 ? change.kind
                                             : absl::StrCat(change.kind, " ", change.comment_id));
    }
    return kinds;
  }

  static void Exec(const std::string& sql) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction(db).exec(sql);
  }

  static testing::TestServer* server_;
};

testing::TestServer* ChangeLogTest::server_ = nullptr;

TEST_F(ChangeLogTest, ArticleTransitionsAreLoggedOnlyWhenReadersCanSeeThem) {
  const int64_t id = testing::InsertArticle(server_->database_url, "Bài viết có nhật ký");
  const std::string where = absl::StrCat(" WHERE id = ", id);
  Exec("UPDATE articles SET title = 'Tiêu đề mới'" + where);
  // Counters and derived data are not changes readers are told about.
  Exec("UPDATE articles SET search_document = NULL" + where);
  Exec(absl::StrCat("UPDATE article_counters SET view_count = view_count + 5 WHERE article_id = ",
                    id));
  Exec("UPDATE articles SET title = 'Tiêu đề mới'" + where);  // no difference
  Exec("UPDATE articles SET status = 'expired'" + where);
  Exec("UPDATE articles SET summary = 'Tóm tắt'" + where);  // still readable by id
  Exec("UPDATE articles SET status = 'retracted'" + where);
  Exec("UPDATE articles SET title = 'Khác nữa'" + where);  // nobody sees a retracted one
  Exec("UPDATE articles SET status = 'published'" + where);
  Exec("UPDATE articles SET status = 'retracted'" + where);
  Exec("UPDATE articles SET status = 'deleted', delete_time = now()" + where);
  EXPECT_EQ(KindsFor(id),
            (std::vector<std::string>{"article.published", "article.updated", "article.expired",
                                      "article.updated", "article.retracted", "article.published",
                                      "article.retracted", "article.deleted"}));

  // Drafts and scheduled articles are nobody's business until they are published.
  const int64_t draft = testing::InsertArticle(server_->database_url, "Bản nháp");
  const int64_t logged_before = static_cast<int64_t>(KindsFor(draft).size());
  EXPECT_EQ(logged_before, 1);  // inserted published by the helper
  Exec(absl::StrCat("UPDATE articles SET status = 'draft' WHERE id = ", draft));
  Exec(absl::StrCat("UPDATE articles SET title = 'Nháp 2' WHERE id = ", draft));
  Exec(
      absl::StrCat("UPDATE articles SET status = 'scheduled',"
                   " publish_time = now() + interval '1 hour' WHERE id = ",
                   draft));
  Exec(absl::StrCat("UPDATE articles SET status = 'deleted' WHERE id = ", draft));
  EXPECT_EQ(KindsFor(draft), (std::vector<std::string>{"article.published", "article.retracted"}));
}

TEST_F(ChangeLogTest, CommentApprovalsEditsAndRemovalsAreLogged) {
  const int64_t article_id = testing::InsertArticle(server_->database_url, "Bài để bình luận");
  auto comments = v1::CommentService::NewStub(server_->channel);
  v1::CreateCommentRequest request;
  request.set_article_id(article_id);
  request.set_author_name("Lan");
  request.set_body("Bài viết rất hay, cảm ơn tác giả.");
  request.set_request_id("change-log-comment-1");
  v1::Comment comment;
  ASSERT_TRUE(
      comments->CreateComment(testing::ClientContext("client-a").get(), request, &comment).ok());
  // Post-moderation: approved at once.
  Exec(absl::StrCat("UPDATE comments SET body = 'Đã sửa nội dung.' WHERE id = ", comment.id()));
  Exec(absl::StrCat("UPDATE comments SET like_count = 3 WHERE id = ", comment.id()));

  pqxx::connection db(server_->database_url);
  storage::PrepareStatements(db);
  std::string token;
  {
    pqxx::work tx(db);
    token = IssueToken(tx, AdminRole::kModerator, "Kiểm duyệt", "test")->token;
    tx.commit();
  }
  auto moderation = v1::ModerationService::NewStub(server_->channel);
  v1::ModerateCommentsRequest moderate;
  moderate.add_comment_ids(comment.id());
  moderate.set_action(v1::MODERATION_ACTION_REJECT);
  moderate.set_expected_state(v1::COMMENT_STATE_APPROVED);
  v1::ModerateCommentsResponse moderated;
  ASSERT_TRUE(
      moderation->ModerateComments(testing::AdminContext(token).get(), moderate, &moderated).ok());

  const std::string id = absl::StrCat(comment.id());
  EXPECT_EQ(KindsFor(article_id),
            (std::vector<std::string>{"article.published", "comment.approved " + id,
                                      "comment.edited " + id, "comment.removed " + id}));
}

// Readers' own writes (CommentService.UpdateComment, ReportComment, DeleteComment) reach the log
// like a moderator's: an edit of an approved comment is an edit, a hide by reports (the default
// threshold, 3) and a withdrawal are removals; counting reports is not a change.
TEST_F(ChangeLogTest, ReaderEditsReportHidesAndWithdrawalsAreLogged) {
  const int64_t article_id = testing::InsertArticle(server_->database_url, "Bài cho bạn đọc sửa");
  auto comments = v1::CommentService::NewStub(server_->channel);
  auto post = [&](const std::string& request_id, const std::string& body) {
    v1::CreateCommentRequest request;
    request.set_article_id(article_id);
    request.set_author_name("Hùng");
    request.set_body(body);
    request.set_request_id(request_id);
    v1::Comment comment;
    EXPECT_TRUE(
        comments->CreateComment(testing::ClientContext("author").get(), request, &comment).ok());
    return comment;
  };
  const v1::Comment edited = post("change-log-reader-1", "Ý kiến ban đầu của tôi.");
  const v1::Comment withdrawn = post("change-log-reader-2", "Ý kiến tôi sẽ rút lại.");

  v1::UpdateCommentRequest update;
  update.set_comment_id(edited.id());
  update.set_body("Ý kiến đã sửa của tôi.");
  update.set_edit_token(edited.edit_token());
  v1::Comment updated;
  ASSERT_TRUE(
      comments->UpdateComment(testing::ClientContext("author").get(), update, &updated).ok());
  ASSERT_EQ(updated.state(), v1::COMMENT_STATE_APPROVED);

  for (const std::string reporter : {"reporter-1", "reporter-2", "reporter-3"}) {
    v1::ReportCommentRequest report;
    report.set_comment_id(edited.id());
    report.set_reason(v1::REPORT_REASON_SPAM);
    v1::ReportCommentResponse reported;
    ASSERT_TRUE(
        comments->ReportComment(testing::ClientContext(reporter).get(), report, &reported).ok());
  }

  v1::DeleteCommentRequest withdraw;
  withdraw.set_comment_id(withdrawn.id());
  withdraw.set_edit_token(withdrawn.edit_token());
  google::protobuf::Empty empty;
  ASSERT_TRUE(
      comments->DeleteComment(testing::ClientContext("author").get(), withdraw, &empty).ok());

  const std::string a = absl::StrCat(edited.id());
  const std::string b = absl::StrCat(withdrawn.id());
  EXPECT_EQ(KindsFor(article_id),
            (std::vector<std::string>{"article.published", "comment.approved " + a,
                                      "comment.approved " + b, "comment.edited " + a,
                                      "comment.removed " + a, "comment.removed " + b}));
}

// Writers commit in an order unrelated to the order in which they logged their changes (each
// sleeps a random while between its change and its commit); a follower that reads
// "position > cursor" all along must see every change exactly once, in position order, with no
// gap, and end with exactly the final log.
TEST_F(ChangeLogTest, FollowerSeesEveryChangeInCommitOrderWhileWritersRace) {
  constexpr int kWriters = 6;
  constexpr int kChangesPerWriter = 40;
  std::vector<int64_t> articles;
  for (int w = 0; w < kWriters; ++w) {
    articles.push_back(testing::InsertArticle(server_->database_url, absl::StrCat("Viết ", w)));
  }
  const int64_t start = StampedLog().empty() ? 0 : StampedLog().back().position;

  std::atomic<bool> writing{true};
  std::vector<int64_t> seen;
  std::thread follower([&] {
    pqxx::connection db(server_->database_url);
    int64_t cursor = start;
    bool last_round = false;
    while (true) {
      const bool done = !writing.load();
      pqxx::nontransaction tx(db);
      for (const storage::Change& change :
           storage::NewsroomStore(tx).ListChangesAfter(cursor, 100)) {
        seen.push_back(change.position);
        cursor = change.position;
      }
      if (last_round) break;
      // After the writers finish, read until every change is stamped, then once more.
      if (done &&
          tx.exec("SELECT count(*) FROM change_log WHERE position IS NULL")[0][0].as<int64_t>() ==
              0) {
        last_round = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });

  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      pqxx::connection db(server_->database_url);
      std::mt19937 random(w);
      for (int k = 0; k < kChangesPerWriter; ++k) {
        pqxx::work tx(db);
        tx.exec_params("UPDATE articles SET title = $2 WHERE id = $1", articles[w],
                       absl::StrCat("Viết ", w, " lần ", k));
        tx.exec_params("SELECT pg_sleep($1)", (random() % 20) / 1000.0);
        tx.commit();
      }
    });
  }
  for (auto& writer : writers) writer.join();
  writing = false;
  follower.join();

  std::vector<int64_t> expected;
  std::map<int64_t, int> updates_per_article;
  for (const storage::Change& change : StampedLog()) {
    if (change.position <= start) continue;
    expected.push_back(change.position);
    if (change.kind == "article.updated") ++updates_per_article[change.article_id];
  }
  ASSERT_EQ(expected.size(), static_cast<size_t>(kWriters * kChangesPerWriter));
  for (int64_t article : articles) EXPECT_EQ(updates_per_article[article], kChangesPerWriter);
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(expected[i], start + static_cast<int64_t>(i) + 1) << "gap in positions";
  }
  EXPECT_EQ(seen, expected);
}

TEST_F(ChangeLogTest, TheLogIsAppendOnly) {
  testing::InsertArticle(server_->database_url, "Không sửa được nhật ký");
  StampedLog();
  pqxx::connection db(server_->database_url);
  pqxx::nontransaction tx(db);
  EXPECT_THROW(tx.exec("UPDATE change_log SET kind = 'article.deleted'"), pqxx::sql_error);
  EXPECT_THROW(tx.exec("UPDATE change_log SET position = position + 1000"), pqxx::sql_error);
}

TEST_F(ChangeLogTest, RetentionPrunesOldChangesAndLongDeletedArticles) {
  const int64_t old_deleted = testing::InsertArticle(server_->database_url, "Xóa từ lâu");
  const int64_t new_deleted = testing::InsertArticle(server_->database_url, "Mới xóa");
  Exec(
      absl::StrCat("UPDATE articles SET status = 'deleted', delete_time = now() - interval '2 h'"
                   " WHERE id = ",
                   old_deleted));
  Exec(absl::StrCat("UPDATE articles SET status = 'deleted', delete_time = now() WHERE id = ",
                    new_deleted));
  StampedLog();
  // Make every change but the newest older than an hour.
  pqxx::connection db(server_->database_url);
  pqxx::nontransaction tx(db);
  tx.exec("ALTER TABLE change_log DISABLE TRIGGER change_log_append_only");
  tx.exec(
      "UPDATE change_log SET change_time = now() - interval '2 h'"
      " WHERE position < (SELECT max(position) FROM change_log)");
  tx.exec("ALTER TABLE change_log ENABLE TRIGGER change_log_append_only");
  const storage::NewsroomStore::Pruned pruned = storage::NewsroomStore(tx).Prune(absl::Hours(1));
  EXPECT_EQ(pruned.articles, 1);
  const std::vector<storage::Change> kept = storage::NewsroomStore(tx).ListChangesAfter(0, 100);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(pruned.changes, kept.front().position - 1);
  EXPECT_EQ(tx.exec_params("SELECT 1 FROM articles WHERE id = $1", old_deleted).size(), 0u);
  EXPECT_EQ(tx.exec_params("SELECT 1 FROM articles WHERE id = $1", new_deleted).size(), 1u);
}

// `newsctl changes tail` prints the stamped log, one line per change, and keeps following it.
TEST_F(ChangeLogTest, NewsctlTailPrintsTheLogAsItGrows) {
  const int64_t id = testing::InsertArticle(server_->database_url, "Theo dõi nhật ký");
  const int64_t last = StampedLog().back().position;
  const std::string command =
      absl::StrCat("DATABASE_URL='", server_->database_url, "' timeout 3 ", NEWSCTL_BINARY,
                   " changes tail --after=", last - 1, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  // A change made while the tail runs shows up too.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  Exec(absl::StrCat("UPDATE articles SET title = 'Đã sửa khi đang theo dõi' WHERE id = ", id));
  std::string output;
  char buffer[4096];
  size_t read = 0;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, read);
  pclose(pipe);
  EXPECT_TRUE(absl::StrContains(output, absl::StrCat(last, " ")) &&
              absl::StrContains(output, absl::StrCat(" article.published article=", id, "\n")))
      << output;
  EXPECT_TRUE(absl::StrContains(output, absl::StrCat(last + 1, " ")) &&
              absl::StrContains(output, absl::StrCat(" article.updated article=", id, "\n")))
      << output;
}

}  // namespace
}  // namespace news
