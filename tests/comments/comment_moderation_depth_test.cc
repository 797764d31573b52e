// Issue 11 end to end, against a real PostgreSQL cluster and the real server: reader reports and
// their threshold, authors' edits and withdrawals with edit tokens, featured comments, closing
// comments (by hand and by article age), removing all comments of a client, and the moderation
// queue's filters, orders and pages. Every test also checks that Article.comment_count equals
// what ListComments shows (docs/comments.md, "What readers see").

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
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
using testing::ErrorReason;
using testing::ViolatedFields;

// One server and its stubs and tokens.
struct Board {
  std::unique_ptr<testing::TestServer> server;
  std::unique_ptr<v1::CommentService::Stub> comments;
  std::unique_ptr<v1::ModerationService::Stub> moderation;
  std::string moderator;
  std::string admin;
};

std::string IssueTokenFor(const std::string& database_url, AdminRole role,
                          const std::string& name) {
  pqxx::connection db(database_url);
  storage::PrepareStatements(db);
  pqxx::work tx(db);
  absl::StatusOr<IssuedToken> issued = IssueToken(tx, role, name, "newsctl:test");
  EXPECT_TRUE(issued.ok()) << issued.status();
  tx.commit();
  return issued->token;
}

Board* StartBoard(const std::string& name, const CommentRules& rules) {
  ServerOptions options;
  options.comment_rules = rules;
  auto board = std::make_unique<Board>();
  board->server = testing::TestServer::Start(name, options);
  if (board->server == nullptr) return nullptr;
  board->comments = v1::CommentService::NewStub(board->server->channel);
  board->moderation = v1::ModerationService::NewStub(board->server->channel);
  board->moderator =
      IssueTokenFor(board->server->database_url, AdminRole::kModerator, "Biên tập viên Hà");
  board->admin = IssueTokenFor(board->server->database_url, AdminRole::kAdmin, "Quản trị");
  return board.release();
}

class CommentModerationDepthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    CommentRules pre;
    pre.flood_limit = 1000;
    pre.report_threshold = 3;
    pre.close_after = absl::Hours(24 * 30);
    pre_ = StartBoard("comment_depth_pre_test", pre);
    ASSERT_NE(pre_, nullptr);
    CommentRules post = pre;
    post.moderation = CommentModeration::kPost;
    post_ = StartBoard("comment_depth_post_test", post);
    ASSERT_NE(post_, nullptr);
  }

  static void TearDownTestSuite() {
    delete pre_;
    delete post_;
  }

  static int64_t NewArticle(Board& board) {
    return testing::InsertArticle(board.server->database_url, "Bài về kiểm duyệt");
  }

  static v1::CreateCommentRequest Request(int64_t article_id, const std::string& body,
                                          int64_t parent_id = 0) {
    static std::atomic<int> counter{0};
    v1::CreateCommentRequest request;
    request.set_article_id(article_id);
    request.set_parent_id(parent_id);
    request.set_author_name("Độc giả");
    request.set_body(body);
    request.set_request_id(absl::StrCat("depth-", ++counter));
    return request;
  }

  static v1::Comment Post(Board& board, int64_t article_id, const std::string& client,
                          const std::string& body, int64_t parent_id = 0) {
    v1::Comment comment;
    grpc::Status status = board.comments->CreateComment(
        ClientContext(client).get(), Request(article_id, body, parent_id), &comment);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return comment;
  }

  static void Moderate(Board& board, const std::vector<int64_t>& ids, v1::ModerationAction action,
                       v1::CommentState expected = v1::COMMENT_STATE_PENDING) {
    v1::ModerateCommentsRequest request;
    for (int64_t id : ids) request.add_comment_ids(id);
    request.set_action(action);
    request.set_expected_state(expected);
    v1::ModerateCommentsResponse response;
    grpc::Status status =
        board.moderation->ModerateComments(AdminContext(board.moderator).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& result : response.results()) {
      EXPECT_EQ(result.status().code(), 0) << result.status().message();
    }
  }

  static void Approve(Board& board, const std::vector<int64_t>& ids) {
    Moderate(board, ids, v1::MODERATION_ACTION_APPROVE);
  }

  // Every top-level comment ListComments shows, over all pages (page size 2).
  static std::vector<v1::Comment> Listed(Board& board, int64_t article_id,
                                         v1::CommentOrder order = v1::COMMENT_ORDER_OLDEST,
                                         bool featured_first = false) {
    std::vector<v1::Comment> listed;
    v1::ListCommentsRequest request;
    request.set_article_id(article_id);
    request.set_page_size(2);
    request.set_order(order);
    request.set_featured_first(featured_first);
    do {
      v1::ListCommentsResponse response;
      grpc::Status status =
          board.comments->ListComments(ClientContext("lister").get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      listed.insert(listed.end(), response.comments().begin(), response.comments().end());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return listed;
  }

  static std::vector<int64_t> Ids(const std::vector<v1::Comment>& comments) {
    std::vector<int64_t> ids;
    for (const auto& comment : comments) ids.push_back(comment.id());
    return ids;
  }

  // The invariant: comment_count is the number of approved comments listed. Returns it.
  static int64_t CheckedCount(Board& board, int64_t article_id) {
    int64_t shown = 0;
    for (const auto& thread : Listed(board, article_id)) {
      shown += thread.state() == v1::COMMENT_STATE_APPROVED;
      shown += thread.replies_size();
    }
    const int64_t count = testing::CommentCount(board.server->database_url, article_id);
    EXPECT_EQ(count, shown);
    return count;
  }

  static grpc::Status Report(Board& board, const std::string& client, int64_t comment_id,
                             v1::ReportReason reason = v1::REPORT_REASON_ABUSE,
                             const std::string& note = "", bool* recorded = nullptr) {
    v1::ReportCommentRequest request;
    request.set_comment_id(comment_id);
    request.set_reason(reason);
    request.set_note(note);
    v1::ReportCommentResponse response;
    grpc::Status status =
        board.comments->ReportComment(ClientContext(client).get(), request, &response);
    if (recorded != nullptr) *recorded = response.recorded();
    return status;
  }

  static grpc::Status Update(Board& board, const std::string& client, int64_t comment_id,
                             const std::string& body, const std::string& token,
                             v1::Comment* updated = nullptr) {
    v1::UpdateCommentRequest request;
    request.set_comment_id(comment_id);
    request.set_body(body);
    request.set_edit_token(token);
    v1::Comment ignored;
    return board.comments->UpdateComment(ClientContext(client).get(), request,
                                         updated != nullptr ? updated : &ignored);
  }

  static grpc::Status Withdraw(Board& board, const std::string& client, int64_t comment_id,
                               const std::string& token) {
    v1::DeleteCommentRequest request;
    request.set_comment_id(comment_id);
    request.set_edit_token(token);
    google::protobuf::Empty response;
    return board.comments->DeleteComment(ClientContext(client).get(), request, &response);
  }

  static v1::ListModerationQueueResponse Queue(Board& board,
                                               const v1::ListModerationQueueRequest& request) {
    v1::ListModerationQueueResponse response;
    grpc::Status status = board.moderation->ListModerationQueue(AdminContext(board.moderator).get(),
                                                                request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Events of `action` about `comment_id`.
  static int EventCount(Board& board, int64_t comment_id, const std::string& action) {
    v1::ListModerationEventsRequest request;
    request.set_comment_id(comment_id);
    request.set_action(action);
    request.set_page_size(200);
    v1::ListModerationEventsResponse response;
    grpc::Status status = board.moderation->ListModerationEvents(
        AdminContext(board.moderator).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.events_size();
  }

  static void Exec(Board& board, const std::string& sql, int64_t id) {
    pqxx::connection db(board.server->database_url);
    pqxx::work tx(db);
    tx.exec_params(sql, id);
    tx.commit();
  }

  static Board* pre_;
  static Board* post_;
};

Board* CommentModerationDepthTest::pre_ = nullptr;
Board* CommentModerationDepthTest::post_ = nullptr;

TEST_F(CommentModerationDepthTest, ReportsAtTheThresholdHideTheCommentUntilAModeratorDecides) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  const v1::Comment comment = Post(board, article, "author", "Bình luận bị báo cáo");
  const v1::Comment other = Post(board, article, "author", "Bình luận khác, không ai báo cáo");
  Approve(board, {comment.id(), other.id()});
  EXPECT_EQ(CheckedCount(board, article), 2);

  bool recorded = false;
  ASSERT_TRUE(Report(board, "r1", comment.id(), v1::REPORT_REASON_SPAM, "", &recorded).ok());
  EXPECT_TRUE(recorded);
  // A repeat by the same client is a no-op: it does not count towards the threshold.
  ASSERT_TRUE(Report(board, "r1", comment.id(), v1::REPORT_REASON_ABUSE, "", &recorded).ok());
  EXPECT_FALSE(recorded);
  ASSERT_TRUE(Report(board, "r1", comment.id()).ok());
  ASSERT_TRUE(
      Report(board, "r2", comment.id(), v1::REPORT_REASON_OFF_TOPIC, "Không liên quan\r\nđến bài")
          .ok());
  EXPECT_EQ(CheckedCount(board, article), 2);

  // The third client's report reaches the threshold.
  ASSERT_TRUE(Report(board, "r3", comment.id(), v1::REPORT_REASON_OTHER).ok());
  EXPECT_EQ(Ids(Listed(board, article)), std::vector<int64_t>{other.id()});
  EXPECT_EQ(CheckedCount(board, article), 1);
  EXPECT_EQ(EventCount(board, comment.id(), "REPORT_HIDE"), 1);
  // Hidden like any unapproved comment.
  v1::LikeCommentRequest like;
  like.set_comment_id(comment.id());
  v1::Comment liked;
  EXPECT_EQ(board.comments->LikeComment(ClientContext("r4").get(), like, &liked).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Report(board, "r4", comment.id()).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::ListModerationQueueRequest queue;
  queue.set_article_id(article);
  queue.set_reported_only(true);
  v1::ListModerationQueueResponse reported = Queue(board, queue);
  ASSERT_EQ(reported.items_size(), 1);
  EXPECT_EQ(reported.items(0).comment().id(), comment.id());
  EXPECT_EQ(reported.items(0).comment().state(), v1::COMMENT_STATE_PENDING);
  EXPECT_TRUE(reported.items(0).reported());
  EXPECT_EQ(reported.items(0).report_count(), 3);

  // The moderator keeps it: further reports are only counted.
  Approve(board, {comment.id()});
  EXPECT_EQ(CheckedCount(board, article), 2);
  for (const std::string client : {"r4", "r5", "r6"}) {
    ASSERT_TRUE(Report(board, client, comment.id(), v1::REPORT_REASON_ABUSE, "", &recorded).ok());
    EXPECT_TRUE(recorded);
  }
  EXPECT_EQ(CheckedCount(board, article), 2);
  queue.set_state(v1::COMMENT_STATE_APPROVED);
  reported = Queue(board, queue);
  ASSERT_EQ(reported.items_size(), 1);
  EXPECT_FALSE(reported.items(0).reported());
  EXPECT_EQ(reported.items(0).report_count(), 6);
  EXPECT_EQ(EventCount(board, comment.id(), "REPORT_HIDE"), 1);
}

TEST_F(CommentModerationDepthTest, ConcurrentReportsHideTheCommentExactlyOnce) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  const v1::Comment comment = Post(board, article, "author", "Bình luận bị báo cáo dồn dập");
  Approve(board, {comment.id()});
  constexpr int kReporters = 12;
  std::vector<std::thread> reporters;
  std::atomic<int> failures{0};
  for (int i = 0; i < kReporters; ++i) {
    reporters.emplace_back([&board, &comment, &failures, i] {
      // Each client reports twice; only the first counts.
      for (int repeat = 0; repeat < 2; ++repeat) {
        const grpc::Status status = Report(board, absl::StrCat("crowd-", i), comment.id());
        // After the hide, the comment is no longer readable.
        if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) ++failures;
      }
    });
  }
  for (auto& thread : reporters) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(CheckedCount(board, article), 0);
  EXPECT_EQ(EventCount(board, comment.id(), "REPORT_HIDE"), 1);
  v1::ListModerationQueueRequest queue;
  queue.set_article_id(article);
  const v1::ListModerationQueueResponse items = Queue(board, queue);
  ASSERT_EQ(items.items_size(), 1);
  EXPECT_TRUE(items.items(0).reported());
  // Reports that arrived after the hide found the comment unreadable and were not recorded.
  EXPECT_EQ(items.items(0).report_count(), 3);
}

TEST_F(CommentModerationDepthTest, ReportsAreValidatedAndBannedClientsCannotReport) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  const v1::Comment comment = Post(board, article, "author", "Một bình luận để báo cáo");
  // Pending comments are not readable, so not reportable.
  EXPECT_EQ(Report(board, "r1", comment.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  Approve(board, {comment.id()});

  grpc::Status status = Report(board, "r1", comment.id(), v1::REPORT_REASON_UNSPECIFIED);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"reason"});
  std::string long_note;
  for (int i = 0; i < 301; ++i) long_note += "ố";
  status = Report(board, "r1", comment.id(), v1::REPORT_REASON_OTHER, long_note);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"note"});
  status = Report(board, "r1", comment.id(), v1::REPORT_REASON_OTHER, "xem \u202elink");
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"note"});
  EXPECT_TRUE(Report(board, "r1", comment.id(), v1::REPORT_REASON_OTHER, long_note.substr(3)).ok());

  v1::BanClientRequest ban;
  ban.set_client_id("id:banned-reporter");
  v1::Ban banned;
  ASSERT_TRUE(board.moderation->BanClient(AdminContext(board.moderator).get(), ban, &banned).ok());
  status = Report(board, "banned-reporter", comment.id());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(status), "CLIENT_BANNED");
}

TEST_F(CommentModerationDepthTest, AuthorsEditWithinTheWindowAndModeratorsKeepTheOldText) {
  Board& board = *post_;
  const int64_t article = NewArticle(board);
  const v1::CreateCommentRequest request = Request(article, "Bài viết hay quas");
  v1::Comment comment;
  ASSERT_TRUE(board.comments->CreateComment(ClientContext("editor").get(), request, &comment).ok());
  ASSERT_FALSE(comment.edit_token().empty());
  // A retry returns the same token; nobody else's listing shows one.
  v1::Comment retried;
  ASSERT_TRUE(board.comments->CreateComment(ClientContext("editor").get(), request, &retried).ok());
  EXPECT_EQ(retried.edit_token(), comment.edit_token());
  ASSERT_EQ(Listed(board, article).size(), 1u);
  EXPECT_TRUE(Listed(board, article)[0].edit_token().empty());
  EXPECT_FALSE(Listed(board, article)[0].has_edit_time());

  v1::Comment updated;
  ASSERT_TRUE(
      Update(board, "editor", comment.id(), "Bài viết hay quá\r\n", comment.edit_token(), &updated)
          .ok());
  EXPECT_EQ(updated.body(), "Bài viết hay quá");
  EXPECT_TRUE(updated.has_edit_time());
  // Post-moderation: the edited comment stays in view.
  EXPECT_EQ(updated.state(), v1::COMMENT_STATE_APPROVED);
  const std::vector<v1::Comment> listed = Listed(board, article);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].body(), "Bài viết hay quá");
  EXPECT_TRUE(listed[0].has_edit_time());
  EXPECT_EQ(CheckedCount(board, article), 1);

  v1::ListModerationQueueRequest queue;
  queue.set_state(v1::COMMENT_STATE_APPROVED);
  queue.set_article_id(article);
  v1::ListModerationQueueResponse items = Queue(board, queue);
  ASSERT_EQ(items.items_size(), 1);
  EXPECT_EQ(std::vector<std::string>(items.items(0).previous_bodies().begin(),
                                     items.items(0).previous_bodies().end()),
            std::vector<std::string>{"Bài viết hay quas"});

  // The same text rules as a new comment.
  grpc::Status status =
      Update(board, "editor", comment.id(), "\u200b\u200b\u200b\u200b\u200b", comment.edit_token());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"});

  // After the window.
  Exec(board, "UPDATE comments SET create_time = now() - interval '11 minutes' WHERE id = $1",
       comment.id());
  status = Update(board, "editor", comment.id(), "Sửa muộn quá rồi", comment.edit_token());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "EDIT_WINDOW_CLOSED");
  EXPECT_EQ(Listed(board, article)[0].body(), "Bài viết hay quá");
}

TEST_F(CommentModerationDepthTest, WrongOrMissingEditTokensAreRefused) {
  Board& board = *post_;
  const int64_t article = NewArticle(board);
  const v1::Comment mine = Post(board, article, "owner", "Bình luận của tôi");
  const v1::Comment theirs = Post(board, article, "other", "Bình luận của người khác");
  for (const std::string& token : {std::string(), theirs.edit_token(), mine.edit_token() + "0",
                                   std::string(mine.edit_token().size(), 'a')}) {
    EXPECT_EQ(Update(board, "owner", mine.id(), "Sửa trộm nội dung", token).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Withdraw(board, "owner", mine.id(), token).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(Update(board, "owner", 987654321, "Không có bình luận", mine.edit_token()).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Listed(board, article)[0].body(), "Bình luận của tôi");
  EXPECT_EQ(CheckedCount(board, article), 2);
}

// Protobuf wire format by hand: a length-delimited field holding any bytes, a varint field.
std::string BytesField(int number, const std::string& bytes) {
  return std::string(1, static_cast<char>((number << 3) | 2)) + static_cast<char>(bytes.size()) +
         bytes;
}
std::string IntField(int number, int64_t value) {
  std::string out(1, static_cast<char>(number << 3));
  for (; value >= 0x80; value >>= 7) out.push_back(static_cast<char>((value & 0x7f) | 0x80));
  out.push_back(static_cast<char>(value));
  return out;
}

TEST_F(CommentModerationDepthTest, InvalidUtf8InEditsAndReportNotesNamesTheField) {
  Board& board = *post_;
  const int64_t article = NewArticle(board);
  const v1::Comment comment = Post(board, article, "raw-editor", "Bình luận sẽ sửa");
  grpc::GenericStub generic(board.server->channel);
  auto call_raw = [&](const std::string& method, const std::string& bytes) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    auto context = ClientContext("raw-editor");
    grpc::CompletionQueue queue;
    auto call = generic.PrepareUnaryCall(context.get(), method, request, &queue);
    call->StartCall();
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&tag, &ok));
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    return status;
  };
  grpc::Status status = call_raw("/news.v1.CommentService/UpdateComment",
                                 IntField(1, comment.id()) + BytesField(2, "Xin ch\xc3\x28o") +
                                     BytesField(3, comment.edit_token()));
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"});
  status = call_raw(
      "/news.v1.CommentService/ReportComment",
      IntField(1, comment.id()) + IntField(2, v1::REPORT_REASON_SPAM) + BytesField(3, "\xff\xfe"));
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"note"});
  status = call_raw("/news.v1.CommentService/UpdateComment",
                    IntField(1, comment.id()) + BytesField(2, "Xin chào các bạn") +
                        BytesField(3, comment.edit_token()));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Listed(board, article)[0].body(), "Xin chào các bạn");
}

TEST_F(CommentModerationDepthTest, AnEditHeldByThePolicyTakesAnApprovedCommentOutOfView) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  const v1::Comment comment = Post(board, article, "editor", "Ý kiến ban đầu");
  Approve(board, {comment.id()});
  EXPECT_EQ(CheckedCount(board, article), 1);

  v1::Comment updated;
  ASSERT_TRUE(
      Update(board, "editor", comment.id(), "Ý kiến đã sửa", comment.edit_token(), &updated).ok());
  // Pre-moderation holds every new text, edited ones too.
  EXPECT_EQ(updated.state(), v1::COMMENT_STATE_PENDING);
  EXPECT_TRUE(Listed(board, article).empty());
  EXPECT_EQ(CheckedCount(board, article), 0);
  EXPECT_EQ(EventCount(board, comment.id(), "EDIT"), 1);

  v1::ListModerationQueueRequest queue;
  queue.set_article_id(article);
  v1::ListModerationQueueResponse items = Queue(board, queue);
  ASSERT_EQ(items.items_size(), 1);
  EXPECT_EQ(items.items(0).comment().body(), "Ý kiến đã sửa");
  ASSERT_EQ(items.items(0).previous_bodies_size(), 1);
  EXPECT_EQ(items.items(0).previous_bodies(0), "Ý kiến ban đầu");

  // A pending comment's edit stays pending (an edit never approves).
  ASSERT_TRUE(
      Update(board, "editor", comment.id(), "Ý kiến sửa lần hai", comment.edit_token(), &updated)
          .ok());
  EXPECT_EQ(updated.state(), v1::COMMENT_STATE_PENDING);
  Approve(board, {comment.id()});
  EXPECT_EQ(CheckedCount(board, article), 1);
}

TEST_F(CommentModerationDepthTest, WithdrawingFollowsTheTombstoneRules) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  const v1::Comment parent = Post(board, article, "author", "Bình luận gốc sẽ rút");
  Approve(board, {parent.id()});
  const v1::Comment reply = Post(board, article, "replier", "Trả lời bình luận gốc", parent.id());
  Approve(board, {reply.id()});
  EXPECT_EQ(CheckedCount(board, article), 2);

  ASSERT_TRUE(Withdraw(board, "author", parent.id(), parent.edit_token()).ok());
  std::vector<v1::Comment> listed = Listed(board, article);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].state(), v1::COMMENT_STATE_DELETED);
  EXPECT_TRUE(listed[0].body().empty());
  EXPECT_TRUE(listed[0].author_name().empty());
  ASSERT_EQ(listed[0].replies_size(), 1);
  EXPECT_EQ(CheckedCount(board, article), 1);
  EXPECT_EQ(EventCount(board, parent.id(), "WITHDRAW"), 1);
  // Again: a no-op; and a withdrawn comment cannot be edited.
  EXPECT_TRUE(Withdraw(board, "author", parent.id(), parent.edit_token()).ok());
  EXPECT_EQ(EventCount(board, parent.id(), "WITHDRAW"), 1);
  EXPECT_EQ(
      Update(board, "author", parent.id(), "Sửa sau khi rút", parent.edit_token()).error_code(),
      grpc::StatusCode::NOT_FOUND);

  ASSERT_TRUE(Withdraw(board, "replier", reply.id(), reply.edit_token()).ok());
  EXPECT_TRUE(Listed(board, article).empty());
  EXPECT_EQ(CheckedCount(board, article), 0);

  // A pending comment can be withdrawn too (it leaves the queue).
  const v1::Comment pending = Post(board, article, "author", "Đang chờ duyệt thì rút");
  ASSERT_TRUE(Withdraw(board, "author", pending.id(), pending.edit_token()).ok());
  v1::ListModerationQueueRequest queue;
  queue.set_article_id(article);
  EXPECT_EQ(Queue(board, queue).items_size(), 0);
}

TEST_F(CommentModerationDepthTest, FeaturedCommentsComeFirstWhenAsked) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Post(board, article, "featured-author", absl::StrCat("Bình luận số ", i)).id());
  }
  Approve(board, ids);
  const int64_t pending = Post(board, article, "featured-author", "Chưa được duyệt").id();

  auto feature = [&board](int64_t id, bool featured) {
    v1::SetCommentFeaturedRequest request;
    request.set_comment_id(id);
    request.set_featured(featured);
    v1::Comment comment;
    return board.moderation->SetCommentFeatured(AdminContext(board.moderator).get(), request,
                                                &comment);
  };
  ASSERT_TRUE(feature(ids[3], true).ok());
  ASSERT_TRUE(feature(ids[1], true).ok());
  ASSERT_TRUE(feature(ids[1], true).ok());  // no-op
  EXPECT_EQ(EventCount(board, ids[1], "FEATURE"), 1);
  EXPECT_EQ(feature(pending, true).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  EXPECT_EQ(Ids(Listed(board, article, v1::COMMENT_ORDER_OLDEST, true)),
            (std::vector<int64_t>{ids[1], ids[3], ids[0], ids[2], ids[4]}));
  EXPECT_EQ(Ids(Listed(board, article, v1::COMMENT_ORDER_NEWEST, true)),
            (std::vector<int64_t>{ids[3], ids[1], ids[4], ids[2], ids[0]}));
  const std::vector<v1::Comment> plain = Listed(board, article);
  EXPECT_EQ(Ids(plain), ids);
  EXPECT_TRUE(plain[1].featured());
  EXPECT_FALSE(plain[0].featured());

  // A featured comment that leaves view is not featured first (or at all) while hidden.
  Moderate(board, {ids[3]}, v1::MODERATION_ACTION_REJECT, v1::COMMENT_STATE_APPROVED);
  EXPECT_EQ(Ids(Listed(board, article, v1::COMMENT_ORDER_OLDEST, true)),
            (std::vector<int64_t>{ids[1], ids[0], ids[2], ids[4]}));
  ASSERT_TRUE(feature(ids[1], false).ok());
  EXPECT_EQ(EventCount(board, ids[1], "UNFEATURE"), 1);
  EXPECT_EQ(Ids(Listed(board, article, v1::COMMENT_ORDER_OLDEST, true)),
            (std::vector<int64_t>{ids[0], ids[1], ids[2], ids[4]}));
  EXPECT_EQ(CheckedCount(board, article), 4);
}

TEST_F(CommentModerationDepthTest, CommentsCloseByHandAndByArticleAge) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  auto set_open = [&board, article](bool open) {
    v1::SetCommentsOpenRequest request;
    request.set_article_id(article);
    request.set_open(open);
    v1::SetCommentsOpenResponse response;
    return board.moderation->SetCommentsOpen(AdminContext(board.admin).get(), request, &response);
  };
  v1::Comment comment;
  ASSERT_TRUE(set_open(false).ok());
  grpc::Status status = board.comments->CreateComment(ClientContext("closer").get(),
                                                      Request(article, "Đóng rồi sao?"), &comment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "COMMENTS_CLOSED");
  ASSERT_TRUE(set_open(true).ok());
  const v1::CreateCommentRequest accepted = Request(article, "Mở lại rồi");
  ASSERT_TRUE(
      board.comments->CreateComment(ClientContext("closer").get(), accepted, &comment).ok());

  // Older than --comment_close_after_days (30 here): closed, but a retry still gets its comment.
  Exec(board, "UPDATE articles SET publish_time = now() - interval '31 days' WHERE id = $1",
       article);
  status = board.comments->CreateComment(ClientContext("closer").get(),
                                         Request(article, "Bài cũ quá rồi"), &comment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(status), "COMMENTS_CLOSED");
  v1::Comment retried;
  ASSERT_TRUE(
      board.comments->CreateComment(ClientContext("closer").get(), accepted, &retried).ok());
  EXPECT_EQ(retried.body(), "Mở lại rồi");
  EXPECT_FALSE(retried.edit_token().empty());
  Exec(board, "UPDATE articles SET publish_time = now() - interval '29 days' WHERE id = $1",
       article);
  EXPECT_TRUE(board.comments
                  ->CreateComment(ClientContext("closer").get(),
                                  Request(article, "Vẫn còn trong hạn"), &comment)
                  .ok());
}

TEST_F(CommentModerationDepthTest, RemovingAClientsCommentsBansItAndKeepsCountsExact) {
  Board& board = *pre_;
  const int64_t first = NewArticle(board);
  const int64_t second = NewArticle(board);
  const v1::Comment top = Post(board, first, "spammer", "Mua hàng giá rẻ tại đây");
  const v1::Comment approved = Post(board, second, "spammer", "Khuyến mãi lớn hôm nay");
  const v1::Comment pending = Post(board, second, "spammer", "Nhấn vào liên kết này");
  const v1::Comment rejected = Post(board, first, "spammer", "Quảng cáo bị từ chối");
  Approve(board, {top.id(), approved.id()});
  Moderate(board, {rejected.id()}, v1::MODERATION_ACTION_REJECT);
  const v1::Comment reply = Post(board, first, "reader", "Đừng tin quảng cáo này", top.id());
  Approve(board, {reply.id()});
  EXPECT_EQ(CheckedCount(board, first), 2);
  EXPECT_EQ(CheckedCount(board, second), 1);

  v1::RemoveClientCommentsRequest request;
  request.set_client_id("id:spammer");
  request.set_reason("spam hàng loạt");
  request.mutable_duration()->set_seconds(3600);
  v1::RemoveClientCommentsResponse response;
  ASSERT_TRUE(board.moderation
                  ->RemoveClientComments(AdminContext(board.moderator).get(), request, &response)
                  .ok());
  EXPECT_EQ(response.ban().client_id(), "id:spammer");
  EXPECT_TRUE(response.ban().has_expire_time());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.removed_count(), 3);
  EXPECT_EQ(response.results(0).comment_id(), top.id());
  EXPECT_EQ(response.results(1).comment_id(), approved.id());
  EXPECT_EQ(response.results(2).comment_id(), pending.id());
  for (const auto& result : response.results()) {
    EXPECT_TRUE(result.changed());
    EXPECT_EQ(result.state(), v1::COMMENT_STATE_DELETED);
    EXPECT_EQ(EventCount(board, result.comment_id(), "DELETE"), 1);
  }
  EXPECT_EQ(EventCount(board, rejected.id(), "DELETE"), 0);

  // The reply stays readable under a tombstone; the counts follow exactly.
  EXPECT_EQ(CheckedCount(board, first), 1);
  EXPECT_EQ(CheckedCount(board, second), 0);
  std::vector<v1::Comment> listed = Listed(board, first);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].state(), v1::COMMENT_STATE_DELETED);
  EXPECT_EQ(listed[0].replies_size(), 1);

  v1::Comment comment;
  grpc::Status status = board.comments->CreateComment(ClientContext("spammer").get(),
                                                      Request(first, "Tôi quay lại đây"), &comment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // A second run bans again and finds nothing left to remove.
  ASSERT_TRUE(board.moderation
                  ->RemoveClientComments(AdminContext(board.moderator).get(), request, &response)
                  .ok());
  EXPECT_EQ(response.results_size(), 0);
  request.set_action(v1::MODERATION_ACTION_APPROVE);
  status = board.moderation->RemoveClientComments(AdminContext(board.moderator).get(), request,
                                                  &response);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"action"});
}

TEST_F(CommentModerationDepthTest, TheQueueFiltersOrdersAndPages) {
  Board& board = *pre_;
  const int64_t article = NewArticle(board);
  const int64_t elsewhere = NewArticle(board);
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Post(board, article, "queued", absl::StrCat("Chờ kiểm duyệt ", i)).id());
  }
  Post(board, elsewhere, "queued", "Ở bài khác");
  // Reports on approved comments 1 (two reports) and 3 (one), below the threshold of 3.
  Approve(board, {ids[1], ids[3]});
  ASSERT_TRUE(Report(board, "q1", ids[1]).ok());
  ASSERT_TRUE(Report(board, "q2", ids[1]).ok());
  ASSERT_TRUE(Report(board, "q1", ids[3]).ok());

  auto all_pages = [&board](v1::ListModerationQueueRequest request) {
    request.set_page_size(1);
    std::vector<int64_t> seen;
    do {
      v1::ListModerationQueueResponse response = Queue(board, request);
      for (const auto& item : response.items()) seen.push_back(item.comment().id());
      request.set_page_token(response.next_page_token());
      if (seen.size() > 20) break;
    } while (!request.page_token().empty());
    return seen;
  };
  v1::ListModerationQueueRequest request;
  request.set_article_id(article);
  EXPECT_EQ(all_pages(request), (std::vector<int64_t>{ids[0], ids[2], ids[4]}));
  request.set_order(v1::QUEUE_ORDER_NEWEST);
  EXPECT_EQ(all_pages(request), (std::vector<int64_t>{ids[4], ids[2], ids[0]}));
  request.set_state(v1::COMMENT_STATE_APPROVED);
  request.set_order(v1::QUEUE_ORDER_OLDEST);
  EXPECT_EQ(all_pages(request), (std::vector<int64_t>{ids[1], ids[3]}));
  request.set_order(v1::QUEUE_ORDER_MOST_REPORTED);
  EXPECT_EQ(all_pages(request), (std::vector<int64_t>{ids[1], ids[3]}));
  Moderate(board, {ids[0]}, v1::MODERATION_ACTION_APPROVE);
  EXPECT_EQ(all_pages(request), (std::vector<int64_t>{ids[1], ids[3], ids[0]}));
  request.set_reported_only(true);
  EXPECT_EQ(all_pages(request), (std::vector<int64_t>{ids[1], ids[3]}));

  // A token is bound to the filters and order it was made for.
  request.set_page_size(1);
  v1::ListModerationQueueResponse first_page = Queue(board, request);
  ASSERT_FALSE(first_page.next_page_token().empty());
  request.set_order(v1::QUEUE_ORDER_NEWEST);
  request.set_page_token(first_page.next_page_token());
  v1::ListModerationQueueResponse response;
  grpc::Status status = board.moderation->ListModerationQueue(AdminContext(board.moderator).get(),
                                                              request, &response);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"page_token"});
  request.set_page_token("");
  request.set_order(static_cast<v1::QueueOrder>(17));
  status = board.moderation->ListModerationQueue(AdminContext(board.moderator).get(), request,
                                                 &response);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"order"});
}

}  // namespace
}  // namespace news
