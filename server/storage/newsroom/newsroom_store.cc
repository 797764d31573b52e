#include "server/storage/newsroom/newsroom_store.h"

#include "absl/strings/str_cat.h"

namespace news::storage {

int64_t NewsroomStore::StampChanges(int limit) {
  return tx_.exec_params1("SELECT stamp_change_log($1)", limit)[0].as<int64_t>();
}

namespace {

// The columns ReadChanges reads.
constexpr char kChangeColumns[] =
    "position, (extract(epoch FROM change_time) * 1000000)::bigint, kind, article_id,"
    " coalesce(comment_id, 0)";

std::vector<Change> ReadChanges(const pqxx::result& result) {
  std::vector<Change> changes;
  changes.reserve(result.size());
  for (const auto& row : result) {
    changes.push_back(Change{row[0].as<int64_t>(), absl::FromUnixMicros(row[1].as<int64_t>()),
                             row[2].as<std::string>(), row[3].as<int64_t>(), row[4].as<int64_t>()});
  }
  return changes;
}

}  // namespace

std::vector<Change> NewsroomStore::ListChangesAfter(int64_t position, int limit) {
  return ReadChanges(tx_.exec_params(absl::StrCat("SELECT ", kChangeColumns,
                                                  " FROM change_log WHERE position > $1"
                                                  " ORDER BY position LIMIT $2"),
                                     position, limit));
}

std::vector<Change> NewsroomStore::ListArticleChangesAfter(int64_t position, int limit) {
  // "comment_id IS NULL" is the predicate of change_log_article_position_idx (0040).
  return ReadChanges(tx_.exec_params(absl::StrCat("SELECT ", kChangeColumns,
                                                  " FROM change_log WHERE position > $1"
                                                  " AND comment_id IS NULL"
                                                  " ORDER BY position LIMIT $2"),
                                     position, limit));
}

NewsroomStore::Extent NewsroomStore::KeptExtent() {
  // min(position) is one step into the position index.
  const pqxx::row row = tx_.exec1(
      "SELECT coalesce((SELECT min(position) FROM change_log), h.last_position + 1),"
      " h.last_position FROM change_log_head h");
  return Extent{row[0].as<int64_t>(), row[1].as<int64_t>()};
}

int64_t NewsroomStore::LastPosition() {
  return tx_.exec("SELECT last_position FROM change_log_head")[0][0].as<int64_t>();
}

NewsroomStore::Advance NewsroomStore::AdvanceLifecycle() {
  const pqxx::row row = tx_.exec1("SELECT published, expired FROM advance_article_lifecycle()");
  return Advance{row[0].as<int64_t>(), row[1].as<int64_t>()};
}

NewsroomStore::Pruned NewsroomStore::Prune(absl::Duration retention) {
  const pqxx::row row = tx_.exec_params1("SELECT changes, articles FROM prune_newsroom($1)",
                                         absl::ToInt64Seconds(retention));
  return Pruned{row[0].as<int64_t>(), row[1].as<int64_t>()};
}

int64_t NewsroomStore::OldestPosition() {
  return tx_
      .exec("SELECT coalesce((SELECT min(position) FROM change_log),"
            " (SELECT last_position + 1 FROM change_log_head))")[0][0]
      .as<int64_t>();
}

// Both scan the position index from `after`: a resuming stream missed little.
std::vector<Change> NewsroomStore::ListCommentChanges(int64_t article_id, int64_t after,
                                                      int64_t upto, int limit) {
  return ReadChanges(tx_.exec_params(
      absl::StrCat("SELECT ", kChangeColumns,
                   " FROM change_log WHERE position > $1 AND position <= $2 AND article_id = $3"
                   " AND comment_id IS NOT NULL ORDER BY position LIMIT $4"),
      after, upto, article_id, limit));
}

std::vector<Change> NewsroomStore::ListArticleChanges(int64_t category_id, int64_t after,
                                                      int64_t upto, int limit) {
  return ReadChanges(tx_.exec_params(
      absl::StrCat("SELECT ", kChangeColumns,
                   " FROM change_log l WHERE position > $1 AND position <= $2"
                   " AND comment_id IS NULL AND ($3 = 0 OR EXISTS (SELECT 1 FROM articles a"
                   " WHERE a.id = l.article_id AND a.category_id = $3))"
                   " ORDER BY position LIMIT $4"),
      after, upto, category_id, limit));
}

}  // namespace news::storage
