#include "server/app/jobs/articles/related_list_refresher.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "server/domain/discovery/related_news.h"

namespace news {

RelatedListRefresher::RelatedListRefresher(db::DatabasePool& write_pool, int lists_per_run,
                                           absl::Duration interval, ServerMetrics& metrics)
    : write_pool_(write_pool),
      lists_per_run_(lists_per_run),
      task_(interval, PeriodicTask::FirstRun::kAfterInterval, [this] { Refresh(); }) {
  metrics.AddSampledCounter("news_related_lists_refreshed_total",
                            "Related lists recomputed because the corpus grew since", {},
                            [this] { return static_cast<double>(refreshed_.load()); });
}

void RelatedListRefresher::Refresh() {
  // Recomputing a list twice gives the same list, so a lost connection may rerun the job.
  const absl::Status status = RunOnPoolAndWait(
      write_pool_, absl::InfiniteFuture(), db::RetryPolicy::kRetryOnLostConnection,
      [this](pqxx::connection& db) {
        // One list per transaction: row locks are held briefly and never across lists, so an
        // import entering its article into many lists cannot deadlock with the refresher.
        for (int i = 0; i < lists_per_run_; ++i) {
          pqxx::work tx(db);
          const int refreshed = RefreshStaleRelatedLists(tx, 1);
          tx.commit();
          if (refreshed == 0) break;
          refreshed_.fetch_add(refreshed, std::memory_order_relaxed);
        }
        return absl::OkStatus();
      });
  if (!status.ok() && !absl::IsUnavailable(status)) {
    spdlog::warn("related lists not refreshed yet: {}", status.ToString());
  }
}

}  // namespace news
