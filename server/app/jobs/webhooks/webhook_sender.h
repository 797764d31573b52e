#ifndef NEWS_SERVER_APP_JOBS_WEBHOOKS_WEBHOOK_SENDER_H_
#define NEWS_SERVER_APP_JOBS_WEBHOOKS_WEBHOOK_SENDER_H_

// Background job: delivers the webhook outbox (docs/live.md, "Push hooks"). On a PeriodicTask
// with its own connection, it claims due deliveries (FOR UPDATE SKIP LOCKED, so every instance
// may send, each delivery claimed by one at a time) with a lease, POSTs them with libcurl (at
// most `concurrency` at once, each within `timeout`, redirects not followed, http and https
// only, never to this server's own gRPC or metrics port), signed as Standard Webhooks says, and
// records each outcome: a 2xx answer deletes the delivery; anything else schedules the next
// attempt after RetryDelay, or, when that would be past the give-up age, moves it to the dead
// letters. A delivery whose sender died or stopped mid-attempt is claimed again when its lease
// runs out, so every delivery is attempted until it succeeds or is given up: at least once.
// Metrics: news_webhook_deliveries_total{outcome="attempted|succeeded|failed|dead"},
// news_webhook_outbox_depth (deliveries waiting, all instances), news_webhook_dead_letters and
// news_webhook_deliveries_in_flight (this instance).

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "absl/random/random.h"
#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"
#include "server/domain/webhooks/webhook_url.h"

namespace news {

struct WebhookSenderOptions {
  std::string database_url;
  // Deliveries in flight at once on this instance.
  int concurrency = 16;
  // Longest one attempt may take, connection included; a slower answer is a failed attempt.
  absl::Duration timeout = absl::Seconds(10);
  // The delay after the first failed attempt; each further failure doubles it, up to
  // backoff_max (RetryDelay, with jitter).
  absl::Duration backoff_first = absl::Seconds(5);
  absl::Duration backoff_max = absl::Hours(1);
  // A delivery whose next attempt would start later than this after it was written (or
  // replayed) is given up: a dead letter.
  absl::Duration give_up_age = absl::Hours(24);
  // How often due deliveries are looked for while nothing is in flight.
  absl::Duration poll_interval = absl::Milliseconds(100);
};

class WebhookSender {
 public:
  // `own` (this server's ports) and `metrics` must outlive the sender; registers the series
  // above.
  WebhookSender(WebhookSenderOptions options, const OwnListeners& own, ServerMetrics& metrics);
  ~WebhookSender();

  void Start() { task_.Start(); }
  // Stops sending and abandons the attempts in flight (their leases run out and another sender,
  // or this one after a restart, sends them again). Idempotent.
  void Stop();

 private:
  struct Transfer;

  void Tick();
  void Claim();
  void Launch(std::unique_ptr<Transfer> transfer);
  // Runs the transfers in flight for up to `budget`, recording each that ends.
  void Pump(absl::Duration budget);
  void Finish(Transfer& transfer, int curl_code);
  void RefreshCounts();
  void AbandonAll();

  const WebhookSenderOptions options_;
  const OwnListeners& own_;
  // The lease of a claim: an attempt never outlives it.
  const absl::Duration lease_;
  // Used by the task's thread only.
  void* multi_ = nullptr;
  std::map<void*, std::unique_ptr<Transfer>> in_flight_;
  std::unique_ptr<pqxx::connection> db_;
  absl::Time next_attempt_ = absl::InfinitePast();
  absl::Time next_count_ = absl::InfinitePast();
  absl::BitGen random_;
  // Read by the metrics at scrape time.
  std::atomic<int64_t> attempted_{0};
  std::atomic<int64_t> succeeded_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> dead_{0};
  std::atomic<int64_t> depth_{0};
  std::atomic<int64_t> dead_letters_{0};
  std::atomic<int64_t> in_flight_count_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_WEBHOOKS_WEBHOOK_SENDER_H_
