// ModerationService end to end: admin tokens, the queue, concurrent moderation, exact comment
// counts, bans and the audit log, against a real PostgreSQL cluster and the real server.

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
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

class ModerationServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    // The workloads below post many comments from few clients.
    options.comment_rules.flood_limit = 1000;
    server_ = testing::TestServer::Start("moderation_service_test", options).release();
    ASSERT_NE(server_, nullptr);
    comments_ = v1::CommentService::NewStub(server_->channel).release();
    moderation_ = v1::ModerationService::NewStub(server_->channel).release();
    moderator_token_ = IssueTokenFor(AdminRole::kModerator, "Biên tập viên Lan");
    second_moderator_token_ = IssueTokenFor(AdminRole::kModerator, "Biên tập viên Minh");
    admin_token_ = IssueTokenFor(AdminRole::kAdmin, "Quản trị");
  }

  static void TearDownTestSuite() {
    delete comments_;
    delete moderation_;
    delete server_;
  }

  // What `newsctl token create` does.
  static std::string IssueTokenFor(AdminRole role, const std::string& name) {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    absl::StatusOr<IssuedToken> issued = IssueToken(tx, role, name, "newsctl:test");
    EXPECT_TRUE(issued.ok()) << issued.status();
    tx.commit();
    return issued->token;
  }

  static v1::Comment Post(int64_t article_id, const std::string& client, const std::string& body,
                          int64_t parent_id = 0) {
    static std::atomic<int> counter{0};
    v1::CreateCommentRequest request;
    request.set_article_id(article_id);
    request.set_parent_id(parent_id);
    request.set_author_name("Độc giả");
    request.set_body(body);
    request.set_request_id(absl::StrCat("mod-", ++counter));
    v1::Comment comment;
    grpc::Status status = comments_->CreateComment(ClientContext(client).get(), request, &comment);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return comment;
  }

  static v1::ModerateCommentsResponse Moderate(
      const std::string& token, const std::vector<int64_t>& ids, v1::ModerationAction action,
      v1::CommentState expected = v1::COMMENT_STATE_UNSPECIFIED, const std::string& reason = "") {
    v1::ModerateCommentsRequest request;
    for (int64_t id : ids) request.add_comment_ids(id);
    request.set_action(action);
    request.set_expected_state(expected);
    request.set_reason(reason);
    v1::ModerateCommentsResponse response;
    grpc::Status status =
        moderation_->ModerateComments(AdminContext(token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static int64_t ApprovedInDatabase(int64_t article_id) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    return tx
        .exec_params1("SELECT count(*) FROM comments WHERE article_id = $1 AND state = 'approved'",
                      article_id)[0]
        .as<int64_t>();
  }

  static std::vector<v1::ModerationEvent> Events(const v1::ListModerationEventsRequest& request) {
    v1::ListModerationEventsResponse response;
    grpc::Status status =
        moderation_->ListModerationEvents(AdminContext(admin_token_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.events().begin(), response.events().end()};
  }

  static testing::TestServer* server_;
  static v1::CommentService::Stub* comments_;
  static v1::ModerationService::Stub* moderation_;
  static std::string moderator_token_;
  static std::string second_moderator_token_;
  static std::string admin_token_;
};

testing::TestServer* ModerationServiceTest::server_ = nullptr;
v1::CommentService::Stub* ModerationServiceTest::comments_ = nullptr;
v1::ModerationService::Stub* ModerationServiceTest::moderation_ = nullptr;
std::string ModerationServiceTest::moderator_token_;
std::string ModerationServiceTest::second_moderator_token_;
std::string ModerationServiceTest::admin_token_;

TEST_F(ModerationServiceTest, EveryRpcChecksTheTokenAndItsRole) {
  const std::string revoked = IssueTokenFor(AdminRole::kAdmin, "Đã thu hồi");
  {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    const int64_t id =
        tx.exec_params1("SELECT id FROM admin_tokens WHERE name = $1", "Đã thu hồi")[0]
            .as<int64_t>();
    ASSERT_TRUE(RevokeToken(tx, id, "newsctl:test").ok());
    tx.commit();
  }
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài kiểm tra quyền");

  // Each RPC with a request that is valid for an authorised caller.
  struct Rpc {
    std::string name;
    bool admin_only;
    std::function<grpc::Status(grpc::ClientContext*)> call;
  };
  const std::vector<Rpc> rpcs = {
      {"ListModerationQueue", false,
       [](grpc::ClientContext* context) {
         v1::ListModerationQueueResponse response;
         return moderation_->ListModerationQueue(context, {}, &response);
       }},
      {"ModerateComments", false,
       [](grpc::ClientContext* context) {
         v1::ModerateCommentsRequest request;
         request.add_comment_ids(999999);
         request.set_action(v1::MODERATION_ACTION_APPROVE);
         v1::ModerateCommentsResponse response;
         return moderation_->ModerateComments(context, request, &response);
       }},
      {"BanClient", false,
       [](grpc::ClientContext* context) {
         v1::BanClientRequest request;
         request.set_client_id("id:auth-matrix");
         v1::Ban response;
         return moderation_->BanClient(context, request, &response);
       }},
      {"ListBans", false,
       [](grpc::ClientContext* context) {
         v1::ListBansResponse response;
         return moderation_->ListBans(context, {}, &response);
       }},
      {"LiftBan", false,
       [](grpc::ClientContext* context) {
         v1::LiftBanRequest request;
         request.set_client_id("id:auth-matrix");
         v1::LiftBanResponse response;
         grpc::Status status = moderation_->LiftBan(context, request, &response);
         // Lifting twice is NOT_FOUND, which still proves the caller got through.
         return status.error_code() == grpc::StatusCode::NOT_FOUND ? grpc::Status::OK : status;
       }},
      {"ListModerationEvents", false,
       [](grpc::ClientContext* context) {
         v1::ListModerationEventsResponse response;
         return moderation_->ListModerationEvents(context, {}, &response);
       }},
      {"SetCommentsOpen", true,
       [article](grpc::ClientContext* context) {
         v1::SetCommentsOpenRequest request;
         request.set_article_id(article);
         request.set_open(true);
         v1::SetCommentsOpenResponse response;
         return moderation_->SetCommentsOpen(context, request, &response);
       }},
  };
  for (const Rpc& rpc : rpcs) {
    SCOPED_TRACE(rpc.name);
    EXPECT_EQ(rpc.call(AdminContext("").get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(rpc.call(AdminContext("nmt_0123456789abcdef").get()).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto basic = testing::AdminContext("");
    basic->AddMetadata("authorization", absl::StrCat("Basic ", admin_token_));
    EXPECT_EQ(rpc.call(basic.get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(rpc.call(AdminContext(revoked).get()).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    const grpc::Status as_moderator = rpc.call(AdminContext(moderator_token_).get());
    if (rpc.admin_only) {
      EXPECT_EQ(as_moderator.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    } else {
      EXPECT_TRUE(as_moderator.ok()) << as_moderator.error_message();
    }
    const grpc::Status as_admin = rpc.call(AdminContext(admin_token_).get());
    EXPECT_TRUE(as_admin.ok()) << as_admin.error_message();
  }
}

TEST_F(ModerationServiceTest, QueueListsPendingOldestFirstWithTitleAndClient) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin hàng đợi duyệt");
  std::vector<int64_t> posted;
  for (int i = 0; i < 3; ++i) {
    posted.push_back(Post(article, "queue-client", absl::StrCat("Chờ duyệt số ", i)).id());
  }
  v1::ListModerationQueueRequest request;
  request.set_article_id(article);
  request.set_page_size(2);
  std::vector<int64_t> seen;
  v1::ListModerationQueueResponse response;
  int pages = 0;
  do {
    ASSERT_TRUE(
        moderation_->ListModerationQueue(AdminContext(moderator_token_).get(), request, &response)
            .ok());
    for (const auto& item : response.items()) {
      seen.push_back(item.comment().id());
      EXPECT_EQ(item.article_title(), "Tin hàng đợi duyệt");
      EXPECT_EQ(item.client_id(), "id:queue-client");
      EXPECT_EQ(item.comment().state(), v1::COMMENT_STATE_PENDING);
    }
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 5);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, posted);
}

TEST_F(ModerationServiceTest, SecondModeratorGetsFailedPreconditionAndRepeatsAreNoOps) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin hai người duyệt");
  for (int round = 0; round < 5; ++round) {
    const int64_t id =
        Post(article, "race-client", absl::StrCat("Bình luận tranh chấp ", round)).id();
    v1::ModerateCommentsResponse approve, reject;
    std::thread first(
        [&] { approve = Moderate(moderator_token_, {id}, v1::MODERATION_ACTION_APPROVE); });
    std::thread second(
        [&] { reject = Moderate(second_moderator_token_, {id}, v1::MODERATION_ACTION_REJECT); });
    first.join();
    second.join();
    ASSERT_EQ(approve.results_size(), 1);
    ASSERT_EQ(reject.results_size(), 1);
    const v1::ModerationResult& a = approve.results(0);
    const v1::ModerationResult& r = reject.results(0);
    // Exactly one wins; the other is told the comment is no longer pending.
    EXPECT_NE(a.changed(), r.changed());
    const v1::ModerationResult& loser = a.changed() ? r : a;
    EXPECT_EQ(loser.status().code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(loser.state(), a.changed() ? v1::COMMENT_STATE_APPROVED : v1::COMMENT_STATE_REJECTED);
  }

  // The same action twice: the second is a no-op success.
  const int64_t id = Post(article, "race-client", "Bình luận được duyệt hai lần").id();
  v1::ModerateCommentsResponse once, twice;
  std::thread first(
      [&] { once = Moderate(moderator_token_, {id}, v1::MODERATION_ACTION_APPROVE); });
  std::thread second(
      [&] { twice = Moderate(second_moderator_token_, {id}, v1::MODERATION_ACTION_APPROVE); });
  first.join();
  second.join();
  EXPECT_EQ(once.results(0).status().code(), 0);
  EXPECT_EQ(twice.results(0).status().code(), 0);
  EXPECT_NE(once.results(0).changed(), twice.results(0).changed());
  EXPECT_EQ(testing::CommentCount(server_->database_url, article), ApprovedInDatabase(article));

  // Unknown ids and bad requests.
  const v1::ModerateCommentsResponse unknown =
      Moderate(moderator_token_, {id, 987654321}, v1::MODERATION_ACTION_APPROVE);
  EXPECT_EQ(unknown.results(0).status().code(), 0);
  EXPECT_EQ(unknown.results(1).status().code(), grpc::StatusCode::NOT_FOUND);
  v1::ModerateCommentsRequest too_many;
  for (int i = 1; i <= 101; ++i) too_many.add_comment_ids(i);
  too_many.set_action(v1::MODERATION_ACTION_REJECT);
  v1::ModerateCommentsResponse ignored;
  EXPECT_EQ(moderation_->ModerateComments(AdminContext(moderator_token_).get(), too_many, &ignored)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ModerationServiceTest, CommentCountIsExactAfterMixedConcurrentWorkload) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin nhiều bình luận");
  std::vector<int64_t> ids;
  for (int i = 0; i < 60; ++i) {
    ids.push_back(Post(article, absl::StrCat("busy-", i % 7), absl::StrCat("Ý kiến thứ ", i)).id());
  }
  // Four moderators at once: two approve everything, one rejects every third comment, one
  // marks every fifth as spam; afterwards deletes race with approvals of what is left.
  const std::vector<std::string> tokens = {moderator_token_, second_moderator_token_, admin_token_,
                                           moderator_token_};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int64_t id : ids) Moderate(tokens[0], {id}, v1::MODERATION_ACTION_APPROVE);
  });
  threads.emplace_back([&] {
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
      Moderate(tokens[1], {*it}, v1::MODERATION_ACTION_APPROVE);
    }
  });
  threads.emplace_back([&] {
    std::vector<int64_t> batch;
    for (size_t i = 0; i < ids.size(); i += 3) batch.push_back(ids[i]);
    Moderate(tokens[2], batch, v1::MODERATION_ACTION_REJECT);
  });
  threads.emplace_back([&] {
    for (size_t i = 0; i < ids.size(); i += 5) {
      Moderate(tokens[3], {ids[i]}, v1::MODERATION_ACTION_MARK_SPAM);
    }
  });
  for (auto& thread : threads) thread.join();
  threads.clear();
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < ids.size(); i += 2) {
        Moderate(tokens[t], {ids[i]}, v1::MODERATION_ACTION_DELETE, v1::COMMENT_STATE_APPROVED);
      }
    });
  }
  threads.emplace_back([&] {
    for (int64_t id : ids) {
      Moderate(tokens[3], {id}, v1::MODERATION_ACTION_APPROVE, v1::COMMENT_STATE_REJECTED);
    }
  });
  for (auto& thread : threads) thread.join();

  const int64_t approved = ApprovedInDatabase(article);
  EXPECT_GT(approved, 0);
  EXPECT_LT(approved, 60);
  EXPECT_EQ(testing::CommentCount(server_->database_url, article), approved);
}

TEST_F(ModerationServiceTest, DeletingACommentWithRepliesKeepsTheThreadReadable) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin có chuỗi trả lời");
  const int64_t top = Post(article, "thread-root", "Bình luận mở đầu chuỗi").id();
  Moderate(moderator_token_, {top}, v1::MODERATION_ACTION_APPROVE);
  const int64_t reply = Post(article, "thread-reply", "Trả lời bình luận mở đầu", top).id();
  Moderate(moderator_token_, {reply}, v1::MODERATION_ACTION_APPROVE);
  EXPECT_EQ(testing::CommentCount(server_->database_url, article), 2);

  const v1::ModerateCommentsResponse deleted =
      Moderate(moderator_token_, {top}, v1::MODERATION_ACTION_DELETE, v1::COMMENT_STATE_APPROVED,
               "Vi phạm nội quy");
  EXPECT_TRUE(deleted.results(0).changed());
  EXPECT_EQ(testing::CommentCount(server_->database_url, article), 1);

  v1::ListCommentsRequest list;
  list.set_article_id(article);
  v1::ListCommentsResponse page;
  ASSERT_TRUE(comments_->ListComments(ClientContext("reader").get(), list, &page).ok());
  ASSERT_EQ(page.comments_size(), 1);
  const v1::Comment& tombstone = page.comments(0);
  EXPECT_EQ(tombstone.id(), top);
  EXPECT_EQ(tombstone.state(), v1::COMMENT_STATE_DELETED);
  EXPECT_TRUE(tombstone.body().empty());
  EXPECT_TRUE(tombstone.author_name().empty());
  ASSERT_EQ(tombstone.replies_size(), 1);
  EXPECT_EQ(tombstone.replies(0).body(), "Trả lời bình luận mở đầu");

  // Without approved replies the deleted comment disappears.
  Moderate(moderator_token_, {reply}, v1::MODERATION_ACTION_DELETE, v1::COMMENT_STATE_APPROVED);
  ASSERT_TRUE(comments_->ListComments(ClientContext("reader").get(), list, &page).ok());
  EXPECT_EQ(page.comments_size(), 0);
  EXPECT_EQ(testing::CommentCount(server_->database_url, article), 0);
}

TEST_F(ModerationServiceTest, BannedClientIsRefusedUntilTheBanIsLifted) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin có người bị cấm");
  v1::BanClientRequest ban;
  ban.set_client_id("id:troll");
  ban.set_reason("Spam quảng cáo");
  v1::Ban made;
  ASSERT_TRUE(moderation_->BanClient(AdminContext(moderator_token_).get(), ban, &made).ok());
  EXPECT_EQ(made.created_by(), "Biên tập viên Lan");
  EXPECT_FALSE(made.has_expire_time());

  v1::CreateCommentRequest request;
  request.set_article_id(article);
  request.set_author_name("Troll");
  request.set_body("Mua hàng giá rẻ tại đây");
  request.set_request_id("troll-1");
  v1::Comment comment;
  grpc::Status status = comments_->CreateComment(ClientContext("troll").get(), request, &comment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(testing::ErrorReason(status), "CLIENT_BANNED");

  v1::ListBansResponse bans;
  ASSERT_TRUE(moderation_->ListBans(AdminContext(moderator_token_).get(), {}, &bans).ok());
  bool listed = false;
  for (const auto& b : bans.bans()) listed |= b.client_id() == "id:troll";
  EXPECT_TRUE(listed);

  v1::LiftBanRequest lift;
  lift.set_client_id("id:troll");
  v1::LiftBanResponse lifted;
  ASSERT_TRUE(moderation_->LiftBan(AdminContext(moderator_token_).get(), lift, &lifted).ok());
  EXPECT_EQ(moderation_->LiftBan(AdminContext(moderator_token_).get(), lift, &lifted).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(comments_->CreateComment(ClientContext("troll").get(), request, &comment).ok());

  // A ban that has run out no longer applies.
  ban.mutable_duration()->set_seconds(3600);
  ASSERT_TRUE(moderation_->BanClient(AdminContext(moderator_token_).get(), ban, &made).ok());
  EXPECT_TRUE(made.has_expire_time());
  {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction(db).exec(
        "UPDATE client_bans SET expire_time = now() - interval '1 second' "
        "WHERE client_id = 'id:troll'");
  }
  request.set_request_id("troll-2");
  request.set_body("Một bình luận tử tế");
  EXPECT_TRUE(comments_->CreateComment(ClientContext("troll").get(), request, &comment).ok());
}

TEST_F(ModerationServiceTest, BannedClientCanNeitherLikeNorUnlike) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin có người thích");
  const int64_t id = Post(article, "liked-author", "Bình luận được nhiều người thích").id();
  Moderate(moderator_token_, {id}, v1::MODERATION_ACTION_APPROVE);
  v1::LikeCommentRequest like;
  like.set_comment_id(id);
  v1::UnlikeCommentRequest unlike;
  unlike.set_comment_id(id);
  v1::Comment liked;
  ASSERT_TRUE(comments_->LikeComment(ClientContext("grumpy").get(), like, &liked).ok());
  EXPECT_EQ(liked.like_count(), 1);

  v1::BanClientRequest ban;
  ban.set_client_id("id:grumpy");
  v1::Ban made;
  ASSERT_TRUE(moderation_->BanClient(AdminContext(moderator_token_).get(), ban, &made).ok());
  v1::Comment ignored;
  grpc::Status status = comments_->LikeComment(ClientContext("grumpy").get(), like, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(testing::ErrorReason(status), "CLIENT_BANNED");
  status = comments_->UnlikeComment(ClientContext("grumpy").get(), unlike, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(testing::ErrorReason(status), "CLIENT_BANNED");
  // Refused even where an unbanned client would get NOT_FOUND: the ban is checked first.
  like.set_comment_id(id + 100000);
  status = comments_->LikeComment(ClientContext("grumpy").get(), like, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  like.set_comment_id(id);

  // The refused unlike left the like in place; others still like as before.
  ASSERT_TRUE(comments_->LikeComment(ClientContext("cheerful").get(), like, &liked).ok());
  EXPECT_EQ(liked.like_count(), 2);

  v1::LiftBanRequest lift;
  lift.set_client_id("id:grumpy");
  v1::LiftBanResponse lifted;
  ASSERT_TRUE(moderation_->LiftBan(AdminContext(moderator_token_).get(), lift, &lifted).ok());
  ASSERT_TRUE(comments_->UnlikeComment(ClientContext("grumpy").get(), unlike, &liked).ok());
  EXPECT_EQ(liked.like_count(), 1);
}

// Issue 10, case 3: every removal of a parent (reject, spam, delete) leaves the same tombstone,
// its approved replies readable and counted, and the parent itself unlikeable and unrepliable;
// re-approving it restores it.
TEST_F(ModerationServiceTest, RemovedParentKeepsItsRepliesReadableAndCounted) {
  const v1::ModerationAction removals[] = {v1::MODERATION_ACTION_MARK_SPAM,
                                           v1::MODERATION_ACTION_REJECT,
                                           v1::MODERATION_ACTION_DELETE};
  for (const v1::ModerationAction removal : removals) {
    SCOPED_TRACE(v1::ModerationAction_Name(removal));
    const std::string name = v1::ModerationAction_Name(removal);
    const int64_t article =
        testing::InsertArticle(server_->database_url, absl::StrCat("Tin về chuỗi ", name));
    const int64_t parent = Post(article, "p-" + name, "Bình luận gốc của chuỗi").id();
    Moderate(moderator_token_, {parent}, v1::MODERATION_ACTION_APPROVE);
    const int64_t reply = Post(article, "r-" + name, "Trả lời bình luận gốc", parent).id();
    Moderate(moderator_token_, {reply}, v1::MODERATION_ACTION_APPROVE);
    ASSERT_TRUE(Moderate(moderator_token_, {parent}, removal, v1::COMMENT_STATE_APPROVED)
                    .results(0)
                    .changed());
    EXPECT_EQ(testing::CommentCount(server_->database_url, article), 1);

    v1::ListCommentsRequest list;
    list.set_article_id(article);
    v1::ListCommentsResponse page;
    ASSERT_TRUE(comments_->ListComments(ClientContext("reader").get(), list, &page).ok());
    ASSERT_EQ(page.comments_size(), 1);
    EXPECT_EQ(page.comments(0).id(), parent);
    EXPECT_EQ(page.comments(0).state(), v1::COMMENT_STATE_DELETED);
    EXPECT_TRUE(page.comments(0).body().empty());
    EXPECT_TRUE(page.comments(0).author_name().empty());
    ASSERT_EQ(page.comments(0).replies_size(), 1);
    EXPECT_EQ(page.comments(0).replies(0).id(), reply);

    // The removed parent takes no likes and no replies, as if it did not exist.
    v1::LikeCommentRequest like;
    like.set_comment_id(parent);
    v1::Comment ignored;
    EXPECT_EQ(comments_->LikeComment(ClientContext("fan").get(), like, &ignored).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::UnlikeCommentRequest unlike;
    unlike.set_comment_id(parent);
    EXPECT_EQ(comments_->UnlikeComment(ClientContext("fan").get(), unlike, &ignored).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::CreateCommentRequest to_parent;
    to_parent.set_article_id(article);
    to_parent.set_parent_id(parent);
    to_parent.set_author_name("Độc giả");
    to_parent.set_body("Trả lời bình luận đã bị gỡ");
    to_parent.set_request_id("to-removed-" + name);
    EXPECT_EQ(
        comments_->CreateComment(ClientContext("late").get(), to_parent, &ignored).error_code(),
        grpc::StatusCode::NOT_FOUND);

    // The readable reply is likeable and repliable; an approved answer to it joins the thread,
    // is counted and is shown.
    like.set_comment_id(reply);
    v1::Comment liked;
    ASSERT_TRUE(comments_->LikeComment(ClientContext("fan").get(), like, &liked).ok());
    EXPECT_EQ(liked.like_count(), 1);
    const v1::Comment answer = Post(article, "a-" + name, "Trả lời câu trả lời", reply);
    EXPECT_EQ(answer.parent_id(), parent);
    Moderate(moderator_token_, {answer.id()}, v1::MODERATION_ACTION_APPROVE);
    EXPECT_EQ(testing::CommentCount(server_->database_url, article), 2);
    ASSERT_TRUE(comments_->ListComments(ClientContext("reader").get(), list, &page).ok());
    ASSERT_EQ(page.comments_size(), 1);
    ASSERT_EQ(page.comments(0).replies_size(), 2);
    EXPECT_EQ(page.comments(0).replies(1).id(), answer.id());

    // Re-approving the parent brings it back whole.
    const v1::CommentState removed_state =
        removal == v1::MODERATION_ACTION_MARK_SPAM ? v1::COMMENT_STATE_SPAM
        : removal == v1::MODERATION_ACTION_REJECT  ? v1::COMMENT_STATE_REJECTED
                                                   : v1::COMMENT_STATE_DELETED;
    ASSERT_TRUE(
        Moderate(moderator_token_, {parent}, v1::MODERATION_ACTION_APPROVE, removed_state)
            .results(0)
            .changed());
    EXPECT_EQ(testing::CommentCount(server_->database_url, article), 3);
    ASSERT_TRUE(comments_->ListComments(ClientContext("reader").get(), list, &page).ok());
    ASSERT_EQ(page.comments_size(), 1);
    EXPECT_EQ(page.comments(0).state(), v1::COMMENT_STATE_APPROVED);
    EXPECT_EQ(page.comments(0).body(), "Bình luận gốc của chuỗi");
    EXPECT_EQ(page.comments(0).replies_size(), 2);
  }
}

TEST_F(ModerationServiceTest, AdminClosesAndReopensComments) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin tạm khoá bình luận");
  v1::SetCommentsOpenRequest close;
  close.set_article_id(article);
  close.set_open(false);
  v1::SetCommentsOpenResponse response;
  ASSERT_TRUE(
      moderation_->SetCommentsOpen(AdminContext(admin_token_).get(), close, &response).ok());
  EXPECT_FALSE(response.comments_open());

  v1::CreateCommentRequest request;
  request.set_article_id(article);
  request.set_author_name("Bạn đọc");
  request.set_body("Bình luận khi đã khoá");
  request.set_request_id("closed-1");
  v1::Comment comment;
  EXPECT_EQ(comments_->CreateComment(ClientContext("closed").get(), request, &comment).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  close.set_open(true);
  ASSERT_TRUE(
      moderation_->SetCommentsOpen(AdminContext(admin_token_).get(), close, &response).ok());
  EXPECT_TRUE(comments_->CreateComment(ClientContext("closed").get(), request, &comment).ok());

  close.set_article_id(987654321);
  EXPECT_EQ(
      moderation_->SetCommentsOpen(AdminContext(admin_token_).get(), close, &response).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(ModerationServiceTest, AuditLogRecordsEveryActionAndIsAppendOnly) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Tin kiểm toán");
  const int64_t approve = Post(article, "audited", "Sẽ được duyệt").id();
  const int64_t reject = Post(article, "audited", "Sẽ bị từ chối").id();
  const int64_t spam = Post(article, "audited", "Sẽ bị đánh dấu spam").id();
  Moderate(moderator_token_, {approve}, v1::MODERATION_ACTION_APPROVE, {}, "Hợp lệ");
  Moderate(moderator_token_, {reject}, v1::MODERATION_ACTION_REJECT, {}, "Lạc đề");
  Moderate(moderator_token_, {spam}, v1::MODERATION_ACTION_MARK_SPAM, {}, "Quảng cáo");
  Moderate(second_moderator_token_, {approve}, v1::MODERATION_ACTION_DELETE,
           v1::COMMENT_STATE_APPROVED, "Tác giả yêu cầu xoá");

  struct Expected {
    int64_t comment_id;
    std::string action;
    std::string actor;
    v1::CommentState before;
    v1::CommentState after;
    std::string reason;
  };
  const std::vector<Expected> expected = {
      {approve, "APPROVE", "Biên tập viên Lan", v1::COMMENT_STATE_PENDING,
       v1::COMMENT_STATE_APPROVED, "Hợp lệ"},
      {reject, "REJECT", "Biên tập viên Lan", v1::COMMENT_STATE_PENDING, v1::COMMENT_STATE_REJECTED,
       "Lạc đề"},
      {spam, "MARK_SPAM", "Biên tập viên Lan", v1::COMMENT_STATE_PENDING, v1::COMMENT_STATE_SPAM,
       "Quảng cáo"},
      {approve, "DELETE", "Biên tập viên Minh", v1::COMMENT_STATE_APPROVED,
       v1::COMMENT_STATE_DELETED, "Tác giả yêu cầu xoá"},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.action);
    v1::ListModerationEventsRequest request;
    request.set_comment_id(e.comment_id);
    request.set_action(e.action);
    const std::vector<v1::ModerationEvent> events = Events(request);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].actor(), e.actor);
    EXPECT_EQ(events[0].state_before(), e.before);
    EXPECT_EQ(events[0].state_after(), e.after);
    EXPECT_EQ(events[0].reason(), e.reason);
    EXPECT_EQ(events[0].article_id(), article);
    EXPECT_EQ(events[0].client_id(), "id:audited");
    EXPECT_TRUE(events[0].has_create_time());
  }

  // Bans, article settings and token actions are logged too.
  v1::BanClientRequest ban;
  ban.set_client_id("id:audited");
  ban.set_reason("Kiểm tra nhật ký");
  v1::Ban made;
  ASSERT_TRUE(moderation_->BanClient(AdminContext(moderator_token_).get(), ban, &made).ok());
  v1::LiftBanRequest lift;
  lift.set_client_id("id:audited");
  v1::LiftBanResponse lifted;
  ASSERT_TRUE(moderation_->LiftBan(AdminContext(admin_token_).get(), lift, &lifted).ok());
  v1::SetCommentsOpenRequest close;
  close.set_article_id(article);
  v1::SetCommentsOpenResponse closed;
  ASSERT_TRUE(moderation_->SetCommentsOpen(AdminContext(admin_token_).get(), close, &closed).ok());
  IssueTokenFor(AdminRole::kModerator, "Token nhật ký");

  v1::ListModerationEventsRequest by_client;
  by_client.set_client_id("id:audited");
  std::vector<std::string> actions;
  for (const auto& event : Events(by_client)) actions.push_back(event.action());
  EXPECT_EQ(actions, (std::vector<std::string>{"LIFT_BAN", "BAN", "DELETE", "MARK_SPAM", "REJECT",
                                               "APPROVE"}));
  v1::ListModerationEventsRequest closing;
  closing.set_action("SET_COMMENTS_CLOSED");
  bool found_close = false;
  for (const auto& event : Events(closing)) found_close |= event.article_id() == article;
  EXPECT_TRUE(found_close);
  v1::ListModerationEventsRequest tokens;
  tokens.set_action("TOKEN_CREATE");
  tokens.set_page_size(100);
  bool found_token = false;
  for (const auto& event : Events(tokens)) {
    found_token |= event.detail().find("Token nhật ký") != std::string::npos;
    EXPECT_EQ(event.actor(), "newsctl:test");
    // The secret never reaches the log.
    EXPECT_EQ(event.detail().find("nmt_"), std::string::npos);
  }
  EXPECT_TRUE(found_token);

  // Paging through the whole log, newest first.
  v1::ListModerationEventsRequest all;
  all.set_page_size(3);
  int64_t previous = std::numeric_limits<int64_t>::max();
  int pages = 0;
  do {
    v1::ListModerationEventsResponse page;
    ASSERT_TRUE(
        moderation_->ListModerationEvents(AdminContext(admin_token_).get(), all, &page).ok());
    for (const auto& event : page.events()) {
      EXPECT_LT(event.id(), previous);
      previous = event.id();
    }
    all.set_page_token(page.next_page_token());
  } while (!all.page_token().empty() && ++pages < 1000);

  // The database refuses to rewrite history.
  pqxx::connection db(server_->database_url);
  EXPECT_THROW(pqxx::nontransaction(db).exec("UPDATE moderation_events SET reason = 'sửa'"),
               pqxx::sql_error);
  EXPECT_THROW(pqxx::nontransaction(db).exec("DELETE FROM moderation_events"), pqxx::sql_error);
}

}  // namespace
}  // namespace news
