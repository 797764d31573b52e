#ifndef NEWS_SERVER_APP_JOBS_ARTICLES_ARTICLE_COUNTER_REFRESHER_H_
#define NEWS_SERVER_APP_JOBS_ARTICLES_ARTICLE_COUNTER_REFRESHER_H_

// Background job: every interval, reads the view and comment counts of every article whose
// GetArticle response is cached, in one statement on the read pool
// (ArticleCounterStore::Read), into the CounterOverlay that GetArticle serves on top of the
// cached bytes (docs/caching.md). Counts news_article_counter_reads_total (batches read).

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/db/database_pool.h"
#include "server/domain/articles/counter_overlay.h"
#include "server/domain/response_cache.h"

namespace news {

class ArticleCounterRefresher {
 public:
  // Reads every `interval` (at least 10 ms). `pool`, `cache`, `overlay` and `metrics` must
  // outlive the refresher.
  ArticleCounterRefresher(db::DatabasePool& pool, const ArticleCache& cache,
                          CounterOverlay& overlay, absl::Duration interval,
                          ServerMetrics& metrics);

  // Reads after the first interval, then every interval.
  void Start() { task_.Start(); }
  // Stops reading; call before the pool shuts down. Idempotent.
  void Stop() { task_.Stop(); }

 private:
  void Refresh();

  db::DatabasePool& pool_;
  const ArticleCache& cache_;
  CounterOverlay& overlay_;
  const absl::Duration interval_;
  std::atomic<uint64_t> reads_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_ARTICLES_ARTICLE_COUNTER_REFRESHER_H_
