#ifndef NEWS_SERVER_APP_JOBS_ARTICLES_RELATED_LIST_REFRESHER_H_
#define NEWS_SERVER_APP_JOBS_ARTICLES_RELATED_LIST_REFRESHER_H_

// Background job: recomputes related lists that went stale as the corpus grew
// (RefreshStaleRelatedLists, docs/discovery.md), up to `lists_per_run` every interval, one list
// per transaction on the write pool. Instances share the work: each takes lists the others have
// not locked. Counts its work in news_related_lists_refreshed_total.

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/db/database_pool.h"

namespace news {

class RelatedListRefresher {
 public:
  // `write_pool` and `metrics` must outlive the refresher; `lists_per_run` > 0.
  RelatedListRefresher(db::DatabasePool& write_pool, int lists_per_run, absl::Duration interval,
                       ServerMetrics& metrics);

  // Refreshes every interval, the first time one interval from now.
  void Start() { task_.Start(); }
  // Stops refreshing; call before the write pool shuts down. Idempotent.
  void Stop() { task_.Stop(); }

 private:
  void Refresh();

  db::DatabasePool& write_pool_;
  const int lists_per_run_;
  std::atomic<int64_t> refreshed_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_ARTICLES_RELATED_LIST_REFRESHER_H_
