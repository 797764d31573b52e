#ifndef NEWS_SERVER_DOMAIN_SITE_ACTIVITY_H_
#define NEWS_SERVER_DOMAIN_SITE_ACTIVITY_H_

// "Đang truy cập / Tổng truy cập" (docs/discovery.md): which clients this server instance saw
// recently, and how many visits began (a visit is a client's first request after 30 minutes of
// silence). Visits are flushed to the database with the view counts; online clients stay in
// memory, per instance. Thread-safe; time is always passed in.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace news {

class SiteActivity {
 public:
  static constexpr absl::Duration kOnlineWindow = absl::Minutes(5);
  static constexpr absl::Duration kVisitGap = absl::Minutes(30);

  // Remembers at most `max_clients` clients; beyond that, clients silent for 30 minutes are
  // forgotten, and if none is, requests of new clients count as visits without being remembered.
  explicit SiteActivity(size_t max_clients = 1 << 20) : max_clients_(max_clients) {}

  // Notes a request from `client` at `now`.
  void RecordRequest(absl::string_view client, absl::Time now);

  // Distinct clients whose last request is less than 5 minutes before `now`.
  int64_t OnlineNow(absl::Time now) const;

  // Visits not flushed yet: taken out for a flush, put back when it failed, or read.
  int64_t TakePendingVisits(absl::Time now);
  void RestorePendingVisits(int64_t visits);
  int64_t PendingVisits() const;

 private:
  void ForgetSilent(absl::Time now);

  const size_t max_clients_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, absl::Time> last_seen_;
  int64_t pending_visits_ = 0;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_SITE_ACTIVITY_H_
