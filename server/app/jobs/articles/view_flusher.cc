#include "server/app/jobs/articles/view_flusher.h"

#include <spdlog/spdlog.h>

namespace news {

ViewFlusher::ViewFlusher(db::DatabasePool& write_pool, ViewCounter& views, SiteActivity& activity,
                         absl::Duration interval, ServerMetrics& metrics)
    : write_pool_(write_pool),
      views_(views),
      activity_(activity),
      task_(interval, PeriodicTask::FirstRun::kAfterInterval, [this] { Flush(); }) {
  metrics.AddSampledGauge("news_pending_view_counts",
                          "Counted article views not yet written to the database",
                          [this] { return static_cast<double>(views_.pending_count()); });
}

void ViewFlusher::Stop() {
  if (stopped_) return;
  stopped_ = true;
  task_.Stop();
  Flush();
}

void ViewFlusher::Flush() {
  const absl::Status status =
      RunOnPoolAndWait(write_pool_, absl::InfiniteFuture(), db::RetryPolicy::kNoRetry, [this](pqxx::connection& db) {
        return WritePendingViewsAndVisits(db, views_, activity_);
      });
  if (!status.ok()) spdlog::warn("view counts not flushed yet: {}", status.ToString());
}

}  // namespace news
