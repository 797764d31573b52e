// The moderation policy on create, end to end (docs/comments.md, "Word lists, link holds and
// trusted readers"): banned and suspect word lists managed through ModerationService, link
// holds, trusted readers, and a word-list change reaching a second server on the same database.
// Real PostgreSQL, real servers, generated stubs.

#include <gtest/gtest.h>

#include <algorithm>
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
using testing::ViolatedFields;

class CommentPolicyTest : public ::testing::Test {
 protected:
  // Server `post_` shows comments at once and has no trusted readers; server `pre_` is a second
  // instance on the same database with pre-moderation and trust after 3 approved comments.
  static void SetUpTestSuite() {
    ServerOptions options;
    options.comment_rules.moderation = CommentModeration::kPost;
    options.comment_rules.flood_limit = 1000;
    options.comment_rules.trust_after = 0;
    post_ = testing::TestServer::Start("comment_policy_test", options).release();
    ASSERT_NE(post_, nullptr);
    ServerOptions pre_options;
    pre_options.comment_rules.moderation = CommentModeration::kPre;
    pre_options.comment_rules.flood_limit = 1000;
    pre_options.comment_rules.trust_after = 3;
    pre_ = testing::TestServer::StartOnDatabase(post_->database_url, pre_options).release();
    ASSERT_NE(pre_, nullptr);
    admin_token_ = IssueTokenFor(AdminRole::kAdmin, "Quản trị");
    moderator_token_ = IssueTokenFor(AdminRole::kModerator, "Biên tập viên Lan");
    article_id_ = testing::InsertArticle(post_->database_url, "Đối ngoại nhân dân");
  }

  static void TearDownTestSuite() {
    delete pre_;
    delete post_;
  }

  static std::string IssueTokenFor(AdminRole role, const std::string& name) {
    pqxx::connection db(post_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    absl::StatusOr<IssuedToken> issued = IssueToken(tx, role, name, "newsctl:test");
    EXPECT_TRUE(issued.ok()) << issued.status();
    tx.commit();
    return issued->token;
  }

  static grpc::Status AddTerm(testing::TestServer* server, v1::WordList list,
                              const std::string& term, const std::string& token = admin_token_) {
    v1::AddWordListTermRequest request;
    request.set_list(list);
    request.set_term(term);
    v1::WordListTerm added;
    return v1::ModerationService::NewStub(server->channel)
        ->AddWordListTerm(AdminContext(token).get(), request, &added);
  }

  static grpc::Status RemoveTerm(testing::TestServer* server, v1::WordList list,
                                 const std::string& term) {
    v1::RemoveWordListTermRequest request;
    request.set_list(list);
    request.set_term(term);
    v1::RemoveWordListTermResponse response;
    return v1::ModerationService::NewStub(server->channel)
        ->RemoveWordListTerm(AdminContext(admin_token_).get(), request, &response);
  }

  static grpc::Status Post(testing::TestServer* server, const std::string& client,
                           const std::string& body, v1::Comment* comment,
                           const std::string& author = "Độc giả") {
    static std::atomic<int> counter{0};
    v1::CreateCommentRequest request;
    request.set_article_id(article_id_);
    request.set_author_name(author);
    request.set_body(body);
    request.set_request_id(absl::StrCat("policy-", ++counter));
    return v1::CommentService::NewStub(server->channel)
        ->CreateComment(ClientContext(client).get(), request, comment);
  }

  // Posts and expects success; returns the new comment.
  static v1::Comment PostOk(testing::TestServer* server, const std::string& client,
                            const std::string& body) {
    v1::Comment comment;
    const grpc::Status status = Post(server, client, body, &comment);
    EXPECT_TRUE(status.ok()) << body << ": " << status.error_message();
    return comment;
  }

  // The queue item of comment `id` (PENDING queue, every article).
  static v1::ModerationItem QueueItem(int64_t id) {
    v1::ListModerationQueueRequest request;
    request.set_page_size(200);
    v1::ModerationItem found;
    while (true) {
      v1::ListModerationQueueResponse response;
      const grpc::Status status = v1::ModerationService::NewStub(post_->channel)
                                      ->ListModerationQueue(AdminContext(moderator_token_).get(),
                                                            request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      for (const auto& item : response.items()) {
        if (item.comment().id() == id) return item;
      }
      if (!status.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << "comment " << id << " is not in the queue";
    return found;
  }

  static void Moderate(int64_t id, v1::ModerationAction action) {
    v1::ModerateCommentsRequest request;
    request.add_comment_ids(id);
    request.set_action(action);
    v1::ModerateCommentsResponse response;
    const grpc::Status status = v1::ModerationService::NewStub(post_->channel)
                                    ->ModerateComments(AdminContext(moderator_token_).get(),
                                                       request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_TRUE(response.results(0).changed());
  }

  static testing::TestServer* post_;
  static testing::TestServer* pre_;
  static std::string admin_token_;
  static std::string moderator_token_;
  static int64_t article_id_;
};

testing::TestServer* CommentPolicyTest::post_ = nullptr;
testing::TestServer* CommentPolicyTest::pre_ = nullptr;
std::string CommentPolicyTest::admin_token_;
std::string CommentPolicyTest::moderator_token_;
int64_t CommentPolicyTest::article_id_ = 0;

TEST_F(CommentPolicyTest, BannedTermsAreRefusedInEveryDisguiseWithoutNamingThem) {
  ASSERT_TRUE(AddTerm(post_, v1::WORD_LIST_BANNED, "khốn nạn").ok());
  ASSERT_TRUE(AddTerm(post_, v1::WORD_LIST_BANNED, "scam").ok());
  const std::vector<std::string> disguises = {
      "Bọn này khốn nạn thật",
      "Bọn này khon nan thật",                       // tone marks removed
      "BỌN NÀY KHỐN NẠN THẬT",                       // upper case
      "Bọn này kho\u0302\u0301n na\u0323n thật",     // NFD
      "Bọn này kh\u200Bố\u200Bn n\u2060ạn thật",     // invisible characters inside the words
      "Bọn này k.h.ố.n n.ạ.n thật",                  // dots inside the words
      "Bọn này k h ố n  n ạ n thật",                 // spaces between the letters
      "Bọn này khốnnnnn nạạạạn thật",                // repeated letters
      "Bọn này khốnnạn thật",                        // the phrase without its space
      "what a s.c.a.m site",
      "what a SCAAAAM site",
  };
  for (const std::string& body : disguises) {
    v1::Comment comment;
    const grpc::Status status = Post(post_, "banned-reader", body, &comment);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << body;
    EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"body"}) << body;
    EXPECT_EQ(status.error_message().find("khốn"), std::string::npos);
    EXPECT_EQ(status.error_message().find("scam"), std::string::npos);
  }
  v1::Comment comment;
  const grpc::Status in_name = Post(post_, "banned-reader", "Bài viết hay", &comment, "Scam Bot");
  EXPECT_EQ(in_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(in_name), std::vector<std::string>{"author_name"});

  // A term inside a longer innocent word is not the word.
  EXPECT_EQ(PostOk(post_, "banned-reader", "Bài học về scammers và scamper").state(),
            v1::COMMENT_STATE_APPROVED);
  EXPECT_EQ(PostOk(post_, "banned-reader", "Khốn khó nạn đói năm ấy").state(),
            v1::COMMENT_STATE_APPROVED);
}

TEST_F(CommentPolicyTest, SuspectTermsHoldEvenUnderPostModerationAndTheQueueSaysWhich) {
  ASSERT_TRUE(AddTerm(post_, v1::WORD_LIST_SUSPECT, "Lừa đảo").ok());
  int round = 0;
  for (const std::string& text :
       {"Trang này lừa đảo đấy", "Trang này LUA DAO đấy", "Trang này l.ừ.a đ-ả-o đấy",
        "Trang này lu\u0300a đa\u0309o đấy", "Trang này lừaaaa đảooo đấy"}) {
    // Numbered, or the duplicate rule would refuse the folded-equal bodies.
    const std::string body = absl::StrCat(text, " ", ++round);
    const v1::Comment held = PostOk(post_, "suspect-reader", body);
    EXPECT_EQ(held.state(), v1::COMMENT_STATE_PENDING) << body;
    EXPECT_EQ(QueueItem(held.id()).hold().matched_term(), "Lừa đảo") << body;
  }
  // "lừa" alone, or inside other words, is not the phrase.
  EXPECT_EQ(PostOk(post_, "suspect-reader", "Đừng để bị lừa nhé").state(),
            v1::COMMENT_STATE_APPROVED);
  // A comment held for a plain pre-moderation reason has no hold.
  const v1::Comment pending = PostOk(pre_, "suspect-reader-pre", "Bình luận bình thường");
  EXPECT_EQ(pending.state(), v1::COMMENT_STATE_PENDING);
  EXPECT_FALSE(QueueItem(pending.id()).has_hold());
}

TEST_F(CommentPolicyTest, MoreLinksThanTheLimitAreHeld) {
  EXPECT_EQ(PostOk(post_, "link-reader", "Nguồn: https://example.com/bai-viet").state(),
            v1::COMMENT_STATE_APPROVED);
  EXPECT_EQ(PostOk(post_, "link-reader", "Ở TP.HCM giá 1.000.000 đồng, v.v.").state(),
            v1::COMMENT_STATE_APPROVED);
  for (const std::string& body : {"Xem https://a.example.com và http://b.example.org",
                                  "Vào example.com hoặc bit.ly/x nhé"}) {
    const v1::Comment held = PostOk(post_, "link-reader", body);
    EXPECT_EQ(held.state(), v1::COMMENT_STATE_PENDING) << body;
    const v1::ModerationItem item = QueueItem(held.id());
    EXPECT_EQ(item.hold().link_count(), 2) << body;
    EXPECT_EQ(item.hold().matched_term(), "") << body;
  }
}

TEST_F(CommentPolicyTest, TrustedReaderIsApprovedAtOnceUntilARejection) {
  const std::string client = "trusted-reader";
  for (int i = 0; i < 3; ++i) {
    const v1::Comment comment = PostOk(pre_, client, absl::StrCat("Ý kiến số ", i, " của tôi"));
    ASSERT_EQ(comment.state(), v1::COMMENT_STATE_PENDING);
    Moderate(comment.id(), v1::MODERATION_ACTION_APPROVE);
  }
  EXPECT_EQ(PostOk(pre_, client, "Ý kiến thứ tư của tôi").state(), v1::COMMENT_STATE_APPROVED);
  // Still subject to the link hold and the word lists.
  const v1::Comment links = PostOk(pre_, client, "Xem example.com và example.org");
  EXPECT_EQ(links.state(), v1::COMMENT_STATE_PENDING);
  EXPECT_EQ(QueueItem(links.id()).hold().link_count(), 2);
  // A rejection ends the trust.
  Moderate(links.id(), v1::MODERATION_ACTION_REJECT);
  EXPECT_EQ(PostOk(pre_, client, "Ý kiến thứ sáu của tôi").state(), v1::COMMENT_STATE_PENDING);
  // A reader with fewer approved comments is not trusted.
  const v1::Comment newcomer = PostOk(pre_, "new-reader", "Lần đầu bình luận");
  Moderate(newcomer.id(), v1::MODERATION_ACTION_APPROVE);
  EXPECT_EQ(PostOk(pre_, "new-reader", "Lần thứ hai bình luận").state(),
            v1::COMMENT_STATE_PENDING);
}

// UpdateComment goes through the same policy as CreateComment (CommentBoard::PolicyState), and
// the queue can be filtered by the suspect term that held a comment.
TEST_F(CommentPolicyTest, EditsMeetTheWordListsAndTheQueueFiltersByTerm) {
  ASSERT_TRUE(AddTerm(post_, v1::WORD_LIST_BANNED, "ngu xuẩn").ok());
  ASSERT_TRUE(AddTerm(post_, v1::WORD_LIST_SUSPECT, "Hàng giả").ok());
  const v1::Comment comment = PostOk(post_, "editing-reader", "Sản phẩm này dùng tốt");
  ASSERT_EQ(comment.state(), v1::COMMENT_STATE_APPROVED);
  ASSERT_FALSE(comment.edit_token().empty());
  auto edit = [&](const std::string& body, v1::Comment* edited) {
    v1::UpdateCommentRequest request;
    request.set_comment_id(comment.id());
    request.set_body(body);
    request.set_edit_token(comment.edit_token());
    return v1::CommentService::NewStub(post_->channel)
        ->UpdateComment(ClientContext("editing-reader").get(), request, edited);
  };

  v1::Comment edited;
  const grpc::Status banned = edit("Ai mua là NGU XUẨN", &edited);
  EXPECT_EQ(banned.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(banned), std::vector<std::string>{"body"});
  EXPECT_EQ(banned.error_message().find("ngu"), std::string::npos);

  // A links-only edit is allowed under post-moderation when within the limit.
  ASSERT_TRUE(edit("Sản phẩm này dùng tốt, xem example.com", &edited).ok());
  EXPECT_EQ(edited.state(), v1::COMMENT_STATE_APPROVED);
  EXPECT_EQ(edited.body(), "Sản phẩm này dùng tốt, xem example.com");

  // A suspect term in the new text takes the comment out of view, with its reason.
  ASSERT_TRUE(edit("Cẩn thận, đây là hang gia", &edited).ok());
  EXPECT_EQ(edited.state(), v1::COMMENT_STATE_PENDING);
  EXPECT_EQ(QueueItem(comment.id()).hold().matched_term(), "Hàng giả");

  // Held by links only, so not in the term's queue.
  const v1::Comment by_links = PostOk(post_, "editing-reader", "Xem example.com và example.org");
  ASSERT_EQ(by_links.state(), v1::COMMENT_STATE_PENDING);
  const v1::Comment by_term = PostOk(post_, "editing-reader", "Toàn HÀNG GIẢ thôi");
  ASSERT_EQ(by_term.state(), v1::COMMENT_STATE_PENDING);
  auto queue_ids = [&](const std::string& term) {
    v1::ListModerationQueueRequest request;
    request.set_matched_term(term);
    request.set_page_size(1);
    std::vector<int64_t> ids;
    while (true) {
      v1::ListModerationQueueResponse response;
      const grpc::Status status = v1::ModerationService::NewStub(post_->channel)
                                      ->ListModerationQueue(AdminContext(moderator_token_).get(),
                                                            request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      for (const auto& item : response.items()) {
        EXPECT_EQ(item.hold().matched_term(), term);
        ids.push_back(item.comment().id());
      }
      if (!status.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return ids;
  };
  EXPECT_EQ(queue_ids("Hàng giả"), (std::vector<int64_t>{comment.id(), by_term.id()}));
  const std::vector<int64_t> other = queue_ids("Lừa đảo");
  EXPECT_EQ(std::count(other.begin(), other.end(), comment.id()), 0);
  EXPECT_EQ(std::count(other.begin(), other.end(), by_links.id()), 0);
}

TEST_F(CommentPolicyTest, ASecondInstanceSeesWordListChanges) {
  // Added through one server, refused by the other within about a second.
  ASSERT_TRUE(AddTerm(post_, v1::WORD_LIST_BANNED, "xuyên instance").ok());
  grpc::StatusCode code = grpc::StatusCode::OK;
  for (int attempt = 0; attempt < 100 && code != grpc::StatusCode::INVALID_ARGUMENT; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    v1::Comment comment;
    code = Post(pre_, "instance-reader", absl::StrCat("xuyen instance lan ", attempt), &comment)
               .error_code();
  }
  EXPECT_EQ(code, grpc::StatusCode::INVALID_ARGUMENT);

  ASSERT_TRUE(RemoveTerm(post_, v1::WORD_LIST_BANNED, "XUYEN INSTANCE").ok());
  for (int attempt = 0; attempt < 100 && code != grpc::StatusCode::OK; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    v1::Comment comment;
    code = Post(pre_, "instance-reader", absl::StrCat("xuyen instance lai ", attempt), &comment)
               .error_code();
  }
  EXPECT_EQ(code, grpc::StatusCode::OK);
}

TEST_F(CommentPolicyTest, WordListRpcsCheckRolesInputAndAudit) {
  EXPECT_EQ(AddTerm(post_, v1::WORD_LIST_SUSPECT, "cờ bạc", moderator_token_).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(AddTerm(post_, v1::WORD_LIST_SUSPECT, "cờ bạc", "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(AddTerm(post_, v1::WORD_LIST_SUSPECT, "cờ bạc").ok());
  EXPECT_EQ(AddTerm(post_, v1::WORD_LIST_SUSPECT, "CO  BAC!").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // The other list may hold the same term.
  EXPECT_TRUE(AddTerm(post_, v1::WORD_LIST_BANNED, "cờ bạc").ok());
  const grpc::Status no_letters = AddTerm(post_, v1::WORD_LIST_SUSPECT, "!!! 123");
  EXPECT_EQ(no_letters.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(no_letters), std::vector<std::string>{"term"});
  const grpc::Status no_list = AddTerm(post_, v1::WORD_LIST_UNSPECIFIED, "cá độ");
  EXPECT_EQ(ViolatedFields(no_list), std::vector<std::string>{"list"});
  EXPECT_EQ(RemoveTerm(post_, v1::WORD_LIST_SUSPECT, "không có").error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Listed by a moderator, one list at a time, paged.
  auto stub = v1::ModerationService::NewStub(post_->channel);
  v1::ListWordListTermsRequest request;
  request.set_list(v1::WORD_LIST_SUSPECT);
  request.set_page_size(1);
  std::vector<std::string> suspect;
  while (true) {
    v1::ListWordListTermsResponse response;
    const grpc::Status status =
        stub->ListWordListTerms(AdminContext(moderator_token_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& term : response.terms()) {
      EXPECT_EQ(term.list(), v1::WORD_LIST_SUSPECT);
      EXPECT_EQ(term.created_by(), "Quản trị");
      suspect.push_back(term.term());
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_NE(std::find(suspect.begin(), suspect.end(), "cờ bạc"), suspect.end());

  ASSERT_TRUE(RemoveTerm(post_, v1::WORD_LIST_BANNED, "Cờ Bạc").ok());
  ASSERT_TRUE(RemoveTerm(post_, v1::WORD_LIST_SUSPECT, "cờ bạc").ok());
  v1::ListModerationEventsRequest events_request;
  events_request.set_action("WORD_LIST_REMOVE");
  v1::ListModerationEventsResponse events;
  ASSERT_TRUE(stub->ListModerationEvents(AdminContext(admin_token_).get(), events_request, &events)
                  .ok());
  ASSERT_GE(events.events_size(), 2);
  EXPECT_EQ(events.events(0).detail(), "suspect: cờ bạc");
  EXPECT_EQ(events.events(0).actor(), "Quản trị");
}

}  // namespace
}  // namespace news
