// `news-client sync` end to end: the built binary keeps an offline copy in a SQLite file against
// the real server over the sample pages; the test reads the file as the app would.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "news/v1/article.pb.h"
#include "tests/support/test_server.h"

namespace news {
namespace {

struct ClientRun {
  std::string output;  // stdout and stderr
  int exit_code = -1;
};

// What the SQLite file holds: id -> title of its articles (checked against the stored Article),
// and the stored token.
struct CopyContents {
  std::map<int64_t, std::string> titles;
  std::string sync_token;
};

class NewsClientSyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = testing::TestServer::Start("news_client_sync_test").release();
    ASSERT_NE(server_, nullptr);
    testing::ImportSamplePages(server_->database_url);
  }

  static void TearDownTestSuite() { delete server_; }

  void SetUp() override {
    path_ = absl::StrCat(::testing::TempDir(), "news_client_sync_", getpid(), ".db");
    std::remove(path_.c_str());
  }

  void TearDown() override { std::remove(path_.c_str()); }

  ClientRun Sync(const std::string& options = "") {
    const std::string command =
        absl::StrCat(NEWS_CLIENT_BINARY, " --server=127.0.0.1:", server_->server->port(),
                     " sync --db=", path_, " ", options, " 2>&1");
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

  CopyContents ReadCopy() {
    CopyContents contents;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* select = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT id, title, article FROM articles", -1, &select,
                                 nullptr),
              SQLITE_OK);
    while (sqlite3_step(select) == SQLITE_ROW) {
      v1::Article article;
      EXPECT_TRUE(article.ParseFromArray(sqlite3_column_blob(select, 2),
                                         sqlite3_column_bytes(select, 2)));
      const std::string title = reinterpret_cast<const char*>(sqlite3_column_text(select, 1));
      EXPECT_EQ(article.title(), title);
      EXPECT_EQ(article.id(), sqlite3_column_int64(select, 0));
      contents.titles[article.id()] = title;
    }
    sqlite3_finalize(select);
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT sync_token FROM sync_state", -1, &select, nullptr),
              SQLITE_OK);
    if (sqlite3_step(select) == SQLITE_ROW) {
      contents.sync_token = reinterpret_cast<const char*>(sqlite3_column_text(select, 0));
    }
    sqlite3_finalize(select);
    sqlite3_close(db);
    return contents;
  }

  static void Exec(const std::string& sql) {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    tx.exec(sql);
  }

  static std::map<int64_t, std::string> PublishedTitles() {
    pqxx::connection db(server_->database_url);
    pqxx::nontransaction tx(db);
    std::map<int64_t, std::string> titles;
    for (const auto& row : tx.exec("SELECT id, title FROM articles WHERE status = 'published'")) {
      titles[row[0].as<int64_t>()] = row[1].as<std::string>();
    }
    return titles;
  }

  static testing::TestServer* server_;
  std::string path_;
};

testing::TestServer* NewsClientSyncTest::server_ = nullptr;

TEST_F(NewsClientSyncTest, SyncKeepsTheCopyAndPrintsWhatChanged) {
  ClientRun run = Sync("--page_size=3");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "full sync into")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "4 added, 0 updated, 0 removed; 4 articles in"))
      << run.output;
  CopyContents copy = ReadCopy();
  EXPECT_EQ(copy.titles, PublishedTitles());
  EXPECT_FALSE(copy.sync_token.empty());
  const std::string first_token = copy.sync_token;

  // The newsroom changes two articles; the sequencer stamps the changes (a test may stamp them
  // itself rather than wait for it).
  const int64_t retracted = copy.titles.begin()->first;
  const int64_t edited = copy.titles.rbegin()->first;
  Exec(absl::StrCat("UPDATE articles SET status = 'retracted' WHERE id = ", retracted));
  Exec(absl::StrCat("UPDATE articles SET title = 'Tiêu đề mới' WHERE id = ", edited));
  Exec("SELECT stamp_change_log(1000)");
  run = Sync();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "syncing")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, absl::StrCat("~ [", edited, "] Tiêu đề mới")))
      << run.output;
  EXPECT_TRUE(absl::StrContains(run.output,
                                "0 added, 1 updated, 1 removed (1 retracted); 3 articles in"))
      << run.output;
  copy = ReadCopy();
  EXPECT_EQ(copy.titles, PublishedTitles());
  EXPECT_EQ(copy.titles[edited], "Tiêu đề mới");
  EXPECT_NE(copy.sync_token, first_token);

  // Changes the log no longer holds: the server says SYNC_TOKEN_EXPIRED, the client runs a full
  // sync, and the article retracted meanwhile leaves the copy without a tombstone.
  Exec(absl::StrCat("UPDATE articles SET status = 'published' WHERE id = ", retracted));
  Exec(absl::StrCat("UPDATE articles SET status = 'retracted' WHERE id = ", edited));
  Exec("SELECT stamp_change_log(1000)");
  Exec("DELETE FROM change_log");
  run = Sync();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "no longer keeps the changes")) << run.output;
  EXPECT_TRUE(absl::StrContains(run.output, "1 added, 0 updated, 1 removed (1 no longer published)"))
      << run.output;
  EXPECT_EQ(ReadCopy().titles, PublishedTitles());
}

}  // namespace
}  // namespace news
