// LiveService end to end (docs/live.md): comment and article streams against a real PostgreSQL
// cluster and the real server: order, resume without gap or repeat while comments are approved
// concurrently, pending comments never sent, slow readers cut off, the stream limit, shutdown,
// expired and foreign resume tokens.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/comment.grpc.pb.h"
#include "news/v1/live.grpc.pb.h"
#include "news/v1/moderation.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/error_details.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using testing::AdminContext;
using testing::ClientContext;

// One open WatchComments or WatchArticles call.
template <typename Event>
struct Watch {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<Event>> reader;
  std::optional<grpc::Status> status;

  // The next event; fails the test when the stream ends instead.
  Event Next() {
    Event event;
    EXPECT_TRUE(reader->Read(&event)) << "the stream ended: " << Finish().error_message();
    return event;
  }
  // The call's status (once the stream ended).
  grpc::Status Finish() {
    if (!status.has_value()) status = reader->Finish();
    return *status;
  }
};

// Waits until `condition` holds, up to 20 s.
template <typename Condition>
bool Eventually(Condition condition) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

class LiveServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.comment_rules.flood_limit = 100000;
    options.live.queue_events = 64;
    options.live.max_streams = 6;
    server_ = testing::TestServer::Start("live_service_test", options).release();
    ASSERT_NE(server_, nullptr);
    comments_ = v1::CommentService::NewStub(server_->channel).release();
    moderation_ = v1::ModerationService::NewStub(server_->channel).release();
    moderator_token_ = IssueTokenFor(AdminRole::kModerator);
  }

  static void TearDownTestSuite() {
    delete comments_;
    delete moderation_;
    delete server_;
  }

  static std::string IssueTokenFor(AdminRole role) {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    absl::StatusOr<IssuedToken> issued = IssueToken(tx, role, "Biên tập viên", "newsctl:test");
    EXPECT_TRUE(issued.ok()) << issued.status();
    tx.commit();
    return issued->token;
  }

  // With bdp_probe false, the client's buffers stay at the initial flow-control window, so that
  // a client that does not read holds the server back soon.
  static std::shared_ptr<grpc::Channel> NewChannel(bool bdp_probe = true) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, bdp_probe ? 1 : 0);
    // A channel of its own per stream, so that streams never share an HTTP/2 connection.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->server->port()),
                                     grpc::InsecureChannelCredentials(), arguments);
  }

  static Watch<v1::CommentEvent> WatchComments(int64_t article_id,
                                               const std::string& token = "",
                                               std::shared_ptr<grpc::Channel> channel = nullptr) {
    if (channel == nullptr) channel = server_->channel;
    Watch<v1::CommentEvent> watch;
    watch.context = testing::ContextWithDeadline(60);
    v1::WatchCommentsRequest request;
    request.set_article_id(article_id);
    request.set_resume_token(token);
    watch.reader = v1::LiveService::NewStub(channel)->WatchComments(watch.context.get(), request);
    return watch;
  }

  static Watch<v1::ArticleEvent> WatchArticles(int64_t category_id) {
    Watch<v1::ArticleEvent> watch;
    watch.context = testing::ContextWithDeadline(60);
    v1::WatchArticlesRequest request;
    request.set_category_id(category_id);
    watch.reader =
        v1::LiveService::NewStub(server_->channel)->WatchArticles(watch.context.get(), request);
    return watch;
  }

  static v1::Comment Post(int64_t article_id, const std::string& body) {
    static std::atomic<int> counter{0};
    v1::CreateCommentRequest request;
    request.set_article_id(article_id);
    request.set_author_name("Độc giả");
    request.set_body(body);
    request.set_request_id(absl::StrCat("live-", ++counter));
    v1::Comment comment;
    grpc::Status status =
        comments_->CreateComment(ClientContext("live-reader").get(), request, &comment);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return comment;
  }

  static void Moderate(const std::vector<int64_t>& ids, v1::ModerationAction action,
                       v1::CommentState expected = v1::COMMENT_STATE_UNSPECIFIED) {
    for (size_t start = 0; start < ids.size(); start += 100) {
      v1::ModerateCommentsRequest request;
      for (size_t i = start; i < ids.size() && i < start + 100; ++i) {
        request.add_comment_ids(ids[i]);
      }
      request.set_action(action);
      request.set_expected_state(expected);
      v1::ModerateCommentsResponse response;
      grpc::Status status = moderation_->ModerateComments(AdminContext(moderator_token_).get(),
                                                          request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  static void Approve(int64_t id) { Moderate({id}, v1::MODERATION_ACTION_APPROVE); }

  // Comment ids of the article's approvals, in change-log order.
  static std::vector<int64_t> LoggedApprovals(int64_t article_id) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec_params(
             "SELECT comment_id FROM change_log WHERE article_id = $1 AND kind = "
             "'comment.approved' ORDER BY position",
             article_id)) {
      ids.push_back(row[0].as<int64_t>());
    }
    return ids;
  }

  static testing::TestServer* server_;
  static v1::CommentService::Stub* comments_;
  static v1::ModerationService::Stub* moderation_;
  static std::string moderator_token_;
};

testing::TestServer* LiveServiceTest::server_ = nullptr;
v1::CommentService::Stub* LiveServiceTest::comments_ = nullptr;
v1::ModerationService::Stub* LiveServiceTest::moderation_ = nullptr;
std::string LiveServiceTest::moderator_token_;

TEST_F(LiveServiceTest, ApprovedCommentsArriveInOrderAndPendingOnesNever) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài có bình luận");
  const int64_t other = testing::InsertArticle(server_->database_url, "Bài khác");
  auto watch = WatchComments(article);
  EXPECT_EQ(watch.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);

  const v1::Comment pending = Post(article, "Bình luận này chờ duyệt mãi");
  const v1::Comment elsewhere = Post(other, "Bình luận ở bài khác");
  Approve(elsewhere.id());
  std::vector<v1::Comment> approved;
  for (int i = 0; i < 5; ++i) {
    approved.push_back(Post(article, absl::StrCat("Bình luận thứ ", i, " rất hay")));
    Approve(approved.back().id());
  }
  for (const v1::Comment& comment : approved) {
    const v1::CommentEvent event = watch.Next();
    EXPECT_EQ(event.type(), v1::COMMENT_EVENT_TYPE_APPROVED);
    EXPECT_EQ(event.comment().id(), comment.id());
    EXPECT_EQ(event.comment().body(), comment.body());
    EXPECT_EQ(event.comment().state(), v1::COMMENT_STATE_APPROVED);
    EXPECT_FALSE(event.resume_token().empty());
    EXPECT_TRUE(event.has_change_time());
  }

  // An edit under pre-moderation takes the comment out of view: REMOVED, without the new text.
  v1::UpdateCommentRequest update;
  update.set_comment_id(approved[0].id());
  update.set_edit_token(approved[0].edit_token());
  update.set_body("Nội dung mới chưa được duyệt");
  v1::Comment updated;
  ASSERT_TRUE(
      comments_->UpdateComment(ClientContext("live-reader").get(), update, &updated).ok());
  const v1::CommentEvent removed = watch.Next();
  EXPECT_EQ(removed.type(), v1::COMMENT_EVENT_TYPE_REMOVED);
  EXPECT_EQ(removed.comment().id(), approved[0].id());
  EXPECT_TRUE(removed.comment().body().empty());

  // The sentinel comes next: nothing of the pending comment, the other article or the
  // pending edit came before it.
  const v1::Comment sentinel = Post(article, "Bình luận cuối cùng");
  Approve(sentinel.id());
  const v1::CommentEvent last = watch.Next();
  EXPECT_EQ(last.type(), v1::COMMENT_EVENT_TYPE_APPROVED);
  EXPECT_EQ(last.comment().id(), sentinel.id());
  EXPECT_NE(last.comment().id(), pending.id());
  watch.context->TryCancel();
  watch.Finish();
}

TEST_F(LiveServiceTest, LikeCountsArriveCoalesced) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài được thích");
  auto watch = WatchComments(article);
  EXPECT_EQ(watch.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  const v1::Comment comment = Post(article, "Bình luận được thích");
  Approve(comment.id());
  EXPECT_EQ(watch.Next().type(), v1::COMMENT_EVENT_TYPE_APPROVED);
  // After the hub has seen the article's counts once (within a second of the first watcher).
  absl::SleepFor(absl::Milliseconds(1500));
  for (const char* client : {"fan-1", "fan-2", "fan-3"}) {
    v1::LikeCommentRequest like;
    like.set_comment_id(comment.id());
    v1::Comment liked;
    ASSERT_TRUE(comments_->LikeComment(ClientContext(client).get(), like, &liked).ok());
  }
  // Three likes in well under a second: one or two events, the last with the final count.
  int64_t count = 0;
  int events = 0;
  std::string token;
  while (count < 3) {
    const v1::CommentEvent event = watch.Next();
    ASSERT_EQ(event.type(), v1::COMMENT_EVENT_TYPE_LIKES);
    EXPECT_EQ(event.comment().id(), comment.id());
    EXPECT_TRUE(event.comment().body().empty());
    count = event.comment().like_count();
    token = event.resume_token();
    ++events;
  }
  EXPECT_EQ(count, 3);
  EXPECT_LE(events, 3);
  watch.context->TryCancel();
  watch.Finish();

  // A like event's token resumes after everything sent before it: no repeat, no gap.
  auto resumed = WatchComments(article, token);
  EXPECT_EQ(resumed.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  const v1::Comment next = Post(article, "Bình luận sau lượt thích");
  Approve(next.id());
  const v1::CommentEvent event = resumed.Next();
  EXPECT_EQ(event.type(), v1::COMMENT_EVENT_TYPE_APPROVED);
  EXPECT_EQ(event.comment().id(), next.id());
  resumed.context->TryCancel();
  resumed.Finish();
}

TEST_F(LiveServiceTest, ResumingAfterDroppedConnectionsMissesNothingAndRepeatsNothing) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài nóng");
  constexpr int kComments = 60;
  std::vector<int64_t> ids;
  for (int i = 0; i < kComments; ++i) {
    ids.push_back(Post(article, absl::StrCat("Bình luận số ", i, " về bài nóng")).id());
  }
  auto watch = WatchComments(article);
  ASSERT_EQ(watch.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  std::thread moderator([&] {
    for (int64_t id : ids) Approve(id);
  });
  std::vector<int64_t> received;
  std::string token;
  int reconnects = 0;
  while (received.size() < ids.size()) {
    // Drop the connection every 7 events (the client keeps the token of the last event it
    // handled; whatever was in flight is lost and must come again).
    for (int i = 0; i < 7 && received.size() < ids.size(); ++i) {
      v1::CommentEvent event;
      if (!watch.reader->Read(&event)) {
        // A client that fell behind is cut off, and resumes as after any other break.
        const grpc::Status status = watch.Finish();
        EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
            << status.error_message();
        break;
      }
      token = event.resume_token();
      if (event.type() == v1::COMMENT_EVENT_TYPE_CAUGHT_UP) continue;
      EXPECT_EQ(event.type(), v1::COMMENT_EVENT_TYPE_APPROVED);
      received.push_back(event.comment().id());
    }
    if (::testing::Test::HasFailure()) break;
    watch.context->TryCancel();
    watch.Finish();
    // A new connection each time, as a phone gets.
    watch = WatchComments(article, token, NewChannel());
    ++reconnects;
  }
  moderator.join();
  watch.context->TryCancel();
  watch.Finish();
  EXPECT_GT(reconnects, 5);
  EXPECT_EQ(received, LoggedApprovals(article));
  EXPECT_EQ(received.size(), ids.size());
}

TEST_F(LiveServiceTest, AClientThatStopsReadingIsCutOffAndResumes) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài nhiều bình luận");
  constexpr int kComments = 400;
  std::vector<int64_t> ids;
  const std::string long_text(400, 'x');
  for (int i = 0; i < kComments; ++i) {
    ids.push_back(Post(article, absl::StrCat("Ý kiến số ", i, " của độc giả Việt Nam ",
                                             long_text, " hết ý kiến"))
                      .id());
  }
  const int64_t cut_before = server_->server->live_hub().streams_cut_off();
  auto watch = WatchComments(article, "", NewChannel(/*bdp_probe=*/false));
  const v1::CommentEvent caught_up = watch.Next();
  ASSERT_EQ(caught_up.type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  // The client stops reading while all of them are approved.
  Moderate(ids, v1::MODERATION_ACTION_APPROVE);
  ASSERT_TRUE(Eventually(
      [&] { return server_->server->live_hub().streams_cut_off() > cut_before; }));

  std::vector<int64_t> received;
  std::string token = caught_up.resume_token();
  v1::CommentEvent event;
  while (watch.reader->Read(&event)) {
    received.push_back(event.comment().id());
    token = event.resume_token();
  }
  const grpc::Status status = watch.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(testing::ErrorReason(status), "CLIENT_TOO_SLOW");
  // Only what the transport's flow-control window holds got through, not everything.
  EXPECT_LT(received.size(), ids.size());

  // Resuming completes the rest. A slow test machine may be cut off again while the replay
  // streams; the client then does what it is told, resumes with its last token, and still gets
  // every approval once, in order.
  for (int resumes = 0; received.size() < ids.size() && resumes < 20; ++resumes) {
    auto resumed = WatchComments(article, token);
    while (received.size() < ids.size() && resumed.reader->Read(&event)) {
      token = event.resume_token();
      if (event.type() == v1::COMMENT_EVENT_TYPE_CAUGHT_UP) continue;
      received.push_back(event.comment().id());
    }
    if (received.size() < ids.size()) {
      const grpc::Status cut = resumed.Finish();
      ASSERT_EQ(testing::ErrorReason(cut), "CLIENT_TOO_SLOW") << cut.error_message();
      continue;
    }
    resumed.context->TryCancel();
    resumed.Finish();
  }
  EXPECT_EQ(received, LoggedApprovals(article));
}

TEST_F(LiveServiceTest, StreamsBeyondTheLimitAreRefused) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài đông người xem");
  ASSERT_TRUE(Eventually([] { return server_->server->live_hub().open_streams() == 0; }));
  std::vector<Watch<v1::CommentEvent>> watches;
  for (int i = 0; i < 6; ++i) {
    watches.push_back(WatchComments(article));
    EXPECT_EQ(watches.back().Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  }
  auto refused = WatchComments(article);
  v1::CommentEvent event;
  EXPECT_FALSE(refused.reader->Read(&event));
  const grpc::Status status = refused.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(testing::ErrorReason(status), "TOO_MANY_STREAMS");

  watches.back().context->TryCancel();
  watches.back().Finish();
  watches.pop_back();
  ASSERT_TRUE(Eventually([] { return server_->server->live_hub().open_streams() == 5; }));
  auto admitted = WatchComments(article);
  EXPECT_EQ(admitted.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  watches.push_back(std::move(admitted));
  for (auto& watch : watches) {
    watch.context->TryCancel();
    watch.Finish();
  }
}

TEST_F(LiveServiceTest, TokensAreBoundToTheStreamAndExpireWithTheLog) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài cũ");
  const int64_t other = testing::InsertArticle(server_->database_url, "Bài khác nữa");
  auto watch = WatchComments(article);
  ASSERT_EQ(watch.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(Post(article, absl::StrCat("Bình luận cũ số ", i)).id());
    Approve(ids.back());
  }
  const std::string first_token = watch.Next().resume_token();
  watch.Next();
  const std::string last_token = watch.Next().resume_token();
  watch.context->TryCancel();
  watch.Finish();

  // Another article's stream, or an altered token: INVALID_ARGUMENT naming resume_token.
  for (const auto& [article_id, token] :
       {std::pair{other, first_token}, std::pair{article, first_token + "A"}}) {
    auto refused = WatchComments(article_id, token);
    v1::CommentEvent event;
    EXPECT_FALSE(refused.reader->Read(&event));
    const grpc::Status status = refused.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("resume_token"), std::string::npos);
  }

  // Retention removes the changes after the first token: it can no longer resume exactly.
  {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    tx.exec_params(
        "DELETE FROM change_log WHERE position <= (SELECT max(position) FROM change_log WHERE "
        "comment_id = $1)",
        ids[1]);
  }
  auto expired = WatchComments(article, first_token);
  v1::CommentEvent event;
  EXPECT_FALSE(expired.reader->Read(&event));
  const grpc::Status status = expired.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::ErrorReason(status), "RESUME_TOKEN_EXPIRED");

  // The last token still resumes: nothing missed, so CAUGHT_UP at once.
  auto resumed = WatchComments(article, last_token);
  EXPECT_EQ(resumed.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  resumed.context->TryCancel();
  resumed.Finish();
}

TEST_F(LiveServiceTest, AnUnparseableRequestIsInvalidArgument) {
  // The service parses its requests itself (it writes raw bytes); invalid UTF-8 in a string
  // field is refused as gRPC's parsing is for the other services.
  auto refused = WatchComments(1, "\xff\xfe");
  v1::CommentEvent event;
  EXPECT_FALSE(refused.reader->Read(&event));
  const grpc::Status status = refused.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(testing::ErrorReason(status), "MALFORMED_REQUEST");
}

TEST_F(LiveServiceTest, ArticleEventsFollowTheirCategory) {
  pqxx::connection db(server_->database_url);
  const auto category = [&db](const std::string& slug) {
    pqxx::work tx(db);
    const int64_t id = tx.exec_params1("INSERT INTO categories (slug, name) VALUES ($1, $1) "
                                       "ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug "
                                       "RETURNING id",
                                       slug)[0]
                           .as<int64_t>();
    tx.commit();
    return id;
  };
  const int64_t sport = category("the-thao");
  const int64_t economy = category("kinh-te");
  const auto insert = [&db](int64_t category_id, const std::string& slug, bool breaking) {
    pqxx::work tx(db);
    const int64_t id = tx.exec_params1("INSERT INTO articles (slug, title, category_id, "
                                       "publish_time, breaking) VALUES ($1, $1, $2, now(), $3) "
                                       "RETURNING id",
                                       slug, category_id, breaking)[0]
                           .as<int64_t>();
    tx.commit();
    return id;
  };
  auto all = WatchArticles(0);
  auto sport_only = WatchArticles(sport);
  ASSERT_EQ(all.Next().type(), v1::ARTICLE_EVENT_TYPE_CAUGHT_UP);
  ASSERT_EQ(sport_only.Next().type(), v1::ARTICLE_EVENT_TYPE_CAUGHT_UP);

  const int64_t market = insert(economy, "thi-truong-chung-khoan", false);
  const int64_t match = insert(sport, "tran-chung-ket", false);
  const int64_t flood = insert(sport, "lu-lon-mien-trung", true);

  v1::ArticleEvent event = all.Next();
  EXPECT_EQ(event.type(), v1::ARTICLE_EVENT_TYPE_PUBLISHED);
  EXPECT_EQ(event.article().id(), market);
  EXPECT_EQ(event.article().title(), "thi-truong-chung-khoan");
  for (auto* watch : {&all, &sport_only}) {
    event = watch->Next();
    EXPECT_EQ(event.type(), v1::ARTICLE_EVENT_TYPE_PUBLISHED);
    EXPECT_EQ(event.article().id(), match);
    event = watch->Next();
    EXPECT_EQ(event.type(), v1::ARTICLE_EVENT_TYPE_BREAKING);
    EXPECT_EQ(event.article().id(), flood);
    EXPECT_TRUE(event.breaking());
  }
  // Retracted once both streams saw it published (a publish the server reads only after the
  // retraction is not sent at all).
  {
    pqxx::work tx(db);
    tx.exec_params("UPDATE articles SET status = 'retracted' WHERE id = $1", match);
    tx.commit();
  }
  for (auto* watch : {&all, &sport_only}) {
    event = watch->Next();
    EXPECT_EQ(event.type(), v1::ARTICLE_EVENT_TYPE_RETRACTED);
    EXPECT_EQ(event.article().id(), match);
    EXPECT_TRUE(event.article().title().empty());
  }
  for (auto* watch : {&all, &sport_only}) {
    watch->context->TryCancel();
    watch->Finish();
  }
}

// Last: it shuts the suite's server down.
TEST_F(LiveServiceTest, ShutdownEndsStreamsWithUnavailable) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài cuối");
  auto watch = WatchComments(article);
  ASSERT_EQ(watch.Next().type(), v1::COMMENT_EVENT_TYPE_CAUGHT_UP);
  std::thread shutdown([] { server_->server->Shutdown(absl::Seconds(60)); });
  v1::CommentEvent event;
  EXPECT_FALSE(watch.reader->Read(&event));
  const grpc::Status status = watch.Finish();
  shutdown.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

}  // namespace
}  // namespace news
