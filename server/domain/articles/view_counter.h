#ifndef NEWS_SERVER_DOMAIN_VIEW_COUNTER_H_
#define NEWS_SERVER_DOMAIN_VIEW_COUNTER_H_

// Article view counting (docs/discovery.md): GetArticle records a view here, at most once per
// client per article per 30 minutes; counts wait in memory and are flushed in batches with
// additive updates, so reads never wait on writes and several instances add up. Thread-safe.
// Time is always passed in, so tests control it.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/discovery/recent_sightings.h"

namespace news {

class SiteActivity;

class ViewCounter {
 public:
  static constexpr absl::Duration kRepeatWindow = absl::Minutes(30);

  // Remembers at most `max_remembered` (client, article) pairs; beyond that, views are counted
  // without de-duplication until pairs expire.
  explicit ViewCounter(size_t max_remembered = 1 << 20)
      : last_counted_(kRepeatWindow, max_remembered) {}

  // Counts a view of `article_id` by `client` at `now` unless the same client's view of it was
  // counted less than 30 minutes before. Returns whether it was counted.
  bool RecordView(absl::string_view client, int64_t article_id, absl::Time now);

  // Views not flushed yet, by (article id, LocalDayNumber of the view).
  using PendingViews = absl::flat_hash_map<std::pair<int64_t, int64_t>, int64_t>;

  // Takes the pending views out.
  PendingViews TakePending();
  // Puts views back after a failed flush.
  void Restore(const PendingViews& views);

  // How many counted views wait for the next flush (lock-free, for the metrics).
  int64_t pending_count() const { return pending_count_.load(std::memory_order_relaxed); }

 private:
  // When each (client, article) pair's view was last counted, by hash of the pair.
  RecentSightings last_counted_;
  mutable std::mutex mutex_;
  PendingViews pending_;
  // The sum of pending_'s counts, kept beside it so that reading it takes no lock.
  std::atomic<int64_t> pending_count_{0};
};

// Days from 1970-01-01 to the Vietnamese local date (UTC+7) of `time`.
int64_t LocalDayNumber(absl::Time time);
// Day number `day` as "YYYY-MM-DD".
std::string FormatDayNumber(int64_t day);

// Writes the pending views of `views` and pending visits of `activity` on `db`, in article id
// order, at most `max_rows_per_transaction` (article, day) counts per transaction, so that a
// transaction's duration and row locks stay bounded however large the backlog grew (under the
// connection's statement_timeout). On failure the counts of the failed transaction and of those
// not yet run are put back for the next flush (the committed ones stay written: nothing is
// counted twice) and the error is returned.
inline constexpr size_t kViewRowsPerTransaction = 1000;
absl::Status WritePendingViewsAndVisits(pqxx::connection& db, ViewCounter& views,
                                        SiteActivity& activity,
                                        size_t max_rows_per_transaction = kViewRowsPerTransaction);

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_VIEW_COUNTER_H_
