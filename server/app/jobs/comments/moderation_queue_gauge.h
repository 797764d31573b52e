#ifndef NEWS_SERVER_APP_JOBS_COMMENTS_MODERATION_QUEUE_GAUGE_H_
#define NEWS_SERVER_APP_JOBS_COMMENTS_MODERATION_QUEUE_GAUGE_H_

// Background job: recounts the comments waiting for moderation (CommentStore::CountPending) on
// the read pool every interval and serves the last count as the news_moderation_queue_length
// gauge, so that scrapes never touch the database.

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/db/database_pool.h"

namespace news {

class ModerationQueueGauge {
 public:
  // Recounts every `interval`, but at most every 500 ms. `pool` and `metrics` must outlive the
  // gauge. Registers news_moderation_queue_length.
  ModerationQueueGauge(db::DatabasePool& pool, absl::Duration interval, ServerMetrics& metrics);

  // Counts at once, then every interval.
  void Start() { task_.Start(); }
  // Stops counting; call before the pool shuts down. Idempotent.
  void Stop() { task_.Stop(); }

 private:
  void Recount();

  db::DatabasePool& pool_;
  const absl::Duration interval_;
  // Read by the metrics at scrape time.
  std::atomic<int64_t> length_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_COMMENTS_MODERATION_QUEUE_GAUGE_H_
