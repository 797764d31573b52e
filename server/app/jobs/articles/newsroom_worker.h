#ifndef NEWS_SERVER_APP_JOBS_ARTICLES_NEWSROOM_WORKER_H_
#define NEWS_SERVER_APP_JOBS_ARTICLES_NEWSROOM_WORKER_H_

// Background job: the newsroom's work in a server instance (docs/newsroom.md), on a PeriodicTask
// with its own database connection, so that no request causes it:
// - sequencer: while this instance holds the sequencer lock (a session advisory lock; one
//   instance at a time, any may take it over), stamps change-log positions every tick;
// - scheduler: publishes scheduled articles whose time has come and expires published ones
//   past their expire_time (each exactly once across instances, see 0012's
//   advance_article_lifecycle());
// - retention: the sequencer also prunes changes and soft-deleted articles past the retention.
// A lost connection is reopened after a second. Metrics: news_change_log_stamped_total,
// news_articles_published_by_schedule_total, news_articles_expired_total and
// news_change_log_sequencer (1 while this instance holds the sequencer lock).

#include <atomic>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"

namespace news {

struct NewsroomWorkerOptions {
  std::string database_url;
  // How often the sequencer stamps: the delay between a commit and its change's position.
  absl::Duration sequencer_interval = absl::Milliseconds(50);
  // How often the scheduler looks for due articles: scheduled articles appear, and expired ones
  // leave, at most this much after their time.
  absl::Duration lifecycle_interval = absl::Milliseconds(200);
  // How long changes and soft-deleted articles are kept.
  absl::Duration retention = absl::Hours(24 * 30);
  absl::Duration prune_interval = absl::Minutes(1);
};

class NewsroomWorker {
 public:
  // `metrics` must outlive the worker; registers the series above.
  NewsroomWorker(NewsroomWorkerOptions options, ServerMetrics& metrics);

  // Ticks every sequencer_interval from now on.
  void Start() { task_.Start(); }
  // Stops ticking and closes the connection, which releases the sequencer lock. Idempotent.
  void Stop();

 private:
  void Tick();

  const NewsroomWorkerOptions options_;
  // Used by the task's thread only.
  std::unique_ptr<pqxx::connection> db_;
  absl::Time next_attempt_ = absl::InfinitePast();
  absl::Time next_lifecycle_ = absl::InfinitePast();
  absl::Time next_prune_ = absl::InfinitePast();
  // Read by the metrics at scrape time.
  std::atomic<bool> sequencer_{false};
  std::atomic<int64_t> stamped_{0};
  std::atomic<int64_t> published_{0};
  std::atomic<int64_t> expired_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_ARTICLES_NEWSROOM_WORKER_H_
