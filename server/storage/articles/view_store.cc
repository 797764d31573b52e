#include "server/storage/articles/view_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/db/text_array.h"
#include "server/storage/articles/article_store.h"

namespace news::storage {
namespace {

std::vector<v1::MostViewedArticle> ReadMostViewed(const pqxx::result& result) {
  std::vector<v1::MostViewedArticle> articles;
  for (const auto& row : result) {
    v1::MostViewedArticle entry;
    entry.set_window_views(row[0].as<int64_t>());
    *entry.mutable_article() = ReadArticleSummary(row, 1);
    articles.push_back(std::move(entry));
  }
  return articles;
}

}  // namespace

void ViewStore::Prepare(pqxx::connection& connection) {
  connection.prepare(
      "views_add_daily",
      "INSERT INTO article_daily_views AS d (article_id, day, views)"
      " SELECT u.article_id, u.day, u.views"
      " FROM unnest($1::bigint[], $2::date[], $3::bigint[]) AS u(article_id, day, views)"
      " JOIN articles a ON a.id = u.article_id ORDER BY u.article_id, u.day"
      " ON CONFLICT (article_id, day) DO UPDATE SET views = d.views + EXCLUDED.views");
  connection.prepare("views_add_counter",
                     "INSERT INTO site_counters AS c (name, value) VALUES ($1, $2)"
                     " ON CONFLICT (name) DO UPDATE SET value = c.value + EXCLUDED.value"
                     " RETURNING value");
  connection.prepare("views_counter",
                     "SELECT coalesce((SELECT value FROM site_counters WHERE name = $1), 0)");
  connection.prepare("views_most_viewed_since",
                     absl::StrCat("SELECT v.views, ", kArticleSummaryColumns,
                                  " FROM ("
                                  " SELECT article_id, sum(views) AS views FROM article_daily_views"
                                  " WHERE day >= $1::date GROUP BY article_id) v JOIN ",
                                  kArticleSummaryFrom,
                                  " ON a.id = v.article_id WHERE a.status = 'published'"
                                  " ORDER BY v.views DESC, a.id DESC LIMIT $2"));
  // In the order of article_counters_most_viewed_idx.
  connection.prepare(
      "views_most_viewed_ever",
      absl::StrCat("SELECT ac.view_count, ", kArticleSummaryColumns, " FROM ", kArticleSummaryFrom,
                   " WHERE a.status = 'published'"
                   " ORDER BY ac.view_count DESC, ac.article_id DESC LIMIT $1"));
}

void ViewStore::AddDailyViews(const std::vector<DailyViews>& views) {
  if (views.empty()) return;
  std::vector<int64_t> ids;
  std::vector<std::string> days;
  std::vector<int64_t> counts;
  for (const DailyViews& entry : views) {
    ids.push_back(entry.article_id);
    days.push_back(entry.day);
    counts.push_back(entry.views);
  }
  tx_.exec_prepared("views_add_daily", absl::StrCat("{", absl::StrJoin(ids, ","), "}"),
                    db::ToTextArrayLiteral(days),
                    absl::StrCat("{", absl::StrJoin(counts, ","), "}"));
}

int64_t ViewStore::AddToCounter(const std::string& name, int64_t delta) {
  return tx_.exec_prepared1("views_add_counter", name, delta)[0].as<int64_t>();
}

int64_t ViewStore::Counter(const std::string& name) {
  return tx_.exec_prepared1("views_counter", name)[0].as<int64_t>();
}

std::vector<v1::MostViewedArticle> ViewStore::MostViewedSince(const std::string& first_day,
                                                              int limit) {
  return ReadMostViewed(tx_.exec_prepared("views_most_viewed_since", first_day, limit));
}

std::vector<v1::MostViewedArticle> ViewStore::MostViewedEver(int limit) {
  return ReadMostViewed(tx_.exec_prepared("views_most_viewed_ever", limit));
}

}  // namespace news::storage
