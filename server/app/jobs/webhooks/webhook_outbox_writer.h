#ifndef NEWS_SERVER_APP_JOBS_WEBHOOKS_WEBHOOK_OUTBOX_WRITER_H_
#define NEWS_SERVER_APP_JOBS_WEBHOOKS_WEBHOOK_OUTBOX_WRITER_H_

// Background job: writes push-hook deliveries into the outbox from the change log (docs/live.md,
// "Push hooks"). On a PeriodicTask with its own connection; one instance at a time writes,
// whichever holds the session advisory lock (7305, 1), and another takes over within a tick
// when it stops. Each tick it reads the changes after the outbox cursor (a row in the database,
// not a ChangeSubscriber's in-memory position: it must survive restarts and be one for all
// instances) and inserts their deliveries and the new cursor in one transaction
// (FanOutChanges), so a crash loses and repeats nothing. A lost connection is reopened after a
// second. Metrics: news_webhook_outbox_writer (1 while this instance writes) and
// news_webhook_changes_read_total.

#include <atomic>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "absl/time/time.h"
#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"

namespace news {

struct WebhookOutboxWriterOptions {
  std::string database_url;
  // How often the change log is read: with the sequencer's 50 ms, an event reaches the outbox
  // about this long after its commit.
  absl::Duration interval = absl::Milliseconds(100);
};

class WebhookOutboxWriter {
 public:
  // `metrics` must outlive the writer; registers the series above.
  WebhookOutboxWriter(WebhookOutboxWriterOptions options, ServerMetrics& metrics);

  void Start() { task_.Start(); }
  // Stops and closes the connection, which releases the lock. Idempotent.
  void Stop();

 private:
  void Tick();

  const WebhookOutboxWriterOptions options_;
  // Used by the task's thread only.
  std::unique_ptr<pqxx::connection> db_;
  absl::Time next_attempt_ = absl::InfinitePast();
  // Read by the metrics at scrape time.
  std::atomic<bool> writer_{false};
  std::atomic<int64_t> changes_read_{0};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_WEBHOOKS_WEBHOOK_OUTBOX_WRITER_H_
