#ifndef NEWS_SERVER_DOMAIN_SITE_ACTIVITY_H_
#define NEWS_SERVER_DOMAIN_SITE_ACTIVITY_H_

// "Đang truy cập / Tổng truy cập" (docs/discovery.md): which clients this server instance saw
// recently, and how many visits began (a visit is a client's first request after 30 minutes of
// silence). Visits are flushed to the database with the view counts; online clients stay in
// memory, per instance. Thread-safe; time is always passed in.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/discovery/recent_sightings.h"

namespace news {

class SiteActivity {
 public:
  static constexpr absl::Duration kOnlineWindow = absl::Minutes(5);
  static constexpr absl::Duration kVisitGap = absl::Minutes(30);

  // Remembers at most `max_clients` clients; beyond that, each request of a new client counts as
  // a visit and an online client, until remembered clients fall silent for 30 minutes.
  explicit SiteActivity(size_t max_clients = 1 << 20) : last_seen_(kVisitGap, max_clients) {}

  // Notes a request from `client` at `now`.
  void RecordRequest(absl::string_view client, absl::Time now);

  // Distinct clients whose last request is less than 5 minutes (counted in whole seconds)
  // before `now`.
  int64_t OnlineNow(absl::Time now) const;

  // Visits not flushed yet: taken out for a flush, put back when it failed, or read.
  int64_t TakePendingVisits();
  void RestorePendingVisits(int64_t visits);
  int64_t PendingVisits() const;

 private:
  // Moves one client's last sighting from `previous` (if any) to `now` in last_seen_seconds_.
  void MoveLastSighting(std::optional<absl::Time> previous, absl::Time now);

  // When each client was last seen, by hash of its identity.
  RecentSightings last_seen_;
  std::atomic<int64_t> pending_visits_{0};

  // How many clients were last seen in each of the latest seconds: a ring indexed by the Unix
  // second, longer than the online window, so that counting online clients reads 300 slots
  // instead of every client.
  struct SecondSlot {
    int64_t second = -1;
    int64_t clients = 0;
  };
  static constexpr int64_t kRingSeconds = 512;
  mutable std::mutex ring_mutex_;
  std::array<SecondSlot, kRingSeconds> last_seen_seconds_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_SITE_ACTIVITY_H_
