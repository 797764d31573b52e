#include "server/domain/site_activity.h"

namespace news {

void SiteActivity::RecordRequest(absl::string_view client, absl::Time now) {
  std::lock_guard lock(mutex_);
  auto it = last_seen_.find(std::string(client));
  if (it == last_seen_.end()) {
    ++pending_visits_;
    if (last_seen_.size() >= max_clients_) ForgetSilent(now);
    if (last_seen_.size() < max_clients_) last_seen_.emplace(std::string(client), now);
    return;
  }
  if (now - it->second >= kVisitGap) ++pending_visits_;
  if (now > it->second) it->second = now;
}

int64_t SiteActivity::OnlineNow(absl::Time now) const {
  std::lock_guard lock(mutex_);
  int64_t online = 0;
  for (const auto& [client, seen] : last_seen_) {
    if (now - seen < kOnlineWindow) ++online;
  }
  return online;
}

int64_t SiteActivity::TakePendingVisits(absl::Time now) {
  std::lock_guard lock(mutex_);
  ForgetSilent(now);
  const int64_t visits = pending_visits_;
  pending_visits_ = 0;
  return visits;
}

void SiteActivity::RestorePendingVisits(int64_t visits) {
  std::lock_guard lock(mutex_);
  pending_visits_ += visits;
}

int64_t SiteActivity::PendingVisits() const {
  std::lock_guard lock(mutex_);
  return pending_visits_;
}

void SiteActivity::ForgetSilent(absl::Time now) {
  // A client silent for the visit gap starts a new visit next time whether remembered or not.
  for (auto it = last_seen_.begin(); it != last_seen_.end();) {
    it = now - it->second >= kVisitGap ? last_seen_.erase(it) : std::next(it);
  }
}

}  // namespace news
