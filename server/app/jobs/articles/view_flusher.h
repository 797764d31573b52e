#ifndef NEWS_SERVER_APP_JOBS_ARTICLES_VIEW_FLUSHER_H_
#define NEWS_SERVER_APP_JOBS_ARTICLES_VIEW_FLUSHER_H_

// Background job: writes the views and visits counted in memory (ViewCounter, SiteActivity) to
// the database through the write pool every interval, and once more when stopped. Their backlog
// is the news_pending_view_counts gauge.

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/db/database_pool.h"
#include "server/domain/articles/view_counter.h"
#include "server/domain/discovery/site_activity.h"

namespace news {

class ViewFlusher {
 public:
  // Everything passed in must outlive the flusher. Registers news_pending_view_counts.
  ViewFlusher(db::DatabasePool& write_pool, ViewCounter& views, SiteActivity& activity,
              absl::Duration interval, ServerMetrics& metrics);

  // Flushes every interval, the first time one interval from now.
  void Start() { task_.Start(); }
  // Stops the periodic flushes and writes what is still pending. Call once nothing counts views
  // any more (the gRPC server is shut down) and before the write pool shuts down. Idempotent.
  void Stop();

 private:
  // Writes the pending counts and waits for the outcome; on failure they stay pending.
  void Flush();

  db::DatabasePool& write_pool_;
  ViewCounter& views_;
  SiteActivity& activity_;
  PeriodicTask task_;
  bool stopped_ = false;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_ARTICLES_VIEW_FLUSHER_H_
