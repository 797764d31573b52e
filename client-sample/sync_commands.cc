// news-client sync: an offline copy of the published articles in a SQLite file, kept current
// with ArticleService.ListArticleChanges. This is the part of a news app that lets it show
// articles without a network: read it as the how-to (docs/sync.md explains the server side).
//
// The rules an app follows, and where this file follows them:
// - Store the sync token in the same transaction as the changes it covers (OfflineCopy::Apply),
//   so that after a crash the copy and its token agree; at worst a response is fetched again,
//   and applying a change twice is harmless.
// - Call again at once until `caught_up` (RunSync).
// - Upserts replace the whole article; tombstones delete it, and name why. A tombstone for an
//   article the copy does not hold is normal (it may never have had it), not an error.
// - A full sync replaces the copy: articles the copy held that the full sync did not deliver
//   left while the app was not syncing (no tombstone can tell about them), and are deleted when
//   the full sync completes. Until then the old copy stays readable.
// - FAILED_PRECONDITION with ErrorInfo reason SYNC_TOKEN_EXPIRED means the server no longer keeps
//   the changes since the token: start a full sync, keeping the copy meanwhile.

#include "client-sample/sync_commands.h"

#include <sqlite3.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "news/v1/article.grpc.pb.h"

namespace news::client {
namespace {

// The copy's tables. `article` keeps the whole news.v1.Article as the server sent it (what the
// app renders offline); the other columns are what the app's screens query and sort by.
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  category_id INTEGER NOT NULL,
  -- Seconds since the epoch: the offline feed lists the newest first.
  publish_time INTEGER NOT NULL,
  -- The news.v1.Article, serialized.
  article BLOB NOT NULL,
  -- 1 once the running (or last) full sync delivered the article; see OfflineCopy::Apply.
  seen_in_full_sync INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_newest_first ON articles (publish_time DESC, id DESC);
-- Where the copy stands in the server's change log: one row.
CREATE TABLE IF NOT EXISTS sync_state (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  sync_token TEXT NOT NULL,
  -- The filter the copy was made with: a token only continues the category_id it was issued for.
  category_id INTEGER NOT NULL
);
)sql";

// What one run of `sync` changed in the copy.
struct SyncReport {
  int added = 0;
  int updated = 0;
  // Removed articles by reason ("retracted", "expired", ...).
  std::map<std::string, int> removed;
};

// "retracted" for ArticleTombstone::RETRACTED: how the summary names a reason.
std::string ReasonName(v1::ArticleTombstone::Reason reason) {
  return absl::AsciiStrToLower(v1::ArticleTombstone::Reason_Name(reason));
}

// A prepared SQLite statement, finalized when it goes out of scope.
using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

// The offline copy: one SQLite file.
class OfflineCopy {
 public:
  // Opens the file at `path`, creating it and its tables when needed.
  static absl::StatusOr<std::unique_ptr<OfflineCopy>> Open(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
      const std::string message = db == nullptr ? "out of memory" : sqlite3_errmsg(db);
      sqlite3_close(db);
      return absl::UnavailableError(absl::StrCat("cannot open ", path, ": ", message));
    }
    auto copy = std::unique_ptr<OfflineCopy>(new OfflineCopy(db));
    if (absl::Status status = copy->Exec(kSchema); !status.ok()) return status;
    return copy;
  }

  ~OfflineCopy() { sqlite3_close(db_); }

  // The stored token ("" before the first sync) and the category_id it was issued for.
  struct State {
    std::string sync_token;
    int64_t category_id = 0;
  };
  absl::StatusOr<State> LoadState() {
    absl::StatusOr<Statement> select =
        Prepare("SELECT sync_token, category_id FROM sync_state WHERE singleton = 1");
    if (!select.ok()) return select.status();
    State state;
    if (sqlite3_step(select->get()) == SQLITE_ROW) {
      state.sync_token = Text(select->get(), 0);
      state.category_id = sqlite3_column_int64(select->get(), 1);
    }
    return state;
  }

  // Applies one response to the copy and stores its next_sync_token, in one transaction, and
  // prints each change. `starts_full_sync`: the request carried no token.
  absl::Status Apply(const v1::ListArticleChangesResponse& response, bool starts_full_sync,
                     int64_t category_id, SyncReport& report) {
    // All or nothing: a crash in the middle leaves the copy at the previous token, which the
    // next run sends again.
    if (absl::Status status = Exec("BEGIN IMMEDIATE"); !status.ok()) return status;
    absl::Status status = ApplyInTransaction(response, starts_full_sync, category_id, report);
    if (status.ok()) status = Exec("COMMIT");
    if (!status.ok()) Exec("ROLLBACK").IgnoreError();
    return status;
  }

  int64_t ArticleCount() {
    absl::StatusOr<Statement> count = Prepare("SELECT count(*) FROM articles");
    if (!count.ok() || sqlite3_step(count->get()) != SQLITE_ROW) return -1;
    return sqlite3_column_int64(count->get(), 0);
  }

 private:
  explicit OfflineCopy(sqlite3* db) : db_(db) {}

  absl::Status ApplyInTransaction(const v1::ListArticleChangesResponse& response,
                                  bool starts_full_sync, int64_t category_id,
                                  SyncReport& report) {
    if (starts_full_sync) {
      // Nothing is confirmed yet: the pages of this full sync mark what the server still has.
      if (absl::Status status = Exec("UPDATE articles SET seen_in_full_sync = 0"); !status.ok()) {
        return status;
      }
    }
    for (const v1::ArticleChange& change : response.changes()) {
      absl::Status status = change.has_upsert() ? Upsert(change.upsert(), report)
                                                : Remove(change.tombstone(), report);
      if (!status.ok()) return status;
    }
    if (response.full_sync_complete()) {
      // Held before the full sync, not delivered by it: gone from the server while this copy was
      // not syncing.
      absl::StatusOr<Statement> sweep =
          Prepare("DELETE FROM articles WHERE seen_in_full_sync = 0 RETURNING id, title");
      if (!sweep.ok()) return sweep.status();
      while (sqlite3_step(sweep->get()) == SQLITE_ROW) {
        std::printf("- [%lld] %s (no longer published)\n",
                    static_cast<long long>(sqlite3_column_int64(sweep->get(), 0)),
                    Text(sweep->get(), 1).c_str());
        ++report.removed["no longer published"];
      }
    }
    absl::StatusOr<Statement> save = Prepare(
        "INSERT OR REPLACE INTO sync_state (singleton, sync_token, category_id) VALUES (1, ?, ?)");
    if (!save.ok()) return save.status();
    sqlite3_bind_text(save->get(), 1, response.next_sync_token().data(),
                      static_cast<int>(response.next_sync_token().size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(save->get(), 2, category_id);
    return Done(save->get());
  }

  absl::Status Upsert(const v1::Article& article, SyncReport& report) {
    const std::string bytes = article.SerializeAsString();
    // Added, updated, or the same again (a replayed change, or a full sync re-delivering what
    // the copy has): only the first two are news to the reader.
    absl::StatusOr<Statement> old = Prepare("SELECT article FROM articles WHERE id = ?");
    if (!old.ok()) return old.status();
    sqlite3_bind_int64(old->get(), 1, article.id());
    if (sqlite3_step(old->get()) != SQLITE_ROW) {
      std::printf("+ [%lld] %s\n", static_cast<long long>(article.id()), article.title().c_str());
      ++report.added;
    } else if (Blob(old->get(), 0) != bytes) {
      std::printf("~ [%lld] %s\n", static_cast<long long>(article.id()), article.title().c_str());
      ++report.updated;
    }
    absl::StatusOr<Statement> write = Prepare(
        "INSERT OR REPLACE INTO articles (id, title, category_id, publish_time, article,"
        " seen_in_full_sync) VALUES (?, ?, ?, ?, ?, 1)");
    if (!write.ok()) return write.status();
    sqlite3_bind_int64(write->get(), 1, article.id());
    sqlite3_bind_text(write->get(), 2, article.title().data(),
                      static_cast<int>(article.title().size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(write->get(), 3, article.category().id());
    sqlite3_bind_int64(write->get(), 4, article.publish_time().seconds());
    sqlite3_bind_blob(write->get(), 5, bytes.data(), static_cast<int>(bytes.size()),
                      SQLITE_TRANSIENT);
    return Done(write->get());
  }

  absl::Status Remove(const v1::ArticleTombstone& tombstone, SyncReport& report) {
    absl::StatusOr<Statement> remove = Prepare("DELETE FROM articles WHERE id = ? RETURNING title");
    if (!remove.ok()) return remove.status();
    sqlite3_bind_int64(remove->get(), 1, tombstone.id());
    // No row: the copy never had it (e.g. an article of another category, with a filter).
    if (sqlite3_step(remove->get()) == SQLITE_ROW) {
      const std::string reason = ReasonName(tombstone.reason());
      std::printf("- [%lld] %s (%s)\n", static_cast<long long>(tombstone.id()),
                  Text(remove->get(), 0).c_str(), reason.c_str());
      ++report.removed[reason];
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Statement> Prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
      return Error("prepare");
    }
    return Statement(statement, &sqlite3_finalize);
  }

  absl::Status Exec(const char* sql) {
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK ? absl::OkStatus()
                                                                          : Error(sql);
  }

  // Runs a statement that returns no rows.
  absl::Status Done(sqlite3_stmt* statement) {
    return sqlite3_step(statement) == SQLITE_DONE ? absl::OkStatus() : Error("write");
  }

  absl::Status Error(absl::string_view what) {
    return absl::InternalError(absl::StrCat("SQLite ", what, ": ", sqlite3_errmsg(db_)));
  }

  static std::string Text(sqlite3_stmt* statement, int column) {
    const unsigned char* text = sqlite3_column_text(statement, column);
    return text == nullptr ? "" : reinterpret_cast<const char*>(text);
  }

  static std::string Blob(sqlite3_stmt* statement, int column) {
    const void* data = sqlite3_column_blob(statement, column);
    return std::string(static_cast<const char*>(data), sqlite3_column_bytes(statement, column));
  }

  sqlite3* db_;
};

// Whether the server said "your token is too old, start a full sync": FAILED_PRECONDITION with a
// google.rpc.ErrorInfo of reason SYNC_TOKEN_EXPIRED (domain news.v1) in the details trailer. Apps
// react to the reason, never to the message text.
bool IsSyncTokenExpired(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) return false;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return false;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info) && info.domain() == "news.v1" &&
        info.reason() == "SYNC_TOKEN_EXPIRED") {
      return true;
    }
  }
  return false;
}

std::string DescribeReport(const SyncReport& report, int64_t articles, const std::string& path) {
  int removed = 0;
  std::vector<std::string> reasons;
  for (const auto& [reason, count] : report.removed) {
    removed += count;
    reasons.push_back(absl::StrCat(count, " ", reason));
  }
  std::string text = absl::StrCat(report.added, " added, ", report.updated, " updated, ", removed,
                                  " removed");
  if (!reasons.empty()) absl::StrAppend(&text, " (", absl::StrJoin(reasons, ", "), ")");
  absl::StrAppend(&text, "; ", articles, " articles in ", path);
  return text;
}

int RunSync(const Connection& connection, const CommandArgs& args) {
  const std::string path = args.Option("db", "news-offline.db");
  const absl::StatusOr<int64_t> category_id = args.IntOption("category_id", 0);
  if (!category_id.ok()) return PrintUsageError(category_id.status());
  const absl::StatusOr<int64_t> page_size = args.IntOption("page_size", 0);
  if (!page_size.ok()) return PrintUsageError(page_size.status());

  absl::StatusOr<std::unique_ptr<OfflineCopy>> copy = OfflineCopy::Open(path);
  if (!copy.ok()) return PrintUsageError(copy.status());
  absl::StatusOr<OfflineCopy::State> state = (*copy)->LoadState();
  if (!state.ok()) return PrintUsageError(state.status());

  std::string token = state->sync_token;
  if (!token.empty() && state->category_id != *category_id) {
    // The token continues the filter it was issued for only; another filter is another copy.
    std::printf("the copy follows category %lld: a full sync of category %lld replaces it\n",
                static_cast<long long>(state->category_id),
                static_cast<long long>(*category_id));
    token.clear();
  }
  std::printf(token.empty() ? "full sync into %s\n" : "syncing %s since its last sync\n",
              path.c_str());

  auto stub = v1::ArticleService::NewStub(connection.channel);
  SyncReport report;
  bool restarted = false;
  while (true) {
    v1::ListArticleChangesRequest request;
    request.set_sync_token(token);
    request.set_page_size(static_cast<int32_t>(*page_size));
    request.set_category_id(*category_id);
    v1::ListArticleChangesResponse response;
    const grpc::Status status =
        stub->ListArticleChanges(NewCallContext(connection).get(), request, &response);
    if (!status.ok()) {
      if (!restarted && IsSyncTokenExpired(status)) {
        // The copy stays as it is until the full sync completes, so the reader keeps reading.
        std::printf("the server no longer keeps the changes since the last sync: full sync\n");
        token.clear();
        restarted = true;
        continue;
      }
      // What was applied so far is stored with its token: the next run goes on from there.
      return PrintStatus("ListArticleChanges", status);
    }
    if (absl::Status applied = (*copy)->Apply(response, token.empty(), *category_id, report);
        !applied.ok()) {
      std::fprintf(stderr, "news-client: %s\n", std::string(applied.message()).c_str());
      return kExitCallFailed;
    }
    token = response.next_sync_token();
    if (response.caught_up()) break;
  }
  std::printf("%s\n", DescribeReport(report, (*copy)->ArticleCount(), path).c_str());
  return kExitOk;
}

}  // namespace

std::vector<Command> SyncCommands() {
  return {
      {"sync",
       "keep an offline copy of the published articles in a SQLite file (--db, default "
       "news-offline.db), optionally of one category; prints what changed",
       {"db", "category_id", "page_size"},
       {},
       RunSync},
  };
}

}  // namespace news::client
