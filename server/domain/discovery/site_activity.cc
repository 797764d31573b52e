#include "server/domain/discovery/site_activity.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace news {

void SiteActivity::RecordRequest(absl::string_view client, absl::Time now) {
  const std::optional<absl::Time> previous = last_seen_.See(absl::Hash<absl::string_view>{}(client),
                                                            now, RecentSightings::Update::kAlways);
  if (!previous) pending_visits_.fetch_add(1, std::memory_order_relaxed);
  MoveLastSighting(previous, now);
}

void SiteActivity::MoveLastSighting(std::optional<absl::Time> previous, absl::Time now) {
  // A sighting never moves back in time (last_seen_ keeps the later one).
  const int64_t second = absl::ToUnixSeconds(previous ? std::max(*previous, now) : now);
  std::lock_guard lock(ring_mutex_);
  if (previous) {
    SecondSlot& before = last_seen_seconds_[absl::ToUnixSeconds(*previous) % kRingSeconds];
    if (before.second == absl::ToUnixSeconds(*previous)) --before.clients;
  }
  SecondSlot& slot = last_seen_seconds_[second % kRingSeconds];
  if (slot.second != second) slot = SecondSlot{second, 0};
  ++slot.clients;
}

int64_t SiteActivity::OnlineNow(absl::Time now) const {
  const int64_t newest = absl::ToUnixSeconds(now);
  const int64_t oldest = newest - absl::ToInt64Seconds(kOnlineWindow) + 1;
  std::lock_guard lock(ring_mutex_);
  int64_t online = 0;
  for (const SecondSlot& slot : last_seen_seconds_) {
    if (slot.second >= oldest && slot.second <= newest) online += slot.clients;
  }
  return online;
}

int64_t SiteActivity::TakePendingVisits() {
  return pending_visits_.exchange(0, std::memory_order_relaxed);
}

void SiteActivity::RestorePendingVisits(int64_t visits) {
  pending_visits_.fetch_add(visits, std::memory_order_relaxed);
}

int64_t SiteActivity::PendingVisits() const {
  return pending_visits_.load(std::memory_order_relaxed);
}

}  // namespace news
