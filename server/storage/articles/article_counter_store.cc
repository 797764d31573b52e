#include "server/storage/articles/article_counter_store.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace news::storage {
namespace {

std::string BigintArray(const std::vector<int64_t>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

}  // namespace

void ArticleCounterStore::Prepare(pqxx::connection& connection) {
  connection.prepare("counters_add_views",
                     "UPDATE article_counters n SET view_count = n.view_count + v.views FROM ("
                     " SELECT u.article_id, sum(u.views) AS views"
                     " FROM unnest($1::bigint[], $2::bigint[]) AS u(article_id, views)"
                     " JOIN (SELECT article_id FROM article_counters"
                     "       WHERE article_id = ANY($1::bigint[])"
                     "       ORDER BY article_id FOR NO KEY UPDATE) locked USING (article_id)"
                     " GROUP BY u.article_id) v WHERE n.article_id = v.article_id");
  connection.prepare("counters_raise_views",
                     "UPDATE article_counters SET view_count = $2"
                     " WHERE article_id = $1 AND view_count < $2");
  connection.prepare("counters_add_comments",
                     "UPDATE article_counters SET comment_count = comment_count + $2"
                     " WHERE article_id = $1");
  connection.prepare("counters_set",
                     "UPDATE article_counters n"
                     " SET view_count = u.views, comment_count = u.comments"
                     " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])"
                     " AS u(article_id, views, comments) WHERE n.article_id = u.article_id");
  connection.prepare("counters_read",
                     "SELECT article_id, view_count, comment_count FROM article_counters"
                     " WHERE article_id = ANY($1::bigint[])");
}

void ArticleCounterStore::AddViews(const std::vector<ArticleViews>& views) {
  if (views.empty()) return;
  std::vector<int64_t> ids;
  std::vector<int64_t> counts;
  ids.reserve(views.size());
  counts.reserve(views.size());
  for (const ArticleViews& entry : views) {
    ids.push_back(entry.article_id);
    counts.push_back(entry.views);
  }
  tx_.exec_prepared("counters_add_views", BigintArray(ids), BigintArray(counts));
}

void ArticleCounterStore::RaiseViewCount(int64_t id, int64_t views) {
  tx_.exec_prepared("counters_raise_views", id, views);
}

void ArticleCounterStore::AddToCommentCount(int64_t id, int delta) {
  tx_.exec_prepared("counters_add_comments", id, delta);
}

void ArticleCounterStore::Set(const std::vector<ArticleCounters>& counters) {
  if (counters.empty()) return;
  std::vector<int64_t> ids;
  std::vector<int64_t> views;
  std::vector<int64_t> comments;
  for (const ArticleCounters& entry : counters) {
    ids.push_back(entry.id);
    views.push_back(entry.view_count);
    comments.push_back(entry.comment_count);
  }
  tx_.exec_prepared("counters_set", BigintArray(ids), BigintArray(views), BigintArray(comments));
}

std::vector<ArticleCounters> ArticleCounterStore::Read(const std::vector<int64_t>& ids) {
  std::vector<ArticleCounters> counters;
  if (ids.empty()) return counters;
  const pqxx::result rows = tx_.exec_prepared("counters_read", BigintArray(ids));
  counters.reserve(rows.size());
  for (const pqxx::row& row : rows) {
    counters.push_back({.id = row[0].as<int64_t>(),
                        .view_count = row[1].as<int64_t>(),
                        .comment_count = row[2].as<int64_t>()});
  }
  return counters;
}

}  // namespace news::storage
