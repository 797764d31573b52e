#ifndef NEWS_SERVER_APP_JOBS_DATABASE_HEALTH_MONITOR_H_
#define NEWS_SERVER_APP_JOBS_DATABASE_HEALTH_MONITOR_H_

// Background job: probes the database with one query on a connection of its own every 500 ms
// and reports the answer as the grpc.health.v1.Health status of the whole server ("") and of
// every service in kHealthReportedServices, and as the news_database_up gauge. A session that
// turned read-only (an old primary after a failover) is reopened at the next probe.

#include <grpcpp/health_check_service_interface.h>

#include <atomic>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "server/app/jobs/periodic_task.h"
#include "server/app/metrics.h"

namespace news {

// Services whose health grpc.health.v1.Health reports besides the server as a whole; they start
// NOT_SERVING until the first probe.
inline constexpr const char* kHealthReportedServices[] = {
    "news.v1.ArticleService", "news.v1.CommentService", "news.v1.ModerationService",
    "news.v1.DiscoveryService", "news.v1.EditorialService", "news.v1.ClientService",
    "news.v1.WebhookService", "news.v1.LiveService"};

class HealthMonitor {
 public:
  // `health` and `metrics` must outlive the monitor. Registers news_database_up.
  HealthMonitor(std::string database_url, grpc::HealthCheckServiceInterface& health,
                ServerMetrics& metrics);

  // Probes at once (setting the status for the first time), then every 500 ms.
  void Start() { task_.Start(); }
  // Stops probing; the reported status stays as it was. Idempotent.
  void Stop() { task_.Stop(); }

 private:
  void Probe();

  const std::string database_url_;
  grpc::HealthCheckServiceInterface& health_;
  // Touched by the task's thread only.
  std::unique_ptr<pqxx::connection> connection_;
  bool reported_ = false;
  bool last_serving_ = false;
  // Read by the metrics at scrape time.
  std::atomic<bool> serving_{false};
  PeriodicTask task_;
};

}  // namespace news

#endif  // NEWS_SERVER_APP_JOBS_DATABASE_HEALTH_MONITOR_H_
