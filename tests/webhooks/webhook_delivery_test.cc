// Push hooks end to end (docs/live.md, "Push hooks"): the real server in-process delivers to a
// loopback receiver that fails the first attempts, answers too slowly and is down for a while.
// Every delivery arrives in the end with one stable id and a signature the test recomputes; the
// delays between attempts grow; a delivery past the give-up age becomes a dead letter, and a
// replay delivers it with the same id. Registration refuses the server's own ports.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <pqxx/pqxx>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "news/v1/webhook.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/domain/webhooks/webhook_outbox.h"
#include "server/domain/webhooks/webhook_signature.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/error_details.h"
#include "tests/support/test_postgres.h"
#include "tests/support/test_server.h"
#include "tests/webhooks/webhook_receiver.h"

namespace news {
namespace {

using testing::AdminContext;
using testing::Answer;
using testing::ReceivedRequest;
using testing::WebhookReceiver;

// Inserts a published article of category `category_slug` (made when missing); returns its id.
int64_t InsertPublished(const std::string& database_url, const std::string& category_slug,
                        bool breaking) {
  static std::atomic<int> counter{0};
  pqxx::connection db(database_url);
  pqxx::work tx(db);
  const int64_t category_id =
      tx.exec_params1("INSERT INTO categories (slug, name) VALUES ($1, $1) ON CONFLICT (slug)"
                      " DO UPDATE SET slug = EXCLUDED.slug RETURNING id",
                      category_slug)[0]
          .as<int64_t>();
  const int64_t id = tx.exec_params1("INSERT INTO articles (slug, title, summary, category_id,"
                                     " publish_time, breaking) VALUES ($1, $2, 'Tóm tắt', $3,"
                                     " now(), $4) RETURNING id",
                                     absl::StrCat("webhook-test-", ++counter, "-", getpid()),
                                     absl::StrCat("Tin số ", counter.load()), category_id,
                                     breaking)[0]
                         .as<int64_t>();
  tx.commit();
  return id;
}

int64_t CategoryId(const std::string& database_url, const std::string& slug) {
  pqxx::connection db(database_url);
  pqxx::work tx(db);
  const int64_t id =
      tx.exec_params1("INSERT INTO categories (slug, name) VALUES ($1, $1) ON CONFLICT (slug)"
                      " DO UPDATE SET slug = EXCLUDED.slug RETURNING id",
                      slug)[0]
          .as<int64_t>();
  tx.commit();
  return id;
}

std::string IssueTestToken(const std::string& database_url, AdminRole role) {
  pqxx::connection db(database_url);
  storage::PrepareStatements(db);
  pqxx::work tx(db);
  const std::string token = IssueToken(tx, role, "Webhook test", "test")->token;
  tx.commit();
  return token;
}

// Waits up to `timeout` for `done`; true if it came.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

class WebhookDeliveryTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& name, absl::Duration give_up_age) {
    ServerOptions options;
    options.metrics_listen_address = "127.0.0.1:0";
    options.comment_rules.moderation = CommentModeration::kPost;
    options.webhook_delivery = true;
    options.webhook_sender.backoff_first = absl::Milliseconds(100);
    options.webhook_sender.backoff_max = absl::Milliseconds(800);
    options.webhook_sender.timeout = absl::Milliseconds(300);
    options.webhook_sender.give_up_age = give_up_age;
    options.webhook_sender.poll_interval = absl::Milliseconds(20);
    server_ = testing::TestServer::Start(name, options);
    ASSERT_NE(server_, nullptr);
    admin_token_ = IssueTestToken(server_->database_url, AdminRole::kAdmin);
    stub_ = v1::WebhookService::NewStub(server_->channel);
  }

  grpc::Status Create(const v1::Webhook& webhook, const std::string& request_id,
                      v1::Webhook* created, const std::string& token = "") {
    v1::CreateWebhookRequest request;
    *request.mutable_webhook() = webhook;
    request.set_request_id(request_id);
    return stub_->CreateWebhook(AdminContext(token.empty() ? admin_token_ : token).get(), request,
                                created);
  }

  v1::Webhook CreateOk(const v1::Webhook& webhook) {
    static int counter = 0;
    v1::Webhook created;
    const grpc::Status status = Create(webhook, absl::StrCat("hook-", ++counter), &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  std::vector<v1::DeadLetter> DeadLetters() {
    v1::ListDeadLettersResponse response;
    const grpc::Status status =
        stub_->ListDeadLetters(AdminContext(admin_token_).get(), {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.dead_letters().begin(), response.dead_letters().end()};
  }

  std::unique_ptr<testing::TestServer> server_;
  std::string admin_token_;
  std::unique_ptr<v1::WebhookService::Stub> stub_;
};

TEST(WebhookSignatureTest, MatchesTheStandardWebhooksExample) {
  // The example of the Standard Webhooks specification.
  absl::StatusOr<std::string> signature =
      SignWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                  1614265330, R"({"test": 2432232314})");
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(*signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  EXPECT_FALSE(SignWebhook("not-a-secret", "msg_1", 1, "{}").ok());
  absl::StatusOr<std::string> secret = GenerateWebhookSecret();
  ASSERT_TRUE(secret.ok());
  EXPECT_TRUE(absl::StartsWith(*secret, "whsec_"));
  EXPECT_NE(*secret, *GenerateWebhookSecret());
}

TEST(WebhookRetryDelayTest, DoublesUpToTheMaximumWithinItsJitter) {
  const absl::Duration first = absl::Seconds(5);
  const absl::Duration max = absl::Hours(1);
  EXPECT_EQ(RetryDelay(1, first, max, 0.0), absl::Milliseconds(2500));
  EXPECT_EQ(RetryDelay(1, first, max, 1.0), absl::Seconds(5));
  EXPECT_EQ(RetryDelay(3, first, max, 1.0), absl::Seconds(20));
  EXPECT_EQ(RetryDelay(40, first, max, 1.0), max);
  for (int attempt = 1; attempt < 20; ++attempt) {
    // Even the shortest next delay is at least the longest of this one.
    EXPECT_GE(RetryDelay(attempt + 1, first, max, 0.0), RetryDelay(attempt, first, max, 1.0) / 2)
        << attempt;
    EXPECT_GE(RetryDelay(attempt + 1, first, max, 0.0), RetryDelay(attempt, first, max, 0.0));
  }
}

TEST_F(WebhookDeliveryTest, RetriesThroughErrorsTimeoutsAndAnOutageUntilDelivered) {
  ASSERT_NO_FATAL_FAILURE(StartServer("webhook_delivery_test", absl::Seconds(60)));
  std::atomic<bool> outage_started{false};
  WebhookReceiver* receiver_ptr = nullptr;
  WebhookReceiver receiver([&](int n, const ReceivedRequest&) -> Answer {
    if (n < 3) return {500};
    if (n == 3) {
      outage_started = true;
      return {200, absl::Seconds(1)};  // beyond the 300 ms timeout
    }
    return {200};
  });
  receiver_ptr = &receiver;

  v1::Webhook hook;
  hook.set_url(receiver.Url());
  hook.mutable_events()->set_article_published(true);
  hook.set_description("Ứng dụng thông báo");
  const v1::Webhook created = CreateOk(hook);
  ASSERT_TRUE(absl::StartsWith(created.secret(), "whsec_"));

  const int64_t article_id = InsertPublished(server_->database_url, "thoi-su", false);
  ASSERT_TRUE(WaitFor([&] { return outage_started.load(); }, absl::Seconds(10)));
  // Down for a while after the slow answer: attempts meanwhile find the port closed.
  receiver_ptr->Down();
  absl::SleepFor(absl::Milliseconds(1500));
  receiver_ptr->Up();
  ASSERT_TRUE(WaitFor([&] { return receiver.requests().size() >= 5; }, absl::Seconds(10)));

  const std::vector<ReceivedRequest> requests = receiver.requests();
  std::set<std::string> ids;
  for (const ReceivedRequest& request : requests) {
    ids.insert(request.webhook_id);
    EXPECT_TRUE(SignatureVerifies(request, created.secret())) << request.webhook_signature;
    EXPECT_EQ(request.content_type, "application/json");
    EXPECT_EQ(request.path, "/hook");
    EXPECT_TRUE(absl::StrContains(request.body, R"("type":"article.published")")) << request.body;
    EXPECT_TRUE(absl::StrContains(request.body, absl::StrCat(R"("id":")", article_id, R"(")")))
        << request.body;
    EXPECT_EQ(request.body, requests[0].body);
  }
  EXPECT_EQ(ids.size(), 1u) << "every attempt carries the delivery's one id";
  EXPECT_TRUE(absl::StartsWith(*ids.begin(), "msg_"));
  // Backoff grows: 50..100 ms after the first failure, 200..400 ms after the third.
  const absl::Duration first_gap = requests[1].arrival - requests[0].arrival;
  const absl::Duration third_gap = requests[3].arrival - requests[2].arrival;
  EXPECT_LT(first_gap, third_gap);
  EXPECT_GE(third_gap, absl::Milliseconds(200));
  // Delivered: the outbox no longer holds it, and nothing was given up.
  ASSERT_TRUE(WaitFor(
      [&] {
        pqxx::connection db(server_->database_url);
        return pqxx::nontransaction(db).exec1("SELECT count(*) FROM webhook_outbox")[0].as<int>() ==
               0;
      },
      absl::Seconds(5)));
  EXPECT_TRUE(DeadLetters().empty());
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(receiver.requests().size(), requests.size()) << "nothing is sent after a 2xx";
}

TEST_F(WebhookDeliveryTest, DeliversOnlyTheChosenEvents) {
  ASSERT_NO_FATAL_FAILURE(StartServer("webhook_events_test", absl::Seconds(60)));
  WebhookReceiver receiver([](int, const ReceivedRequest&) { return Answer{204}; });
  const int64_t sport = CategoryId(server_->database_url, "the-thao");
  const int64_t top_level_article = InsertPublished(server_->database_url, "thoi-su", false);

  v1::Webhook sport_hook;
  sport_hook.set_url(receiver.Url("/sport"));
  sport_hook.mutable_events()->set_article_published(true);
  sport_hook.mutable_events()->add_category_ids(sport);
  const v1::Webhook sport_created = CreateOk(sport_hook);
  v1::Webhook breaking_hook;
  breaking_hook.set_url(receiver.Url("/breaking"));
  breaking_hook.mutable_events()->set_breaking_news(true);
  const v1::Webhook breaking_created = CreateOk(breaking_hook);

  // A top-level comment, then a hook for its replies.
  auto comments = v1::CommentService::NewStub(server_->channel);
  v1::CreateCommentRequest comment;
  comment.set_article_id(top_level_article);
  comment.set_author_name("Lan");
  comment.set_body("Bài viết rất hay");
  comment.set_request_id("webhook-parent");
  v1::Comment parent;
  ASSERT_TRUE(
      comments->CreateComment(testing::ClientContext("reader-1").get(), comment, &parent).ok());
  v1::Webhook reply_hook;
  reply_hook.set_url(receiver.Url("/reply"));
  reply_hook.mutable_events()->add_reply_to_comment_ids(parent.id());
  const v1::Webhook reply_created = CreateOk(reply_hook);

  const int64_t news_article = InsertPublished(server_->database_url, "thoi-su", false);
  const int64_t sport_article = InsertPublished(server_->database_url, "the-thao", false);
  const int64_t breaking_article = InsertPublished(server_->database_url, "thoi-su", true);
  comment.set_parent_id(parent.id());
  comment.set_body("Tôi đồng ý với bạn");
  comment.set_request_id("webhook-reply");
  v1::Comment reply;
  ASSERT_TRUE(
      comments->CreateComment(testing::ClientContext("reader-2").get(), comment, &reply).ok());

  ASSERT_TRUE(WaitFor([&] { return receiver.requests().size() >= 3; }, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(500));
  std::map<std::string, ReceivedRequest> by_path;
  for (const ReceivedRequest& request : receiver.requests()) {
    EXPECT_EQ(by_path.count(request.path), 0u) << "one delivery per event: " << request.path;
    by_path[request.path] = request;
  }
  ASSERT_EQ(by_path.size(), 3u);
  EXPECT_TRUE(SignatureVerifies(by_path["/sport"], sport_created.secret()));
  EXPECT_TRUE(absl::StrContains(by_path["/sport"].body, absl::StrCat(R"("id":")", sport_article)));
  EXPECT_FALSE(absl::StrContains(by_path["/sport"].body, absl::StrCat(R"("id":")", news_article,
                                                                      R"(")")));
  EXPECT_TRUE(SignatureVerifies(by_path["/breaking"], breaking_created.secret()));
  EXPECT_TRUE(absl::StrContains(by_path["/breaking"].body, R"("type":"article.breaking")"));
  EXPECT_TRUE(
      absl::StrContains(by_path["/breaking"].body, absl::StrCat(R"("id":")", breaking_article)));
  EXPECT_TRUE(SignatureVerifies(by_path["/reply"], reply_created.secret()));
  EXPECT_TRUE(absl::StrContains(by_path["/reply"].body, R"("type":"comment.reply")"));
  EXPECT_TRUE(absl::StrContains(by_path["/reply"].body, "Tôi đồng ý với bạn"));
  EXPECT_TRUE(
      absl::StrContains(by_path["/reply"].body, absl::StrCat(R"("parent_id":")", parent.id())));
  // A secret signs only its own endpoint's deliveries.
  EXPECT_FALSE(SignatureVerifies(by_path["/sport"], breaking_created.secret()));
}

TEST_F(WebhookDeliveryTest, GivesUpAfterTheGiveUpAgeAndReplaysWithTheSameId) {
  ASSERT_NO_FATAL_FAILURE(StartServer("webhook_dead_letter_test", absl::Seconds(1)));
  std::atomic<bool> healthy{false};
  WebhookReceiver receiver(
      [&](int, const ReceivedRequest&) {
        // Not UTF-8: the error kept for the dead letter must still be storable.
        return healthy ? Answer{200} : Answer{503, absl::ZeroDuration(), "\xff\xfe overloaded"};
      });
  v1::Webhook hook;
  hook.set_url(receiver.Url());
  hook.mutable_events()->set_article_published(true);
  const v1::Webhook created = CreateOk(hook);
  InsertPublished(server_->database_url, "thoi-su", false);

  std::vector<v1::DeadLetter> dead;
  ASSERT_TRUE(WaitFor(
      [&] {
        dead = DeadLetters();
        return !dead.empty();
      },
      absl::Seconds(10)));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].webhook_id(), created.id());
  EXPECT_EQ(dead[0].event_type(), "article.published");
  EXPECT_EQ(dead[0].last_status(), 503);
  EXPECT_TRUE(absl::StrContains(dead[0].last_error(), "HTTP 503:")) << dead[0].last_error();
  EXPECT_TRUE(absl::StrContains(dead[0].last_error(), "overloaded")) << dead[0].last_error();
  EXPECT_GE(dead[0].attempts(), 2);
  const size_t attempts = receiver.requests().size();
  EXPECT_EQ(static_cast<size_t>(dead[0].attempts()), attempts);
  const std::string id = receiver.requests().back().webhook_id;
  EXPECT_EQ(id, absl::StrCat("msg_", dead[0].id()));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(receiver.requests().size(), attempts) << "a dead letter is not attempted";

  healthy = true;
  v1::ReplayDeadLetterRequest replay;
  replay.set_id(dead[0].id());
  v1::DeadLetter replayed;
  ASSERT_TRUE(stub_->ReplayDeadLetter(AdminContext(admin_token_).get(), replay, &replayed).ok());
  EXPECT_EQ(replayed.payload(), dead[0].payload());
  ASSERT_TRUE(WaitFor([&] { return receiver.requests().size() > attempts; }, absl::Seconds(5)));
  const ReceivedRequest delivered = receiver.requests().back();
  EXPECT_EQ(delivered.webhook_id, id);
  EXPECT_EQ(delivered.body, dead[0].payload());
  EXPECT_TRUE(SignatureVerifies(delivered, created.secret()));
  ASSERT_TRUE(WaitFor([&] { return DeadLetters().empty(); }, absl::Seconds(5)));
  // Replaying what is not dead is NOT_FOUND.
  v1::DeadLetter again;
  EXPECT_EQ(stub_->ReplayDeadLetter(AdminContext(admin_token_).get(), replay, &again).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(WebhookDeliveryTest, RegistrationRulesAndOwnPorts) {
  ASSERT_NO_FATAL_FAILURE(StartServer("webhook_registration_test", absl::Seconds(60)));
  const int grpc_port = server_->server->port();
  const int metrics_port = server_->server->metrics_port();
  ASSERT_GT(metrics_port, 0);
  v1::Webhook hook;
  hook.mutable_events()->set_breaking_news(true);
  for (const std::string& url :
       {absl::StrCat("http://127.0.0.1:", grpc_port, "/x"),
        absl::StrCat("https://localhost:", grpc_port), absl::StrCat("http://[::1]:", metrics_port),
        absl::StrCat("http://127.0.0.2:", metrics_port, "/metrics"),
        absl::StrCat("http://0.0.0.0:", grpc_port), std::string("ftp://example.com/hook"),
        std::string("example.com/hook"), std::string("http://user:pw@example.com/"),
        std::string("")}) {
    hook.set_url(url);
    v1::Webhook created;
    const grpc::Status status = Create(hook, "own-" + url, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << url;
    EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"webhook.url"}) << url;
  }
  // Another port on loopback is fine (a receiver on the same machine).
  hook.set_url(absl::StrCat("http://127.0.0.1:", grpc_port == 1 ? 2 : grpc_port - 1, "/hook"));
  v1::Webhook first;
  ASSERT_TRUE(Create(hook, "same-request", &first).ok());
  // AIP-155: the same request id returns the same endpoint, secret included.
  v1::Webhook retried;
  ASSERT_TRUE(Create(hook, "same-request", &retried).ok());
  EXPECT_EQ(retried.id(), first.id());
  EXPECT_EQ(retried.secret(), first.secret());
  v1::Webhook other;
  ASSERT_TRUE(Create(hook, "other-request", &other).ok());
  EXPECT_NE(other.id(), first.id());
  EXPECT_NE(other.secret(), first.secret());

  v1::Webhook no_events;
  no_events.set_url("https://push.example.vn/hook");
  v1::Webhook created;
  grpc::Status status = Create(no_events, "no-events", &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"webhook.events"});
  no_events.mutable_events()->add_reply_to_comment_ids(-3);
  status = Create(no_events, "bad-ids", &created);
  EXPECT_EQ(testing::ViolatedFields(status),
            std::vector<std::string>{"webhook.events.reply_to_comment_ids"});
  status = Create(hook, "", &created);
  EXPECT_EQ(testing::ViolatedFields(status), std::vector<std::string>{"request_id"});

  // Roles: admin only.
  const std::string editor = IssueTestToken(server_->database_url, AdminRole::kEditor);
  EXPECT_EQ(Create(hook, "editor", &created, editor).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(hook, "nobody", &created, "nmt_unknown").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  v1::ListWebhooksResponse listed;
  ASSERT_TRUE(stub_->ListWebhooks(AdminContext(admin_token_).get(), {}, &listed).ok());
  ASSERT_EQ(listed.webhooks_size(), 2);
  for (const v1::Webhook& webhook : listed.webhooks()) {
    EXPECT_TRUE(webhook.secret().empty()) << "secrets are shown only at creation";
    EXPECT_EQ(webhook.created_by(), "Webhook test");
  }
  // An endpoint registered where the ports are not known (newsctl writes the table directly)
  // pointing at the metrics port: the sender refuses the connection itself.
  {
    pqxx::connection db(server_->database_url);
    pqxx::work tx(db);
    tx.exec_params("INSERT INTO webhook_endpoints (url, secret, breaking_news, created_by)"
                   " VALUES ($1, $2, true, 'newsctl:test')",
                   absl::StrCat("http://localhost:", metrics_port, "/metrics"), first.secret());
    tx.commit();
  }
  InsertPublished(server_->database_url, "thoi-su", /*breaking=*/true);
  std::string refusal;
  ASSERT_TRUE(WaitFor(
      [&] {
        pqxx::connection db(server_->database_url);
        pqxx::result rows = pqxx::nontransaction(db).exec(
            "SELECT o.last_error FROM webhook_outbox o JOIN webhook_endpoints e"
            " ON e.id = o.endpoint_id WHERE e.created_by = 'newsctl:test' AND o.attempts > 0"
            " AND o.last_error <> ''");
        if (rows.empty()) return false;
        refusal = rows[0][0].as<std::string>();
        return true;
      },
      absl::Seconds(10)));
  EXPECT_TRUE(absl::StrContains(refusal, "own gRPC or metrics port")) << refusal;

  v1::DeleteWebhookRequest remove;
  remove.set_id(first.id());
  v1::DeleteWebhookResponse removed;
  EXPECT_TRUE(stub_->DeleteWebhook(AdminContext(admin_token_).get(), remove, &removed).ok());
  EXPECT_EQ(stub_->DeleteWebhook(AdminContext(admin_token_).get(), remove, &removed).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace news
