#ifndef NEWS_SERVER_STORAGE_VIEW_STORE_H_
#define NEWS_SERVER_STORAGE_VIEW_STORE_H_

// All SQL on daily view counts (article_daily_views) and site_counters, and the most viewed
// lists; lifetime view counts are ArticleCounterStore's (article_counter_store.h). Writes are
// additive, so several server instances can flush into one database. Methods run in the
// caller's transaction and throw pqxx exceptions on database errors.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "news/v1/discovery.pb.h"

namespace news::storage {

struct DailyViews {
  int64_t article_id;
  // "YYYY-MM-DD", Vietnamese local date.
  std::string day;
  int64_t views;
};

class ViewStore {
 public:
  explicit ViewStore(pqxx::transaction_base& tx) : tx_(tx) {}

  static void Prepare(pqxx::connection& connection);

  // Adds the views to the articles' daily rows. (article, day) pairs must be unique; views of
  // articles that no longer exist are dropped.
  void AddDailyViews(const std::vector<DailyViews>& views);

  // Adds `delta` to counter `name` (created at 0 when missing) and returns the new value.
  int64_t AddToCounter(const std::string& name, int64_t delta);
  // The value of counter `name`, 0 when missing.
  int64_t Counter(const std::string& name);

  // Published articles with the most views on days >= `first_day` ("YYYY-MM-DD"), at most
  // `limit`, most viewed first.
  std::vector<v1::MostViewedArticle> MostViewedSince(const std::string& first_day, int limit);
  // Published articles with the highest lifetime view counts.
  std::vector<v1::MostViewedArticle> MostViewedEver(int limit);

 private:
  pqxx::transaction_base& tx_;
};

}  // namespace news::storage

#endif  // NEWS_SERVER_STORAGE_VIEW_STORE_H_
