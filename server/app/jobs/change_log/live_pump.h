#ifndef NEWS_SERVER_APP_JOBS_CHANGE_LOG_LIVE_PUMP_H_
#define NEWS_SERVER_APP_JOBS_CHANGE_LOG_LIVE_PUMP_H_

// Background job: the live hub's pump (server/domain/live/live_hub.h, docs/live.md). On a
// PeriodicTask, it waits for the change batches the ChangeLogFollower handed the hub (or a due
// like poll) and runs LiveHub::Process on a read-pool worker, so the follower's thread never
// waits for live streams. Metrics: news_live_streams (open streams), news_live_events_sent_total
// (events written to clients), news_live_streams_cut_off_total (streams ended because their
// client read too slowly).

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/db/database_pool.h"
#include "server/domain/live/live_hub.h"

namespace news {

class LivePump {
 public:
  // `hub`, `pool` and `metrics` must outlive the pump; registers the series above.
  LivePump(LiveHub& hub, db::DatabasePool& pool, ServerMetrics& metrics);

  void Start() { task_.Start(); }
  // Idempotent.
  void Stop() { task_.Stop(); }

 private:
  void Tick();

  LiveHub& hub_;
  db::DatabasePool& pool_;
  // After a failed run, the next waits until then (the database or the pool is busy or away).
  absl::Time next_attempt_ = absl::InfinitePast();
  bool failing_ = false;
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_CHANGE_LOG_LIVE_PUMP_H_
