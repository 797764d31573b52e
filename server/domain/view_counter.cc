#include "server/domain/view_counter.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "server/domain/site_activity.h"
#include "server/storage/view_store.h"

namespace news {

std::string LocalDay(absl::Time time) {
  static const absl::TimeZone kVietnam = absl::FixedTimeZone(7 * 60 * 60);
  return absl::FormatTime("%Y-%m-%d", time, kVietnam);
}

bool ViewCounter::RecordView(absl::string_view client, int64_t article_id, absl::Time now) {
  std::string key = absl::StrCat(client, "\n", article_id);
  std::lock_guard lock(mutex_);
  auto it = last_counted_.find(key);
  if (it != last_counted_.end()) {
    if (now - it->second < kRepeatWindow) return false;
    it->second = now;
  } else {
    if (last_counted_.size() >= max_remembered_) ForgetExpired(now);
    if (last_counted_.size() < max_remembered_) last_counted_.emplace(std::move(key), now);
  }
  ++pending_[{article_id, LocalDay(now)}];
  pending_count_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

ViewCounter::PendingViews ViewCounter::TakePending(absl::Time now) {
  std::lock_guard lock(mutex_);
  ForgetExpired(now);
  PendingViews taken;
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

void ViewCounter::ForgetExpired(absl::Time now) {
  for (auto it = last_counted_.begin(); it != last_counted_.end();) {
    it = now - it->second >= kRepeatWindow ? last_counted_.erase(it) : std::next(it);
  }
}

absl::Status FlushAudienceCounts(pqxx::connection& db, ViewCounter& views, SiteActivity& activity,
                                 absl::Time now) {
  const ViewCounter::PendingViews pending = views.TakePending(now);
  const int64_t visits = activity.TakePendingVisits(now);
  if (pending.empty() && visits == 0) return absl::OkStatus();
  try {
    std::vector<storage::DailyViews> rows;
    rows.reserve(pending.size());
    for (const auto& [key, count] : pending) rows.push_back({key.first, key.second, count});
    pqxx::work tx(db);
    storage::ViewStore store(tx);
    store.AddViews(rows);
    if (visits > 0) store.AddToCounter("total_visits", visits);
    tx.commit();
    return absl::OkStatus();
  } catch (const std::exception& e) {
    views.Restore(pending);
    activity.RestorePendingVisits(visits);
    return absl::UnavailableError(absl::StrCat("flushing view counts: ", e.what()));
  }
}

}  // namespace news
