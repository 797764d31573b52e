#include "server/app/jobs/articles/article_counter_refresher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <pqxx/pqxx>
#include <vector>

#include "absl/time/clock.h"
#include "server/storage/articles/article_counter_store.h"

namespace news {

ArticleCounterRefresher::ArticleCounterRefresher(db::DatabasePool& pool, const ArticleCache& cache,
                                                 CounterOverlay& overlay, absl::Duration interval,
                                                 ServerMetrics& metrics)
    : pool_(pool),
      cache_(cache),
      overlay_(overlay),
      interval_(std::max(interval, absl::Milliseconds(10))),
      task_(interval_, PeriodicTask::FirstRun::kAfterInterval, [this] { Refresh(); }) {
  metrics.AddSampledCounter("news_article_counter_reads_total",
                            "Batched reads of the counters of the cached articles", {},
                            [this] { return static_cast<double>(reads_.load()); });
}

void ArticleCounterRefresher::Refresh() {
  const std::vector<int64_t> ids = cache_.Keys();
  // Taken before the read starts: the counters read are at least this recent.
  const absl::Time as_of = absl::Now();
  std::vector<storage::ArticleCounters> counters;
  // A batch older than one interval is replaced by the next one anyway.
  const absl::Status status = RunOnPoolAndWait(
      pool_, as_of + interval_ + absl::Seconds(1), db::RetryPolicy::kRetryOnLostConnection,
      [&](pqxx::connection& db) {
        pqxx::nontransaction tx(db);
        counters = storage::ArticleCounterStore(tx).Read(ids);
        return absl::OkStatus();
      });
  if (!status.ok()) {
    // The overlay keeps its last counters; while the database is away the health monitor says so.
    if (!absl::IsUnavailable(status)) spdlog::warn("article counters not read: {}", status.ToString());
    return;
  }
  overlay_.ReplaceAll(counters, as_of);
  reads_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace news
