#include "server/domain/articles/view_counter.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/domain/discovery/site_activity.h"
#include "server/storage/articles/article_counter_store.h"
#include "server/storage/articles/view_store.h"

namespace news {

namespace {

constexpr int64_t kVietnamOffsetSeconds = 7 * 60 * 60;
constexpr int64_t kSecondsPerDay = 24 * 60 * 60;

}  // namespace

int64_t LocalDayNumber(absl::Time time) {
  const int64_t seconds = absl::ToUnixSeconds(time) + kVietnamOffsetSeconds;
  return seconds >= 0 ? seconds / kSecondsPerDay : (seconds + 1) / kSecondsPerDay - 1;
}

std::string FormatDayNumber(int64_t day) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(day * kSecondsPerDay),
                          absl::UTCTimeZone());
}

bool ViewCounter::RecordView(absl::string_view client, int64_t article_id, absl::Time now) {
  const uint64_t pair = absl::Hash<std::pair<absl::string_view, int64_t>>{}({client, article_id});
  if (last_counted_.See(pair, now, RecentSightings::Update::kOnlyWhenExpired)) return false;
  const int64_t day = LocalDayNumber(now);
  std::lock_guard lock(mutex_);
  ++pending_[{article_id, day}];
  pending_count_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

ViewCounter::PendingViews ViewCounter::TakePending() {
  PendingViews taken;
  std::lock_guard lock(mutex_);
  taken.swap(pending_);
  pending_count_.store(0, std::memory_order_relaxed);
  return taken;
}

void ViewCounter::Restore(const PendingViews& views) {
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : views) {
    pending_[key] += count;
    pending_count_.fetch_add(count, std::memory_order_relaxed);
  }
}

absl::Status WritePendingViewsAndVisits(pqxx::connection& db, ViewCounter& views,
                                        SiteActivity& activity, size_t max_rows_per_transaction) {
  const ViewCounter::PendingViews pending = views.TakePending();
  int64_t visits = activity.TakePendingVisits();
  if (pending.empty() && visits == 0) return absl::OkStatus();
  std::vector<std::pair<ViewCounter::PendingViews::key_type, int64_t>> counts(pending.begin(),
                                                                               pending.end());
  std::sort(counts.begin(), counts.end());
  const size_t chunk = std::max<size_t>(1, max_rows_per_transaction);
  size_t written = 0;
  try {
    do {
      const size_t end = std::min(counts.size(), written + chunk);
      std::vector<storage::DailyViews> rows;
      std::vector<storage::ArticleViews> lifetime;
      rows.reserve(end - written);
      lifetime.reserve(end - written);
      for (size_t i = written; i < end; ++i) {
        const auto& [key, count] = counts[i];
        rows.push_back({key.first, FormatDayNumber(key.second), count});
        lifetime.push_back({.article_id = key.first, .views = count});
      }
      pqxx::work tx(db);
      storage::ArticleCounterStore(tx).AddViews(lifetime);
      storage::ViewStore store(tx);
      store.AddDailyViews(rows);
      if (visits > 0) store.AddToCounter("total_visits", visits);
      tx.commit();
      visits = 0;
      written = end;
    } while (written < counts.size());
    return absl::OkStatus();
  } catch (const std::exception& e) {
    views.Restore(ViewCounter::PendingViews(counts.begin() + written, counts.end()));
    activity.RestorePendingVisits(visits);
    return absl::UnavailableError(absl::StrCat("flushing view counts: ", e.what()));
  }
}

}  // namespace news
