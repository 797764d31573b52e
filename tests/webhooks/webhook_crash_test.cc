// Push hooks survive a crash: the real news-server binary is killed with SIGKILL while
// deliveries are in flight (and while more events are committed), then started again on the
// same database. Every event reaches the receiver at least once, under one stable id that is
// distinct per event, every request's signature verifies, and nothing is left in the outbox.
// Also `newsctl webhook`, the operators' way to the same endpoints and dead letters.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "news/v1/webhook.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/server_process.h"
#include "tests/support/test_postgres.h"
#include "tests/support/test_server.h"
#include "tests/webhooks/webhook_receiver.h"

namespace news {
namespace {

using testing::Answer;
using testing::ReceivedRequest;

constexpr int kEventsBeforeCrash = 30;
constexpr int kEventsWhileDown = 10;

// The article id in a delivery's body ({"data":{"article":{"id":"12",...), or 0.
int64_t ArticleIdOf(const std::string& body) {
  const std::string marker = R"("article":{"id":")";
  const size_t at = body.find(marker);
  if (at == std::string::npos) return 0;
  const size_t start = at + marker.size();
  int64_t id = 0;
  (void)absl::SimpleAtoi(body.substr(start, body.find('"', start) - start), &id);
  return id;
}

void InsertArticles(const std::string& database_url, int count, std::set<int64_t>& ids) {
  pqxx::connection db(database_url);
  for (int i = 0; i < count; ++i) {
    pqxx::work tx(db);
    const int64_t category_id =
        tx.exec1("INSERT INTO categories (slug, name) VALUES ('thoi-su', 'Thời sự') ON CONFLICT"
                 " (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id")[0]
            .as<int64_t>();
    ids.insert(tx.exec_params1("INSERT INTO articles (slug, title, category_id, publish_time)"
                               " VALUES ($1, 'Tin nhanh', $2, now()) RETURNING id",
                               absl::StrCat("crash-", ids.size(), "-", getpid()), category_id)[0]
                   .as<int64_t>());
    tx.commit();
  }
}

TEST(WebhookCrashTest, EveryEventIsDeliveredAfterSigkillAndRestart) {
  const std::string database_url =
      testing::TestPostgres::Instance().CreateDatabase("webhook_crash_test");
  const std::string dir =
      std::filesystem::temp_directory_path() / absl::StrCat("news-webhook-crash-", getpid());
  std::filesystem::create_directories(dir + "/first");
  std::filesystem::create_directories(dir + "/second");
  const std::vector<std::string> flags = {"--webhook_backoff=100ms", "--webhook_backoff_max=400ms",
                                          "--webhook_timeout=1s", "--webhook_concurrency=4"};
  testing::ServerProcess server =
      testing::StartServerProcess(NEWS_SERVER_BINARY, database_url, dir + "/first", flags);
  ASSERT_GT(server.port, 0) << testing::ReadFile(server.log_file);

  std::string token;
  {
    pqxx::connection db(database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    token = IssueToken(tx, AdminRole::kAdmin, "Crash test", "test")->token;
    tx.commit();
  }
  // Slow enough answers that deliveries are in flight at the kill; every fourth one fails.
  testing::WebhookReceiver receiver([](int n, const ReceivedRequest&) {
    return Answer{n % 4 == 3 ? 500 : 200, absl::Milliseconds(150)};
  });
  auto stub = v1::WebhookService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server.port), grpc::InsecureChannelCredentials()));
  v1::CreateWebhookRequest create;
  create.mutable_webhook()->set_url(receiver.Url());
  create.mutable_webhook()->mutable_events()->set_article_published(true);
  create.set_request_id("crash-hook");
  v1::Webhook hook;
  const grpc::Status created = stub->CreateWebhook(testing::AdminContext(token).get(), create,
                                                   &hook);
  ASSERT_TRUE(created.ok()) << created.error_message();

  std::set<int64_t> articles;
  InsertArticles(database_url, kEventsBeforeCrash, articles);
  const absl::Time until = absl::Now() + absl::Seconds(20);
  while (receiver.requests().size() < 6 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_GE(receiver.requests().size(), 6u) << testing::ReadFile(server.log_file);
  ASSERT_EQ(kill(server.pid, SIGKILL), 0);
  int wait_status = 0;
  waitpid(server.pid, &wait_status, 0);
  const size_t before_restart = receiver.requests().size();
  // Events committed while no server runs are written to the outbox after the restart.
  InsertArticles(database_url, kEventsWhileDown, articles);

  server = testing::StartServerProcess(NEWS_SERVER_BINARY, database_url, dir + "/second", flags);
  ASSERT_GT(server.port, 0) << testing::ReadFile(server.log_file);
  std::map<int64_t, std::set<std::string>> ids_of_article;
  // Deliveries cut short by the kill wait for their lease (2 x timeout + 5 s).
  const absl::Time deadline = absl::Now() + absl::Seconds(40);
  while (absl::Now() < deadline) {
    ids_of_article.clear();
    for (const ReceivedRequest& request : receiver.requests()) {
      ids_of_article[ArticleIdOf(request.body)].insert(request.webhook_id);
    }
    if (ids_of_article.size() == articles.size()) {
      pqxx::connection db(database_url);
      if (pqxx::nontransaction(db).exec1("SELECT count(*) FROM webhook_outbox")[0].as<int>() == 0) {
        break;
      }
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  kill(server.pid, SIGTERM);
  waitpid(server.pid, &wait_status, 0);

  const std::vector<ReceivedRequest> requests = receiver.requests();
  EXPECT_GT(requests.size(), before_restart) << "the restarted server delivered";
  std::set<int64_t> delivered;
  std::set<std::string> all_ids;
  for (const ReceivedRequest& request : requests) {
    EXPECT_TRUE(testing::SignatureVerifies(request, hook.secret())) << request.webhook_id;
    delivered.insert(ArticleIdOf(request.body));
  }
  EXPECT_EQ(delivered, articles) << "every event delivered at least once";
  for (const auto& [article, ids] : ids_of_article) {
    EXPECT_EQ(ids.size(), 1u) << "article " << article << ": one id across retries and the crash";
    all_ids.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all_ids.size(), articles.size()) << "events have distinct ids";
  pqxx::connection db(database_url);
  EXPECT_EQ(pqxx::nontransaction(db).exec1("SELECT count(*) FROM webhook_outbox")[0].as<int>(), 0);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

struct CommandRun {
  int exit_code = -1;
  std::string output;
};

// Runs `newsctl ARGS` against `database_url`; stdout only.
CommandRun Newsctl(const std::string& database_url, const std::string& args) {
  const std::string command = absl::StrCat("DATABASE_URL='", database_url, "' USER=tester ",
                                           NEWSCTL_BINARY, " ", args, " 2>/dev/null");
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(WebhookNewsctlTest, AddListDeadReplayRemove) {
  const std::string database_url =
      testing::TestPostgres::Instance().CreateDatabase("webhook_newsctl_test");
  CommandRun added = Newsctl(database_url,
                      "webhook add https://push.example.vn/news --published --categories=1,2"
                      " --breaking --description='Ứng dụng'");
  ASSERT_EQ(added.exit_code, 0);
  // The secret is the last line (migration logs may come first).
  const std::vector<std::string> lines = absl::StrSplit(added.output, '\n', absl::SkipEmpty());
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(absl::StartsWith(lines.back(), "whsec_")) << added.output;
  EXPECT_EQ(Newsctl(database_url, "webhook add ftp://push.example.vn/ --published").exit_code, 2);
  EXPECT_EQ(Newsctl(database_url, "webhook add https://push.example.vn/").exit_code, 2)
      << "no event chosen";

  const CommandRun listed = Newsctl(database_url, "webhook list");
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(listed.output, "https://push.example.vn/news")) << listed.output;
  EXPECT_TRUE(absl::StrContains(listed.output, "article.published(categories 1,2)"));
  EXPECT_TRUE(absl::StrContains(listed.output, "article.breaking"));
  EXPECT_FALSE(absl::StrContains(listed.output, "whsec_")) << "no secrets in lists";

  int64_t dead_id = 0;
  {
    pqxx::connection db(database_url);
    pqxx::work tx(db);
    dead_id = tx.exec1("INSERT INTO webhook_outbox (endpoint_id, event_type, change_position,"
                       " payload, attempts, last_status, last_error, dead_time)"
                       " SELECT id, 'article.breaking', 1, '{}', 9, 503, 'HTTP 503', now()"
                       " FROM webhook_endpoints RETURNING id")[0]
                  .as<int64_t>();
    tx.commit();
  }
  const CommandRun dead = Newsctl(database_url, "webhook dead");
  EXPECT_TRUE(absl::StrContains(dead.output, "article.breaking")) << dead.output;
  EXPECT_TRUE(absl::StrContains(dead.output, "HTTP 503")) << dead.output;
  const CommandRun replayed = Newsctl(database_url, absl::StrCat("webhook replay ", dead_id));
  EXPECT_EQ(replayed.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(replayed.output, absl::StrCat("msg_", dead_id)));
  EXPECT_FALSE(absl::StrContains(Newsctl(database_url, "webhook dead").output, "HTTP 503"));
  EXPECT_EQ(Newsctl(database_url, absl::StrCat("webhook replay ", dead_id)).exit_code, 1)
      << "no longer dead";

  EXPECT_EQ(Newsctl(database_url, "webhook remove 1").exit_code, 0);
  EXPECT_EQ(Newsctl(database_url, "webhook remove 1").exit_code, 1);
  EXPECT_FALSE(absl::StrContains(Newsctl(database_url, "webhook list").output, "push.example"));
  pqxx::connection db(database_url);
  EXPECT_EQ(pqxx::nontransaction(db)
                .exec1("SELECT count(*) FROM moderation_events WHERE actor = 'newsctl:tester' AND"
                       " action IN ('WEBHOOK_CREATE', 'DEAD_LETTER_REPLAY', 'WEBHOOK_DELETE')")[0]
                .as<int>(),
            3);
}

}  // namespace
}  // namespace news
