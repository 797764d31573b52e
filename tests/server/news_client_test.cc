// news-client end to end: the built binary, run as a user would, against the real server over
// the sample pages.

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "news/v1/article.grpc.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/storage/prepared_statements.h"
#include "tests/support/comment_calls.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;

const char kSharedTitle[] =
    "Tăng cường sự lãnh đạo của Đảng, nâng cao hiệu quả đối ngoại nhân dân trong tình hình mới";
const char kUndatedTitle[] = "Công tác đối ngoại nhân dân trong tình hình mới";
const char kTitle2022[] = "Nâng cao hiệu quả công tác đối ngoại đảng, đối ngoại nhân dân";

struct ClientRun {
  std::string output;  // stdout and stderr
  int exit_code = -1;
};

int CountOf(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Runs `binary` with `arguments`. Every call news-client makes has a deadline, so the run ends
// by itself.
ClientRun RunBinary(const std::string& binary, const std::string& arguments) {
  const std::string command = absl::StrCat(binary, " ", arguments, " 2>&1");
  ClientRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t read = 0;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, read);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class NewsClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("news_client_test").release();
    ASSERT_NE(server_, nullptr);
    testing::ImportSamplePages(server_->database_url);
  }

  static void TearDownTestSuite() { delete server_; }

  // Runs news-client with `args` against the test server.
  static ClientRun RunClient(const std::string& args) {
    return RunBinary(
        NEWS_CLIENT_BINARY, absl::StrCat("--server=127.0.0.1:", server_->server->port(), " --deadline_ms=5000 ", args));
  }

  // The slug of the sample article published at `utc_time` ("2023-01-11T21:44:00Z").
  static std::string SlugPublishedAt(const std::string& utc_time) {
    auto stub = v1::ArticleService::NewStub(server_->channel);
    v1::ListArticlesRequest request;
    request.set_page_size(100);
    v1::ListArticlesResponse response;
    EXPECT_TRUE(stub->ListArticles(testing::ContextWithDeadline().get(), request, &response).ok());
    for (const auto& article : response.articles()) {
      if (TimeUtil::ToString(article.publish_time()) == utc_time) return article.slug();
    }
    return "";
  }

  static testing::TestServer* server_;
};

testing::TestServer* NewsClientTest::server_ = nullptr;

TEST_F(NewsClientTest, FeedPrintsTheSamplesWithLocalDatesAndAuthors) {
  const ClientRun run = RunClient("feed");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(CountOf(run.output, kSharedTitle), 2) << run.output;
  EXPECT_EQ(CountOf(run.output, kUndatedTitle), 1) << run.output;
  EXPECT_EQ(CountOf(run.output, kTitle2022), 1) << run.output;
  // Stored in UTC, shown in Vietnamese local time (UTC+7) with the weekday, as the portals do.
  EXPECT_TRUE(absl::StrContains(run.output, "Thứ năm - 12/01/2023 04:44")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Thứ hai - 05/09/2022 22:28")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Thứ hai - 25/04/2022 14:41")) << run.output;
  for (const char* author : {"Ngô Phương Văn", "Minh Thùy", "Hà Văn Dương", "Ngọc Thuấn"}) {
    EXPECT_TRUE(absl::StrContains(run.output, author)) << author << "\n" << run.output;
  }
  EXPECT_TRUE(absl::StrContains(run.output, "120 views, 0 comments")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "-- end of feed --")) << run.output;
}

TEST_F(NewsClientTest, FeedPagesThroughWithPageTokens) {
  const ClientRun run = RunClient("feed --page_size=1 --pages=10");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(CountOf(run.output, "1 article --"), 4) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "-- page 4: 1 article --")) << run.output;
  EXPECT_FALSE(absl::StrContains(run.output, "-- page 5")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "-- end of feed --")) << run.output;
  EXPECT_EQ(CountOf(run.output, kSharedTitle), 2) << run.output;

  const ClientRun first_only = RunClient("feed --page_size=1");
  ASSERT_EQ(first_only.exit_code, 0) << first_only.output;
  EXPECT_TRUE(absl::StrContains(first_only.output, "-- more: next_page_token="))
      << first_only.output;
}

TEST_F(NewsClientTest, ArticlePrintsBodyAndNeighbours) {
  const std::string slug = SlugPublishedAt("2023-01-11T21:44:00Z");
  ASSERT_FALSE(slug.empty());
  const ClientRun run = RunClient(absl::StrCat("article ", slug));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StartsWith(run.output, kSharedTitle)) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Thứ năm - 12/01/2023 04:44")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Author: Ngô Phương Văn")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Category: Thời sự")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "Ban Thường vụ Thành ủy vừa ban hành")) << run.output;
  EXPECT_TRUE(absl::StrContains(
      run.output, "Cover image caption: Lãnh đạo thành phố tiếp và làm việc với Đoàn"))
      << run.output;
  // This page names no publisher.
  EXPECT_FALSE(absl::StrContains(run.output, "Source:")) << run.output;
  // In its category the undated page (stamped at import) is newer and the 2022 page is older.
  const size_t newer = run.output.find("Những tin mới hơn:");
  const size_t older = run.output.find("Những tin cũ hơn:");
  ASSERT_NE(newer, std::string::npos) << run.output;
  ASSERT_NE(older, std::string::npos) << run.output;
  EXPECT_NE(run.output.find(kUndatedTitle, newer), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(kTitle2022, older), std::string::npos) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output.substr(older), "Thứ hai - 05/09/2022 22:28"))
      << run.output;
}

TEST_F(NewsClientTest, ArticleByIdMatchesArticleBySlug) {
  const std::string slug = SlugPublishedAt("2022-04-25T07:41:00Z");
  ASSERT_FALSE(slug.empty());
  const ClientRun by_slug = RunClient(absl::StrCat("article ", slug));
  ASSERT_EQ(by_slug.exit_code, 0) << by_slug.output;
  EXPECT_TRUE(absl::StrContains(by_slug.output, "Source: PROVINCE INSPECTORATE")) << by_slug.output;
  EXPECT_TRUE(absl::StrContains(by_slug.output, "Hà Văn Dương")) << by_slug.output;
  // The oldest article has no older neighbour.
  EXPECT_TRUE(absl::StrContains(by_slug.output, "Những tin cũ hơn:\n    (none)")) << by_slug.output;

  const size_t id_at = by_slug.output.find("id: ");
  ASSERT_NE(id_at, std::string::npos);
  const std::string id =
      by_slug.output.substr(id_at + 4, by_slug.output.find(' ', id_at + 4) - (id_at + 4));
  const ClientRun by_id = RunClient(absl::StrCat("article ", id));
  ASSERT_EQ(by_id.exit_code, 0) << by_id.output;
  EXPECT_EQ(by_id.output, by_slug.output);
}

TEST_F(NewsClientTest, UnknownArticlePrintsNotFoundAndFails) {
  const ClientRun by_id = RunClient("article 987654321");
  EXPECT_NE(by_id.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(by_id.output, "GetArticle failed: NOT_FOUND")) << by_id.output;

  const ClientRun by_slug = RunClient("article khong-co-bai-nay");
  EXPECT_NE(by_slug.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(by_slug.output, "NOT_FOUND")) << by_slug.output;
}

TEST_F(NewsClientTest, BadArgumentPrintsTheFieldViolation) {
  const ClientRun run = RunClient("feed --page_size=-1");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(run.output, "ListArticles failed: INVALID_ARGUMENT")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "  field page_size: ")) << run.output;
}

TEST_F(NewsClientTest, BadCommandLineIsAUsageError) {
  EXPECT_EQ(RunClient("").exit_code, 2);
  EXPECT_EQ(RunClient("no-such-command").exit_code, 2);
  EXPECT_EQ(RunClient("feed --colour=red").exit_code, 2);
  EXPECT_EQ(RunClient("feed --page_size=many").exit_code, 2);
  EXPECT_EQ(RunClient("article").exit_code, 2);
  EXPECT_EQ(RunClient("comments 1 --featured_first=maybe").exit_code, 2);
}

TEST_F(NewsClientTest, CategoriesAndSourcesAreListed) {
  const ClientRun categories = RunClient("categories");
  ASSERT_EQ(categories.exit_code, 0) << categories.output;
  EXPECT_TRUE(absl::StrContains(categories.output, "\tthoi-su\tThời sự")) << categories.output;

  const ClientRun sources = RunClient("sources");
  ASSERT_EQ(sources.exit_code, 0) << sources.output;
  EXPECT_TRUE(absl::StrContains(sources.output, "PROVINCE INSPECTORATE")) << sources.output;
  EXPECT_TRUE(absl::StrContains(sources.output, "\tDIC\n")) << sources.output;
}

TEST_F(NewsClientTest, ServicesListsWhatReflectionOffers) {
  const ClientRun run = RunClient("services");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "news.v1.ArticleService\n")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "grpc.health.v1.Health\n")) << run.output;
}

TEST_F(NewsClientTest, HealthReportsServing) {
  // The health monitor reports its first database check shortly after start-up.
  ClientRun run;
  for (int i = 0; i < 50; ++i) {
    run = RunClient("health");
    if (run.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, "SERVING\n");
  const ClientRun article_service = RunClient("health --service=news.v1.ArticleService");
  EXPECT_EQ(article_service.output, "SERVING\n");
}

TEST_F(NewsClientTest, UnreachableServerFailsWithinTheDeadline) {
  // Nothing listens on port 1.
  const ClientRun run = RunBinary(NEWS_CLIENT_BINARY, "--server=127.0.0.1:1 --deadline_ms=1000 feed");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(run.output, "ListArticles failed: UNAVAILABLE") ||
              absl::StrContains(run.output, "ListArticles failed: DEADLINE_EXCEEDED"))
      << run.output;
}

// The newsroom sample: an editor writes a story, schedules it, publishes it, retracts it and
// deletes it, with the token from NEWS_ADMIN_TOKEN.
TEST_F(NewsClientTest, EditorWritesSchedulesPublishesRetractsAndDeletesAStory) {
  std::string token;
  {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    token = IssueToken(tx, AdminRole::kEditor, "Biên tập viên mẫu", "test")->token;
    tx.commit();
  }
  auto stub = v1::ArticleService::NewStub(server_->channel);
  v1::ListCategoriesResponse categories;
  ASSERT_TRUE(stub->ListCategories(testing::ContextWithDeadline().get(), {}, &categories).ok());
  ASSERT_GT(categories.categories_size(), 0);
  const std::string category = absl::StrCat(" --category_id=", categories.categories(0).id());
  const std::string write = absl::StrCat(
      "write \"Bão số 9 đổ bộ miền Trung\" \"Đoạn mở đầu.\n\n## Diễn biến\n\n> Trích dẫn.\"",
      category);

  unsetenv("NEWS_ADMIN_TOKEN");
  const ClientRun anonymous = RunClient(write);
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(anonymous.output, "UNAUTHENTICATED")) << anonymous.output;

  setenv("NEWS_ADMIN_TOKEN", token.c_str(), 1);
  const ClientRun written = RunClient(write);
  ASSERT_EQ(written.exit_code, 0) << written.output;
  EXPECT_TRUE(absl::StrContains(written.output, "[draft] Bão số 9 đổ bộ miền Trung"));
  EXPECT_TRUE(absl::StrContains(written.output, "/bao-so-9-do-bo-mien-trung")) << written.output;
  const std::string id = written.output.substr(1, written.output.find(' ') - 1);

  const ClientRun scheduled = RunClient(absl::StrCat("publish ", id, " --at=\"2099-01-01 08:00\""));
  EXPECT_TRUE(absl::StrContains(scheduled.output, "[scheduled]")) << scheduled.output;
  EXPECT_TRUE(absl::StrContains(scheduled.output, "01/01/2099 08:00")) << scheduled.output;
  EXPECT_TRUE(absl::StrContains(RunClient("desk --status=scheduled").output, "Bão số 9"));
  EXPECT_FALSE(absl::StrContains(RunClient("feed").output, "Bão số 9"));

  const ClientRun published = RunClient(absl::StrCat("publish ", id));
  EXPECT_TRUE(absl::StrContains(published.output, "[published]")) << published.output;
  EXPECT_TRUE(absl::StrContains(RunClient("feed").output, "Bão số 9"));

  const ClientRun retracted = RunClient(absl::StrCat("retract ", id, " \"Sai số liệu\""));
  EXPECT_TRUE(absl::StrContains(retracted.output, "[retracted]")) << retracted.output;
  EXPECT_TRUE(absl::StrContains(retracted.output, "retracted: Sai số liệu"));
  EXPECT_FALSE(absl::StrContains(RunClient("feed").output, "Bão số 9"));

  const ClientRun deleted = RunClient(absl::StrCat("delete ", id));
  EXPECT_TRUE(absl::StrContains(deleted.output, "[deleted]")) << deleted.output;

  // Yes/no options take 1, true or yes (and 0, false or no) everywhere, and refuse the rest.
  for (const char* yes : {"1", "true", "YES"}) {
    const ClientRun breaking =
        RunClient(absl::StrCat("write \"Tin nóng ", yes, "\" \"Đoạn.\"", category, " --breaking=", yes));
    EXPECT_TRUE(absl::StrContains(breaking.output, "[draft] [breaking] Tin nóng")) << breaking.output;
  }
  const ClientRun not_breaking =
      RunClient(absl::StrCat("write \"Tin thường\" \"Đoạn.\"", category, " --breaking=no"));
  EXPECT_TRUE(absl::StrContains(not_breaking.output, "[draft] Tin thường")) << not_breaking.output;
  EXPECT_EQ(RunClient(absl::StrCat("write \"Tin\" \"Đoạn.\"", category, " --breaking=maybe"))
                .exit_code,
            2);
  unsetenv("NEWS_ADMIN_TOKEN");
}

// --help lists each shipped program's own flags (absl's default finds none outside a file named
// after the binary), and not Abseil's built-in ones, which --helpfull adds.
TEST(HelpTest, EveryProgramListsItsOwnFlags) {
  const std::pair<const char*, std::vector<const char*>> programs[] = {
      {NEWS_SERVER_BINARY, {"--listen", "--metrics_listen", "--database_url"}},
      {NEWSCTL_BINARY, {"--database_url", "--category", "--articles", "--role"}},
      {NEWS_CLIENT_BINARY, {"--server", "--deadline_ms"}},
      {NEWS_LOAD_BINARY, {"--target", "--mix", "--concurrency", "--allow_remote"}},
  };
  for (const auto& [binary, flags] : programs) {
    const ClientRun run = RunBinary(binary, "--help");
    EXPECT_FALSE(absl::StrContains(run.output, "No flags matched")) << binary << run.output;
    EXPECT_FALSE(absl::StrContains(run.output, "--flagfile")) << binary << run.output;
    for (const char* flag : flags) {
      EXPECT_TRUE(absl::StrContains(run.output, flag)) << binary << " " << flag << run.output;
    }
  }
}

// Every command the usage lists has a name of its own: a second command of the same name (the
// comment and the editorial `edit` once) could never run.
TEST(HelpTest, CommandNamesAreUnique) {
  const ClientRun run = RunBinary(NEWS_CLIENT_BINARY, "");
  std::set<std::string> names;
  int commands = 0;
  for (absl::string_view line : absl::StrSplit(run.output, '\n')) {
    // "  name [--flag=...] ARGS": two spaces, then the name; descriptions are indented further.
    if (!absl::StartsWith(line, "  ") || absl::StartsWith(line, "   ")) continue;
    const std::string name(line.substr(2, line.find(' ', 2) - 2));
    ++commands;
    EXPECT_TRUE(names.insert(name).second) << "two commands named " << name;
  }
  EXPECT_GT(commands, 20) << run.output;
}

// A comment body of several lines stays indented under its heading line; counts of one take the
// singular.
TEST_F(NewsClientTest, MultiLineCommentBodyIsIndentedAndCountsArePluralised) {
  auto stub = v1::ArticleService::NewStub(server_->channel);
  v1::ListArticlesRequest request;
  v1::ListArticlesResponse feed;
  ASSERT_TRUE(stub->ListArticles(testing::ContextWithDeadline().get(), request, &feed).ok());
  ASSERT_GT(feed.articles_size(), 0);
  const ClientRun run = RunClient(absl::StrCat("comment ", feed.articles(0).id(),
                                               " \"Dòng thứ nhất\nDòng thứ hai\" --author=\"An\""));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, " - 0 likes\n    Dòng thứ nhất\n    Dòng thứ hai\n"))
      << run.output;

  const ClientRun feed_run = RunClient("feed --page_size=1");
  EXPECT_TRUE(absl::StrContains(feed_run.output, "-- page 1: 1 article --")) << feed_run.output;
}

TEST_F(NewsClientTest, WordListCommandsAndTheHoldInTheQueue) {
  std::string token;
  {
    pqxx::connection db(server_->database_url);
    storage::PrepareStatements(db);
    pqxx::work tx(db);
    absl::StatusOr<IssuedToken> issued = IssueToken(tx, AdminRole::kAdmin, "Quản trị", "test");
    ASSERT_TRUE(issued.ok()) << issued.status();
    tx.commit();
    token = issued->token;
  }
  setenv("NEWS_ADMIN_TOKEN", token.c_str(), 1);
  setenv("NEWS_CLIENT_ID", "news-client-test-words", 1);
  const ClientRun added = RunClient("add-word suspect 'lừa đảo'");
  EXPECT_EQ(added.exit_code, 0) << added.output;
  EXPECT_TRUE(absl::StrContains(added.output, "suspect\tlừa đảo")) << added.output;
  const ClientRun again = RunClient("add-word suspect 'LUA DAO'");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(again.output, "ALREADY_EXISTS")) << again.output;
  EXPECT_EQ(RunClient("add-word nice 'x'").exit_code, 2);
  const ClientRun listed = RunClient("words --list=suspect");
  EXPECT_TRUE(absl::StrContains(listed.output, "lừa đảo\t(by Quản trị")) << listed.output;

  const int64_t article = testing::InsertArticle(server_->database_url, "Cảnh báo lừa đảo");
  const ClientRun posted =
      RunClient(absl::StrCat("comment ", article, " 'Trang này L.U.A DAO, xem a.com và b.com'"));
  EXPECT_EQ(posted.exit_code, 0) << posted.output;
  const ClientRun queue = RunClient(absl::StrCat("queue --article_id=", article));
  EXPECT_TRUE(absl::StrContains(queue.output, "held: suspect term \"lừa đảo\" 2 links"))
      << queue.output;

  EXPECT_EQ(RunClient("remove-word suspect 'Lừa Đảo'").exit_code, 0);
  EXPECT_TRUE(absl::StrContains(RunClient("words").output, "-- 0 terms --"));
  unsetenv("NEWS_ADMIN_TOKEN");
  unsetenv("NEWS_CLIENT_ID");
}

TEST_F(NewsClientTest, RegisterStoresOneSignedIdThatCommentsSend) {
  const std::string file = ::testing::TempDir() + "news-client-id-register-test";
  std::remove(file.c_str());
  setenv("NEWS_CLIENT_ID_FILE", file.c_str(), 1);
  const ClientRun first = RunClient("register");
  const ClientRun second = RunClient("register");
  pqxx::connection db(server_->database_url);
  const int64_t article_id =
      pqxx::nontransaction(db).exec1("SELECT min(id) FROM articles")[0].as<int64_t>();
  const ClientRun comment =
      RunClient(absl::StrCat("comment ", article_id, " \"Cảm ơn tác giả bài viết\""));
  unsetenv("NEWS_CLIENT_ID_FILE");

  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::string stored;
  std::getline(std::ifstream(file), stored);
  EXPECT_TRUE(absl::StartsWith(stored, "nc1.")) << stored;
  EXPECT_TRUE(absl::StrContains(first.output, stored)) << first.output;
  // Once per install: the second run shows the stored id and asks for no new one.
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_TRUE(absl::StrContains(second.output, "already registered")) << second.output;
  EXPECT_EQ(pqxx::nontransaction(db).exec1("SELECT count(*) FROM client_registrations")[0]
                .as<int64_t>(),
            1);
  ASSERT_EQ(comment.exit_code, 0) << comment.output;
  EXPECT_EQ(pqxx::nontransaction(db)
                .exec1("SELECT client_id FROM comments ORDER BY id DESC LIMIT 1")[0]
                .as<std::string>(),
            "id:" + stored);
}

// Last: it publishes articles, which the feed tests above would list.
TEST_F(NewsClientTest, WatchShowsBothStreams) {
  const int64_t article = testing::InsertArticle(server_->database_url, "Bài đang mở");
  ClientRun run;
  std::atomic<bool> finished{false};
  std::thread watch([&] {
    run = RunClient(absl::StrCat("watch --article_id=", article, " --events=3 --seconds=20"));
    finished = true;
  });
  // Articles published until the client, live on both streams, has shown one and stops.
  for (int i = 0; i < 100 && !finished; ++i) {
    testing::InsertArticle(server_->database_url, absl::StrCat("Tin mới số ", i));
    absl::SleepFor(absl::Milliseconds(200));
  }
  watch.join();
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(absl::StrCat("[comments ", article, "] caught up")), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("[articles] caught up"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[articles] published #"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace news
