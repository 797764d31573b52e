#include "server/app/jobs/comments/moderation_queue_gauge.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "server/storage/comments/comment_store.h"

namespace news {

ModerationQueueGauge::ModerationQueueGauge(db::DatabasePool& pool, absl::Duration interval,
                                           ServerMetrics& metrics)
    : pool_(pool),
      interval_(std::max(interval, absl::Milliseconds(500))),
      task_(interval_, PeriodicTask::FirstRun::kAtStart, [this] { Recount(); }) {
  metrics.AddSampledGauge("news_moderation_queue_length",
                          "Comments waiting for moderation (recounted every few s)",
                          [this] { return static_cast<double>(length_.load()); });
}

void ModerationQueueGauge::Recount() {
  // A count older than one interval is replaced by the next one anyway.
  const absl::Status status =
      RunOnPoolAndWait(pool_, absl::Now() + interval_, db::RetryPolicy::kRetryOnLostConnection, [this](pqxx::connection& db) {
        pqxx::nontransaction tx(db);
        length_ = storage::CommentStore(tx).CountPending();
        return absl::OkStatus();
      });
  // While the database is away the health monitor says so; the gauge keeps its last count.
  if (!status.ok() && !absl::IsUnavailable(status)) {
    spdlog::warn("moderation queue not counted: {}", status.ToString());
  }
}

}  // namespace news
